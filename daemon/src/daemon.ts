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
import { Commands } from './commands/index';
import { EqMonitor } from './eq/index';
import { Links } from './links/index';
import { createApi, HTTP_SERVER_OPTIONS, applyServerLimits } from './api/index';
import { createSystem, type SystemAdapter } from './system/index';
import { Scanner } from './scan/index';
import { Energy, scopeProvider, scopeLabels, knowsTimeZone } from './energy/index';
import { setTimeZoneLookup } from '@ews/shared';
import { Costs } from './costs/index';
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
  setTimeZoneLookup(knowsTimeZone); // settings validated against the tz database, not ICU's
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
    } catch (err) {
      log.error('storing the sample tick failed', { slot: new Date(tick.slotMs).toISOString(), err });
    }
  });
  // Costs (COST-1…5): the rules' schedules go into the store, which checks history in the background.
  const costs = new Costs({ config, store: history, clock });
  void costs.start();
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
    }).catch((err) => log.error('applying configuration failed', { what, err }));
  });

  const system = opts.system ?? createSystem();
  const scanner = new Scanner(gateways, catalog, log.child('scan'));
  const commands = new Commands({ config, catalog, gateways, poller, clock, log: log.child('commands') });
  const eq = new EqMonitor({ db: dbs.root.openDB<unknown, string>({ name: 'eq' }), config, poller, log: log.child('eq') });
  eq.start();
  const links = new Links({ config, catalog, gateways, clock, log: log.child('links') });
  // the devices' link icon (DEV-4): the link tables are read shortly after start and after each device change
  const readLinks = () => { links.read().catch((err) => log.warn('link tables not read', { err })); };
  const linksTimer = clock.setTimeout(readLinks, 2000);
  const offLinks = config.events.on('changed', (what) => { if (what === 'devices') readLinks(); });
  const app = createApi({
    config, auth, poller, catalog, gateways, log, clock, system, scanner, energy, costs, commands, eq, links, version: opts.version ?? packageVersion(), webDir: opts.webDir,
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
    url, port, config, poller, gateways, dbs, system, energy, costs,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
    async stop() {
      offConfig();
      offSample();
      offState();
      poller.stop();
      eq.stop();
      clock.clearTimeout(linksTimer);
      offLinks();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain;
      await gateways.stop();
      history.close();
      await dbs.close();
    },
  };
}
