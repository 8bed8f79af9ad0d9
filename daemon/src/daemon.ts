/**
 * @module daemon
 * Builds the daemon from its parts and wires configuration changes to the buses and poller.
 * main.ts reads the environment and calls this; tests and the demo call it in-process with
 * their own links and clocks.
 */
import { createServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { loadCatalog, type Catalog } from './catalog/index';
import { openDatabases, HistoryStore, type Databases } from './store/index';
import { ConfigStore, type Seed } from './config/index';
import { AuthService } from './auth/index';
import { GatewayManager, type LinkFactory } from './gateways/index';
import { Poller, type PollDevice } from './poll/index';
import { Commands } from './commands/index';
import { EqMonitor } from './eq/index';
import { Links } from './links/index';
import { createApi, HTTP_SERVER_OPTIONS, applyServerLimits, serve, type HttpBindings } from './api/index';
import { createSystem, applyPendingSwap, cleanScratch, SystemService, TlsStore, HttpsService, Updater, type SystemAdapter, type RestoreLimits } from './system/index';
import { join } from 'node:path';
import { Scanner } from './scan/index';
import { Energy, scopeProvider, scopeLabels, knowsTimeZone } from './energy/index';
import { setTimeZoneLookup, DEFAULT_GREENUP_SETTINGS } from '@ews/shared';
import { Costs, TariffSchedule, priceSpans } from './costs/index';
import { Greenup, greenupSettingsFile, storedGreenupSettings, type PriceSource } from './greenup/index';
import { Interop } from './interop/index';
import { AlarmLog, AlarmWatcher, Notifier, reportBuilder } from './alarms/index';
import { HistoryFolder, FtpAccess, WebDavAccess, folderStructure, settingsFiles, slotCosts, type HistoryJob } from './files/index';
import { workerJobs } from './history-jobs';
import { Exports, buildExport, renderReport, type ExportJobRequest, type ExportResult, type ReportInput, type RenderedReport, type ReportSource } from './reports/index';
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
  /** MQTT reconnection back-off (tests shorten it). */
  mqttBackoffMs?: { min: number; max: number };
  version?: string;
  /**
   * Called when the daemon must restart (a restore or an optimisation is staged): the caller
   * stops this daemon and starts it again on the same data folder (main.ts does it in process).
   */
  onRestartRequested?: (why: string) => void;
  /** The history folder (HIST-2; `database.zip` is written there too). Default `<dataDir>/history`. */
  historyDir?: string;
  /** FTP port instead of the configured one (tests, a developer's machine: 21 needs privileges); 0 = any free port. */
  ftpPort?: number;
  /** FTP passive ports (default 50000–50100). */
  ftpPassivePorts?: { min: number; max: number };
  restoreLimits?: Partial<RestoreLimits>;
  /** How often the automatic backup checks whether it is due (default 60 s). */
  autoBackupCheckMs?: number;
  /**
   * HTTPS port (SYS-7; the box's unit sets 443). Undefined: no HTTPS. 0: a free port. The key
   * and a self-signed certificate are generated on first boot into `<dataDir>/tls/`.
   */
  httpsPort?: number;
  /** Whether HTTP keeps answering (rather than redirecting to HTTPS) until the administrator says otherwise. Default false. */
  keepHttpOpenDefault?: boolean;
  /** SYS-4: where the A/B releases live (`EWS_INSTALL_DIR`); without it the daemon refuses updates. */
  installDir?: string;
  /** The Ed25519 public key update packages must be signed with (PEM). */
  updatePublicKeyPem?: string;
  /** Called after an update is installed: the process must end so that systemd restarts the launcher. */
  onExitRequested?: (why: string) => void;
  /** Green'Up control period and settle time (tests; defaults 1 s and 4 s). */
  greenupPeriodMs?: number;
  greenupSettleMs?: number;
  /** A CA certificate (PEM) the SMTP client trusts besides the system's (a company CA; tests). */
  smtpTrustedCaPem?: string;
  /** Outbox retry back-off (tests shorten it; defaults 30 s doubling to 30 min). */
  notifyBackoffMs?: { min: number; max: number };
  /** Telegram's long-polling timeout and retry pauses (tests shorten them). */
  telegram?: { pollTimeoutS?: number; retryMinMs?: number; retryMaxMs?: number };
}

