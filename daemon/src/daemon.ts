/**
 * @module daemon
 * Builds the daemon from its parts and wires configuration changes to the buses and poller.
 * main.ts reads the environment and calls this; tests and the demo call it in-process with
 * their own links and clocks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { loadCatalog, type Catalog } from './catalog/index';
import { openDatabases, HistoryStore, type Databases } from './store/index';
import { ConfigStore, type Seed } from './config/index';
import { AuthService } from './auth/index';
import { GatewayManager, type LinkFactory } from './gateways/index';
import { Poller, type PollDevice } from './poll/index';
import { createApi, HTTP_SERVER_OPTIONS, applyServerLimits } from './api/index';
import { createSystem, type SystemAdapter } from './system/index';
import { Scanner } from './scan/index';
import { Energy, scopeProvider, scopeLabels } from './energy/index';
import { Costs } from './costs/index';
import { HistoryFolder, FtpAccess, WebDavAccess, folderStructure, settingsFiles, slotCosts } from './files/index';
import { join } from 'node:path';
import { Exports } from './reports/index';
import { systemClock, type Clock } from './util/clock';
import { createLogger, type Logger } from './util/log';

export interface DaemonOptions {
  dataDir: string;
  port?: number;
  host?: string;
  webDir?: string;
  catalog?: Catalog;
  clock?: Clock;
  log?: Logger;
  linkFactory?: LinkFactory;
  /** Applied when the store has no devices yet. */
  seed?: Seed;
  system?: SystemAdapter;
  /** Overrides the configured sample rate (tests). */
  sampleIntervalMs?: number;
  /** Background refresh period of healthy devices. */
  refreshMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  version?: string;
  /** The history folder (HIST-2; default `<dataDir>/history`). */
  historyDir?: string;
  /** FTP port instead of the configured one (tests, a developer's machine: 21 needs privileges); 0 = any free port. */
  ftpPort?: number;
  /** FTP passive ports (default 50000–50100). */
  ftpPassivePorts?: { min: number; max: number };
}

export interface Daemon {
  readonly url: string;
  readonly port: number;
  readonly config: ConfigStore;
  readonly poller: Poller;
  readonly gateways: GatewayManager;
  readonly dbs: Databases;
  readonly system: SystemAdapter;
  readonly energy: Energy;
  readonly costs: Costs;
  /** The history folder (HIST-2): `rebuild()` after a restore (system/ backup) or a lost disk. */
  readonly historyFolder: HistoryFolder;
  /** The FTP access, when enabled. */
  readonly ftp: () => FtpAccess | undefined;
  /** Every route of the HTTP app (the rights test checks each has an entry). */
  readonly routes: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return process.env.EWS_VERSION ?? '0.0.0';
  }
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = opts.log ?? createLogger('ews');
  const clock = opts.clock ?? systemClock;
  const catalog = opts.catalog ?? loadCatalog();
  const dbs = openDatabases(opts.dataDir);
  const config = new ConfigStore(dbs, catalog, { clock });
  if (opts.seed && config.isEmpty) {
    await config.applySeed(opts.seed);
    log.info('configuration seeded', { devices: config.devices().length, gateways: config.gateways().length });
  }
  const auth = new AuthService(dbs, { clock });
  await auth.init();

  const gateways = new GatewayManager(config.modbus(), {
    clock, log: log.child('modbus'), linkFactory: opts.linkFactory, minBackoffMs: opts.minBackoffMs, maxBackoffMs: opts.maxBackoffMs,
  });
  const sampleIntervalMs = () => opts.sampleIntervalMs ?? config.general().sampleRateMin * 60_000;
  const poller = new Poller({
    gateways, clock, log: log.child('poll'), sampleIntervalMs: sampleIntervalMs(),
    ...(opts.refreshMs ? { refreshMs: opts.refreshMs } : {}),
    ...(opts.minBackoffMs ? { minBackoffMs: opts.minBackoffMs } : {}),
    ...(opts.maxBackoffMs ? { maxBackoffMs: opts.maxBackoffMs } : {}),
  });
  const pollDevices = (): PollDevice[] => {
    const enabledGateways = new Set(config.gateways().filter((g) => g.enabled).map((g) => g.id));
    return config.devices().map((d) => ({
      config: enabledGateways.has(d.gatewayId) ? d : { ...d, enabled: false },
      model: catalog.get(d.family, d.model),
    }));
  };

  // History (STO-1…6): every sample tick is one write transaction; scopes follow the structure.
  // The store keeps the configured rate; a test may tick the poller faster (only aligned ticks are stored).
  const storeIntervalMs = () => config.general().sampleRateMin * 60_000;
  const history = new HistoryStore({
    dbs: dbs.history, sampleIntervalMs: storeIntervalMs(), now: () => clock.now(),
    onError: (err) => log.error('recomputing costs failed', { err }),
  });
  const energy = new Energy({ store: history, timezone: config.time().timezone, scopes: scopeProvider(config, catalog), labelOf: scopeLabels(config) });
  const offSample = poller.events.on('sample', (tick) => {
    if (tick.slotMs % storeIntervalMs() !== 0) return;
    try {
      const r = history.ingest(tick, (id) => poller.plan(id)?.registers);
      log.debug('tick stored', { slot: new Date(tick.slotMs).toISOString(), ...r });
      void folder.update(r.filledSlots ? { correctedFromMs: tick.slotMs - r.filledSlots * storeIntervalMs() } : {});
    } catch (err) {
      log.error('storing the sample tick failed', { slot: new Date(tick.slotMs).toISOString(), err });
    }
  });
  // Costs (COST-1…5): the rules' schedules go into the store, which checks history in the background.
  const costs = new Costs({ config, store: history, clock });
  void costs.start();
  // History folder (HIST-2…4): rows appended after each stored tick, settings files on changes.
  const folder = new HistoryFolder({
    root: opts.historyDir ?? join(opts.dataDir, 'history'), stateDir: join(opts.dataDir, 'history-state'), store: history,
    timezone: () => energy.timezone,
    format: () => ({ decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator }),
    structure: () => folderStructure(config, catalog), costs: slotCosts(config, history), settingsFiles: settingsFiles(config, catalog),
    log: log.child('files'),
  });
  void folder.writeSettings();
  void folder.update();
  const checkFolderPassword = (pw: string) => config.checkFolderPassword(pw);
  let ftp: FtpAccess | undefined;
  let ftpKey = '';
  const syncFtp = async () => {
    const csv = config.csv();
    const key = csv.ftpEnabled ? String(opts.ftpPort ?? csv.ftpPort) : '';
    if (key === ftpKey) return;
    ftpKey = key;
    await ftp?.stop();
    ftp = undefined;
    if (!csv.ftpEnabled) return;
    ftp = new FtpAccess({
      root: folder.root, port: opts.ftpPort ?? csv.ftpPort, host: opts.host ?? '127.0.0.1', checkPassword: checkFolderPassword, log: log.child('ftp'),
      ...(opts.ftpPassivePorts ? { passivePorts: opts.ftpPassivePorts } : {}),
      ...(opts.host && opts.host !== '0.0.0.0' ? { passiveAddress: opts.host } : {}),
    });
    await ftp.start();
  };
  await syncFtp();
  const webdav = new WebDavAccess({ root: folder.root, mountPath: '/dav', checkPassword: checkFolderPassword, log: log.child('webdav') });
  // Data download (HIST-5)
  const labels = scopeLabels(config);
  const describe = (scope: string) => {
    const [kind, id] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
    const typeOf = (d: { family: string; model: string }) => catalog.get(d.family, d.model)?.energyType ?? 'none';
    const typesOf = (devices: Array<{ family: string; model: string }>) => (['electricity', 'gas', 'water'] as const).filter((t) => devices.some((d) => typeOf(d) === t));
    if (kind === 'device') { const d = config.device(Number(id)); return d ? { label: `${d.id} ${d.name}`, types: typesOf([d]) } : undefined; }
    if (kind === 'group') { const g = config.groups().find((x) => x.id === id); return g ? { label: g.name, types: typesOf(config.devices().filter((d) => d.groupIds.includes(id))) } : undefined; }
    if (kind === 'load') { const l = config.loads().find((x) => x.id === id); return l && l.kind !== 'water' && l.kind !== 'gas' ? { label: labels(scope) ?? l.name, types: ['electricity' as const] } : undefined; }
    return undefined;
  };
  const exportsJobs = new Exports({
    dir: join(opts.dataDir, 'exports'), store: history, timezone: () => energy.timezone,
    format: () => ({ decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator }),
    costs: slotCosts(config, history), currency: () => config.costSettings().currency, describe, log: log.child('exports'),
  });
  let separators = `${config.csv().decimalSeparator}${config.csv().fieldSeparator}`;

  const offState = poller.events.on('state', (id, s) => {
    if (s.status === 'on') history.observe(id, s.values);
  });

  await gateways.sync(config.gateways());
  poller.setDevices(pollDevices());
  poller.start();

  // Configuration changes apply live: no restart (BUS-2).
  let chain = Promise.resolve();
  const offConfig = config.events.on('changed', (what) => {
    chain = chain.then(async () => {
      if (what === 'modbus') await gateways.applyModbusSettings(config.modbus());
      if (what === 'gateways') await gateways.sync(config.gateways());
      if (what === 'gateways' || what === 'devices') poller.setDevices(pollDevices());
      if (what === 'devices' || what === 'loads' || what === 'groups') energy.setScopes(scopeProvider(config, catalog));
      if (what === 'csv') { poller.setSampleInterval(sampleIntervalMs()); history.setSampleIntervalMs(storeIntervalMs()); }
      if (what === 'time') energy.setTimezone(config.time().timezone);
      if (what === 'costs' || what === 'time') void costs.refresh();
      if (what === 'csv') {
        await syncFtp();
        const now = `${config.csv().decimalSeparator}${config.csv().fieldSeparator}`;
        // new separators: every file is rewritten with them (HIST-1)
        if (now !== separators) { separators = now; void folder.rebuild().catch((err) => log.error('history folder rebuild failed', { err })); }
      }
      if (what !== 'modbus') void folder.writeSettings();
    }).catch((err) => log.error('applying configuration failed', { what, err }));
  });

  const system = opts.system ?? createSystem();
  const scanner = new Scanner(gateways, catalog, log.child('scan'));
  const app = createApi({
    config, auth, poller, catalog, gateways, log, clock, system, scanner, energy, costs, history: { folder, get ftp() { return ftp; }, webdav }, reports: { exports: exportsJobs, describe }, version: opts.version ?? packageVersion(), webDir: opts.webDir,
  });
  const host = opts.host ?? '127.0.0.1';
  const server = serve({ fetch: app.fetch, port: opts.port ?? 8080, hostname: host, createServer, serverOptions: HTTP_SERVER_OPTIONS });
  applyServerLimits(server as import('node:http').Server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  log.info('listening', { url, dataDir: opts.dataDir });

  return {
    url, port, config, poller, gateways, dbs, system, energy, costs, historyFolder: folder, ftp: () => ftp,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
    async stop() {
      offConfig();
      offSample();
      offState();
      poller.stop();
      await ftp?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain;
      await folder.idle();
      folder.close();
      await gateways.stop();
      history.close();
      await dbs.close();
    },
  };
}