/** Price per kWh of electricity in force at an instant, from the tariffs and cost rules (COST-2, COST-3). */
function electricityPrices(config: ConfigStore): PriceSource {
  let cached: { key: string; schedule: TariffSchedule } | undefined;
  return {
    currency: () => config.costSettings().currency,
    priceAt(ms) {
      const tariffs = config.tariffs('electricity');
      const key = JSON.stringify([tariffs.map((t) => t.id), config.costRules('electricity'), config.time().timezone]);
      if (cached?.key !== key) cached = { key, schedule: new TariffSchedule({ tariffIds: tariffs.map((t) => t.id), rules: config.costRules('electricity'), timezone: config.time().timezone }) };
      const index = cached.schedule.tariffAt(ms);
      const tariff = tariffs[index];
      if (!tariff) return null;
      return priceSpans(tariff, config.time().timezone).find((p) => ms >= p.startMs && ms < p.endMs)?.price ?? null;
    },
  };
}

export interface Daemon {
  readonly url: string;
  readonly port: number;
  /** `https://…` when HTTPS is on. */
  readonly httpsUrl?: string;
  readonly httpsPort?: number;
  readonly config: ConfigStore;
  readonly poller: Poller;
  readonly gateways: GatewayManager;
  readonly dbs: Databases;
  readonly system: SystemAdapter;
  readonly energy: Energy;
  readonly costs: Costs;
  /** The history folder (HIST-2): `rebuild()` after a restore (system/ backup) or a lost disk. */
  readonly historyFolder: HistoryFolder;
  /** HIST-6: renders a PDF report (Summary or Detailed, monthly or yearly). */
  readonly renderReport: (input: ReportInput) => Promise<RenderedReport>;
  /** The FTP access, when enabled. */
  readonly ftp: () => FtpAccess | undefined;
  readonly greenup: Greenup;
  readonly interop: Interop;
  readonly alarms: AlarmLog;
  readonly box: SystemService;
  /** What the start swapped in (a restore or an optimisation), if anything. */
  readonly swapped?: { what: 'restore' | 'optimize'; at: string };
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
  const startedAtMs = clock.now();
  // A restore or an optimisation committed before the last stop is swapped in before the store opens.
  const swapped = applyPendingSwap(opts.dataDir);
  if (swapped) log.info('database swapped in', swapped);
  cleanScratch(opts.dataDir);
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
  if (history.migration) log.info('history store migrated', { ...history.migration });
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
  const costsChecked = costs.start();
  // History folder (HIST-2…4): rows appended after each stored tick, settings files on changes;
  // long catch-ups and rebuilds in the worker process (they read the whole store).
  const historyDir = opts.historyDir ?? join(opts.dataDir, 'history');
  const historyJobs = workerJobs({ dataDir: opts.dataDir, historyDir, log: log.child('files') });
  const folder = new HistoryFolder({
    root: historyDir, stateDir: join(opts.dataDir, 'history-state'), store: history, worker: historyJobs.run,
    timezone: () => energy.timezone,
    format: () => ({ decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator }),
    structure: () => folderStructure(config, catalog), costs: slotCosts(config, history), settingsFiles: settingsFiles(config, catalog),
    log: log.child('files'),
  });
  void folder.writeSettings();
  // the catch-up after the costs are checked: the worker then finds the cost ledger up to date
  void costsChecked.catch(() => {}).then(() => folder.update());
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
  // Data download (HIST-5): each zip built in the worker process (it reads the whole store)
  const describe = exportScopes(config, catalog);
  const exportsJobs = new Exports({ dir: join(opts.dataDir, 'exports'), run: historyJobs.exportZip, log: log.child('exports') });
  // PDF reports (HIST-6): the figures through the consumption API's own calls (Energy + Costs).
  const reportSource: ReportSource = {
    consumption: (q) => { const r = energy.consumption(q); return q.costs ? costs.addCosts(r) : r; },
    devices: () => config.devices().flatMap((d) => {
      const type = catalog.get(d.family, d.model)?.energyType;
      return type && type !== 'none' ? [{ id: d.id, name: d.name, type }] : [];
    }),
    now: () => clock.now(),
  };
  /** Renders a PDF report (the API's POST /api/reports; automatic reports attach the same). */
  const renderPdf = (input: ReportInput): Promise<RenderedReport> => renderReport(input, reportSource);
  let separators = `${config.csv().decimalSeparator}${config.csv().fieldSeparator}`;

  const offState = poller.events.on('state', (id, s) => {
    if (s.status === 'on') history.observe(id, s.values);
  });

  // NOTE-5: the alarm log, fed by the poller's states, configuration changes and Green'Up.
  const alarms = new AlarmLog({ root: dbs.root, clock, log: log.child('alarms') });
  const alarmWatcher = new AlarmWatcher(alarms, { poller, config, rules: () => notifier.rules.list() }, clock);
  // NOTE-1, NOTE-6: alert e-mails through a persisted outbox (sent in the background).
  const notifier = new Notifier({
    root: dbs.root, alarms, device: (id) => config.device(id), clock, log: log.child('notify'), language: () => config.csv().defaultLanguage,
    ...(opts.smtpTrustedCaPem ? { email: { trustedCaPem: opts.smtpTrustedCaPem } } : {}),
    ...(opts.notifyBackoffMs ? { backoffMs: opts.notifyBackoffMs } : {}),
    ...(opts.telegram ? { telegram: opts.telegram } : {}),
    timezone: () => energy.timezone,
    // NOTE-3: automatic reports are the HIST-6 PDF of the covered period, or its data download's CSV files
    buildReport: reportBuilder({
      exports: exportsJobs, describe, devices: () => config.devices(), loads: () => config.loads(),
      renderPdf: async (job) => (await renderPdf({
        type: job.kind, period: job.period === 'monthly' ? 'month' : 'year', date: job.to, language: job.language,
        ...(job.kind === 'detailed' ? { deviceIds: job.deviceIds } : {}),
      })).pdf,
    }),
  });
  notifier.start();

  await gateways.sync(config.gateways());
  alarmWatcher.start(opts.version ?? packageVersion());
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

  // Green'Up (EV-1…6): its own control loop on the command lane, stations' reports from the poller.
  const greenup = new Greenup({
    root: dbs.root, config, catalog, poller, buses: gateways, prices: electricityPrices(config), clock, log: log.child('greenup'),
    ...(opts.greenupPeriodMs ? { periodMs: opts.greenupPeriodMs } : {}),
    ...(opts.greenupSettleMs ? { controller: { settleMs: opts.greenupSettleMs } } : {}),
  });
  alarmWatcher.watchGreenup(greenup);
  // HIST-2: settings/GreenUpSettings.csv when Green'Up exists, rewritten when its settings change
  folder.addSettingsFiles('greenup', greenupSettingsFile(() => greenup.settings(), () => config.devices()));
  void folder.writeSettings();
  const offGreenupSettings = greenup.events.on('settings', () => { void folder.writeSettings(); });
  greenup.start();
  // MS-1, BEY-2: Modbus TCP server, metrics, MQTT; they follow their settings live.
  const interop = new Interop({
    config, store: history, poller, gateways, catalog, energy, clock, log, greenup,
    ...(opts.mqttBackoffMs ? { mqttBackoffMs: opts.mqttBackoffMs } : {}),
  });
  await interop.start();