/**
 * Rebuilds the history folder of a data folder with the daemon stopped (`pnpm history:rebuild`;
 * a running daemon has the button, `POST /api/history/rebuild`, and `Daemon.historyFolder`).
 */
export async function rebuildHistoryFolder(opts: { dataDir: string; historyDir?: string; fresh?: boolean; catalog?: Catalog; log?: Logger; onProgress?: (percent: number) => void }) {
  const log = opts.log ?? createLogger('ews');
  const catalog = opts.catalog ?? loadCatalog();
  const dbs = openDatabases(opts.dataDir);
  try {
    const config = new ConfigStore(dbs, catalog);
    const history = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: config.general().sampleRateMin * 60_000 });
    const energy = new Energy({ store: history, timezone: config.time().timezone, scopes: scopeProvider(config, catalog) });
    const costs = new Costs({ config, store: history, clock: systemClock });
    await costs.start();
    const folder = new HistoryFolder({
      root: opts.historyDir ?? join(opts.dataDir, 'history'), stateDir: join(opts.dataDir, 'history-state'), store: history,
      timezone: () => energy.timezone,
      format: () => ({ decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator }),
      structure: () => folderStructure(config, catalog), costs: slotCosts(config, history), settingsFiles: settingsFiles(config, catalog),
      log: log.child('files'),
    });
    const result = await folder.rebuild({ ...(opts.fresh ? { fresh: true } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    history.close();
    return result;
  } finally {
    await dbs.close();
  }
}