  const system = opts.system ?? createSystem();
  const version = opts.version ?? packageVersion();
  // HTTPS (SYS-7): ports known once the servers listen
  let httpPort = opts.port ?? 8080;
  let httpsPort: number | null = opts.httpsPort ?? null;
  let httpsServer: HttpsServer | undefined;
  const updater = new Updater({
    installDir: opts.installDir, publicKeyPem: opts.updatePublicKeyPem, version, edition: () => config.edition(), now: () => clock.now(),
    exit: (why) => {
      log.info('exiting for the new version to start', { why });
      setTimeout(() => { if (opts.onExitRequested) opts.onExitRequested(why); else log.warn('an update is installed, but nothing ends this daemon'); }, 200).unref?.();
    },
  });
  const https = new HttpsService(new TlsStore(opts.dataDir, { keepHttpOpen: opts.keepHttpOpenDefault ?? false }), {
    httpPort: () => httpPort, httpsPort: () => httpsPort, now: () => clock.now(), extraNames: () => [config.network().address],
    apply: (pair) => { httpsServer?.setSecureContext({ key: pair.keyPem, cert: pair.certPem }); log.info('HTTPS certificate replaced'); },
  });
  const box = new SystemService({
    dataDir: opts.dataDir, historyDir, envs: { 'ews.lmdb': dbs.root, 'ews-stats.lmdb': dbs.history.statsRoot }, version,
    edition: () => config.edition(), configVersion: () => config.version(), timezone: () => config.time().timezone,
    buses: () => config.gateways().map((g) => {
      const bus = gateways.bus(g.id);
      return { gatewayId: g.id, name: g.name, link: g.enabled ? (gateways.linkStatus(g.id)?.state ?? 'stopped') : 'disabled', transactions: bus?.stats.transactions ?? 0, failures: bus?.stats.failures ?? 0, queued: bus?.stats.queued ?? 0, busyMs: bus?.stats.busyMs ?? 0 };
    }),
    https: () => { const v = https.view(); return { enabled: v.enabled, port: v.port, certificate: v.certificate ? { subject: v.certificate.subject, notAfter: v.certificate.notAfter, selfSigned: v.certificate.selfSigned } : null }; },
    update: () => { const s = updater.status(); return { installed: s.installed, previous: s.previous, lastOutcome: s.last ? `${s.last.outcome}${s.last.version ? ` ${s.last.version}` : ''} (${s.last.at})` : null }; },
    requestRestart: (why) => {
      const restart = opts.onRestartRequested;
      // after the answer has gone out
      setTimeout(() => { if (restart) restart(why); else log.warn('a restart is needed to finish, but nothing restarts this daemon', { why }); }, 100).unref?.();
    },
    clock, log: log.child('system'), startedAtMs, restoreLimits: opts.restoreLimits, autoCheckMs: opts.autoBackupCheckMs,
  });
  // a restored store: the folder is laid out again from it (the recorded layout is the old store's)
  if (swapped?.what === 'restore') {
    log.info('store restored: the history folder is rebuilt from it', { historyDir });
    void folder.rebuild({ fresh: true }).catch((err) => log.error('history folder rebuild after restore failed', { err }));
  }
  box.start();
  const scanner = new Scanner(gateways, catalog, log.child('scan'), clock);
  const commands = new Commands({ config, catalog, gateways, poller, clock, log: log.child('commands') });
  const eq = new EqMonitor({ db: dbs.root.openDB<unknown, string>({ name: 'eq' }), config, poller, log: log.child('eq') });
  eq.start();
  const links = new Links({ config, catalog, gateways, clock, log: log.child('links') });
  // the devices' link icon (DEV-4): the link tables are read shortly after start and after each device change
  const readLinks = () => { links.read().catch((err) => log.warn('link tables not read', { err })); };
  const linksTimer = clock.setTimeout(readLinks, 2000);
  const offLinks = config.events.on('changed', (what) => { if (what === 'devices') readLinks(); });
  const app = createApi({
    config, auth, poller, catalog, gateways, log, clock, system, box, https, updater, scanner, energy, costs, greenup, interop, commands, eq, links, alarms, notifier, history: { folder, get ftp() { return ftp; }, webdav }, reports: { exports: exportsJobs, describe, renderPdf }, version, webDir: opts.webDir,
  });
  const host = opts.host ?? '127.0.0.1';
  const listening = async (s: import('node:http').Server) => {
    applyServerLimits(s);
    await new Promise<void>((resolve, reject) => { s.once('listening', () => resolve()); s.once('error', reject); });
    return (s.address() as AddressInfo).port;
  };
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  let httpsUrl: string | undefined;
  if (httpsPort !== null) {
    const pair = await https.start();
    httpsServer = serve({
      fetch: app.fetch, port: httpsPort, hostname: host, createServer: createHttpsServer as unknown as typeof createServer,
      serverOptions: { ...HTTP_SERVER_OPTIONS, key: pair.keyPem, cert: pair.certPem } as typeof HTTP_SERVER_OPTIONS,
    }) as unknown as HttpsServer;
    httpsPort = await listening(httpsServer as unknown as import('node:http').Server);
    httpsUrl = `https://${urlHost}:${httpsPort}`;
  }
  // HTTP redirects to HTTPS unless the administrator keeps it open (the health probe always answers).
  const httpFetch = (req: Request, env: HttpBindings) => {
    if (httpsPort === null || https.keepHttpOpen()) return app.fetch(req, env as never);
    const u = new URL(req.url);
    if (u.pathname === '/api/health') return app.fetch(req, env as never);
    const hostName = (req.headers.get('host') ?? urlHost).replace(/:\d+$/, '');
    return new Response(null, { status: 308, headers: { location: `https://${hostName}:${httpsPort}${u.pathname}${u.search}`, 'cache-control': 'no-store' } });
  };
  const server = serve({ fetch: httpFetch, port: opts.port ?? 8080, hostname: host, createServer, serverOptions: HTTP_SERVER_OPTIONS });
  const port = await listening(server as import('node:http').Server);
  httpPort = port;
  const url = `http://${urlHost}:${port}`;
  log.info('listening', { url, ...(httpsUrl ? { httpsUrl } : {}), dataDir: opts.dataDir });

  return {
    url, port, ...(httpsUrl ? { httpsUrl, httpsPort: httpsPort! } : {}), config, poller, gateways, dbs, system, energy, costs, greenup, interop, alarms, box, ...(swapped ? { swapped } : {}), historyFolder: folder, ftp: () => ftp, renderReport: renderPdf,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
    async stop() {
      offConfig();
      alarmWatcher.stop();
      await notifier.stop();
      box.stop();
      offSample();
      offState();
      offGreenupSettings();
      await greenup.stop();
      poller.stop();
      await ftp?.stop();
      eq.stop();
      clock.clearTimeout(linksTimer);
      offLinks();
      await interop.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (httpsServer) await new Promise<void>((resolve) => httpsServer!.close(() => resolve()));
      await chain;
      folder.close();
      exportsJobs.stop();
      historyJobs.stop();
      await folder.idle();
      await gateways.stop();
      history.close();
      await dbs.close();
    },
  };
}

/** The data download's scopes: a scope's label and energy types, from the configuration (undefined: it names nothing). */
function exportScopes(config: ConfigStore, catalog: Catalog) {
  const labels = scopeLabels(config);
  return (scope: string) => {
    const [kind, id] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
    const typeOf = (d: { family: string; model: string }) => catalog.get(d.family, d.model)?.energyType ?? 'none';
    const typesOf = (devices: Array<{ family: string; model: string }>) => (['electricity', 'gas', 'water'] as const).filter((t) => devices.some((d) => typeOf(d) === t));
    if (kind === 'device') { const d = config.device(Number(id)); return d ? { label: `${d.id} ${d.name}`, types: typesOf([d]) } : undefined; }
    if (kind === 'group') { const g = config.groups().find((x) => x.id === id); return g ? { label: g.name, types: typesOf(config.devices().filter((d) => d.groupIds.includes(id))) } : undefined; }
    if (kind === 'load') { const l = config.loads().find((x) => x.id === id); return l && l.kind !== 'water' && l.kind !== 'gas' ? { label: labels(scope) ?? l.name, types: ['electricity' as const] } : undefined; }
    return undefined;
  };
}

/**
 * A data download's `reportdata.zip` built from a data folder the daemon has open (its worker
 * process): the environments opened read-only, the configuration as last committed.
 */
export async function runExportJob(opts: { dataDir: string; path: string; request: ExportJobRequest; catalog?: Catalog; log?: Logger; onProgress?: (percent: number) => void }): Promise<ExportResult> {
  const catalog = opts.catalog ?? loadCatalog();
  const dbs = openDatabases(opts.dataDir, { readOnly: true });
  try {
    const config = new ConfigStore(dbs, catalog);
    const history = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: config.general().sampleRateMin * 60_000 });
    try {
      return await buildExport({
        store: history, timezone: config.time().timezone,
        format: { decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator },
        costs: slotCosts(config, history), currency: config.costSettings().currency, describe: exportScopes(config, catalog),
      }, opts.request, opts.path, opts.onProgress);
    } finally { history.close(); }
  } finally {
    await dbs.close();
  }
}

/**
 * Rebuilds the history folder of a data folder with the daemon stopped (`pnpm history:rebuild`;
 * a running daemon has the button, `POST /api/history/rebuild`, and `Daemon.historyFolder`).
 */
export async function rebuildHistoryFolder(opts: { dataDir: string; historyDir?: string; fresh?: boolean; catalog?: Catalog; log?: Logger; onProgress?: (percent: number) => void }) {
  return runHistoryFolderJob({ ...opts, job: opts.fresh ? 'rebuild-fresh' : 'rebuild' });
}

/** A history-folder job on a data folder (the CLI's rebuild, or the daemon's worker process). */
export async function runHistoryFolderJob(opts: { dataDir: string; historyDir?: string; job: HistoryJob; catalog?: Catalog; log?: Logger; onProgress?: (percent: number) => void }) {
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
    folder.addSettingsFiles('greenup', greenupSettingsFile(() => storedGreenupSettings(dbs.root) ?? DEFAULT_GREENUP_SETTINGS, () => config.devices()));
    const result = opts.job === 'catch-up'
      ? await folder.catchUp(opts.onProgress).then(() => undefined)
      : opts.job.startsWith('replay:')
        ? await folder.replayFrom(opts.job.slice('replay:'.length), opts.onProgress).then(() => undefined)
      : await folder.rebuild({ ...(opts.job === 'rebuild-fresh' ? { fresh: true } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    history.close();
    return result;
  } finally {
    await dbs.close();
  }
}
