/**
 * Starts the simulated installation (in this process) and the real, built daemon (a child
 * process, so its memory is its own): used by `pnpm demo`, the browser tests and the memory
 * measurement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadCatalog, DAEMON_ENV, DAEMON_NODE_FLAGS, openDatabases, ConfigStore, HistoryStore, Energy, scopeProvider, Costs, systemClock,
  type Catalog, type Seed, type modbus,
} from '@ews/daemon';
import { demoInstallation, buildSimBus } from '../sim/installations';
import { startCarPark, demoCarParkSlots, type CarPark } from '../sim/carpark';
import type { DeviceSummary, GreenupSettings } from '@ews/shared';
import { serveModbusTcp, serveRtuOverTcp, type TcpServerHandle } from '../sim/serve-tcp';
import { freePort } from '../sim/tcp-server';
import type { SimBus } from '../sim/bus';
import { seedFor } from './seed';
import type { Installation } from '../sim/installations';
import { backfill } from './backfill';
import { assertPortFree, explainListen } from './ports';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoOptions {
  /** HTTP port of the daemon (0: a free one; default 0). A taken port fails with a PortError naming EWS_PORT. */
  port?: number;
  host?: string;
  dataDir?: string;
  /**
   * Simulator ports (EWS_SIM_RTU_PORT, EWS_SIM_GATEWAY_PORT for `pnpm demo`); default 0, free
   * ones. The daemon is told the ports actually bound, also on an existing data folder.
   */
  simRtuPort?: number;
  simGatewayPort?: number;
  /** false: start the daemon with an empty configuration (commissioning tests); the simulator still runs. */
  seed?: boolean;
  /**
   * Months of history to generate on a fresh data folder before the daemon starts (BEY-4),
   * through the same store code as live samples. Default 0 (tests); `pnpm demo` uses 13.
   */
  backfillMonths?: number;
  /** Seed the demo's tariffs and cost rules (`pnpm demo`); tests enter their own. Default false. */
  costs?: boolean;
  /** Show the daemon's logs on this process's stdout. */
  inheritLogs?: boolean;
  /** The simulated installation (default: the demo's, `demoInstallation()`). */
  installation?: Installation;
  /**
   * Emulate this RS485 line on the Local bus (wire time of every frame, t3.5, the slaves'
   * turnaround), as a real 19200 baud line would take; default none (frames arrive at once).
   */
  localLine?: modbus.LineSettings;
  /** Extra node flags after the runtime's (benchmarks: `--trace-gc`, `--heapsnapshot-signal`…). */
  nodeFlags?: string[];
  /** Receives the daemon's stdout line by line (instead of discarding it). */
  onStdout?: (line: string) => void;
  env?: Record<string, string>;
  /** HTTPS port of the daemon (SYS-7; 0: a free one). Unset: no HTTPS. HTTP then redirects unless `keepHttpOpen`. */
  httpsPort?: number;
  keepHttpOpen?: boolean;
}

export interface Demo {
  url: string;
  /** `https://…` when started with `httpsPort`. */
  httpsUrl?: string;
  dataDir: string;
  buses: Record<string, SimBus>;
  daemon: ChildProcess;
  /** Ports of the simulated buses: the Local line (RTU over TCP) and each IP gateway by name. */
  simPorts: { localRtu: number; gateways: Record<string, number> };
  /** Stops the daemon (SIGTERM) and starts it again on the same data folder. */
  restartDaemon(): Promise<void>;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the daemon exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the daemon did not answer at ${url} within ${timeoutMs} ms`);
}

export interface Simulator {
  buses: Record<string, SimBus>;
  servers: TcpServerHandle[];
  /** The ports actually bound. */
  localRtuPort: number;
  gatewayPorts: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Serves the demo installation: its Local bus as RTU over TCP on `simRtuPort`, each IP gateway
 * as Modbus TCP from `simGatewayPort` up (0, the default: free ports). A port that is taken
 * fails with a PortError naming EWS_SIM_RTU_PORT or EWS_SIM_GATEWAY_PORT.
 */
/**
 * Green'Up for the demo's car park, once (a data folder that has a meter set keeps its settings):
 * 80 A available, 63 A for charging, a 1 Ah guarantee so that a stop shows within minutes, and
 * Bay 1 a Priority station. Set through the API as the greenUp user, like an installer would.
 */
async function configureGreenup(url: string, inst: Installation): Promise<void> {
  if (!inst.buses.some((b) => b.devices.some((d) => d.family === 'evStation'))) return;
  // `redirect: 'manual'`: with HTTPS on, HTTP answers 308 (to a certificate this process does not trust)
  const login = await fetch(`${url}/api/session`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '88888', puk: '00000 8888 00000' }) });
  if (login.status !== 200) return; // codes changed by the user, or HTTP redirected: leave Green'Up as it is
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const headers = { 'content-type': 'application/json', cookie };
  try {
    const settings = await (await fetch(`${url}/api/greenup/settings`, { headers })).json() as GreenupSettings;
    if (settings.meterDeviceId !== null) return;
    const devices = await (await fetch(`${url}/api/devices`, { headers })).json() as DeviceSummary[];
    const meter = devices.find((d) => d.name === 'Car park meter');
    const bay1 = devices.find((d) => d.name.startsWith('Bay 1'));
    if (!meter) return;
    const res = await fetch(`${url}/api/greenup/settings`, {
      method: 'PUT', headers, body: JSON.stringify({
        ...settings, enabled: true, meterDeviceId: meter.id, maxCurrentA: 80, maxChargingCurrentA: 63, minGuaranteedAh: 1,
        priorities: bay1 ? [{ deviceId: bay1.id, priority: 'priority' }] : [],
      } satisfies GreenupSettings),
    });
    if (res.status !== 200) throw new Error(`demo: Green'Up settings refused: ${res.status} ${await res.text()}`);
  } finally {
    await fetch(`${url}/api/session`, { method: 'DELETE', headers });
  }
}

export async function startSimulator(catalog: Catalog, inst: Installation, opts: { simRtuPort?: number; simGatewayPort?: number; localLine?: modbus.LineSettings } = {}): Promise<Simulator> {
  const buses: Record<string, SimBus> = {};
  const servers: TcpServerHandle[] = [];
  const gatewayPorts: Record<string, number> = {};
  let localRtuPort = 0;
  let gatewayPort = opts.simGatewayPort ?? 0;
  let carPark: CarPark | undefined;
  const close = async () => { carPark?.stop(); for (const s of servers) await s.close(); };
  try {
    for (const bus of inst.buses) {
      let park: CarPark | undefined;
      const sim = buildSimBus(catalog, bus, { turnaroundMs: 3, stationMeterBaseA: () => park?.baseLoadA() ?? [0, 0, 0] });
      if (sim.stations.length > 0 && !carPark) park = carPark = startCarPark(demoCarParkSlots(sim.stations));
      buses[bus.name] = sim;
      if (bus.kind === 'local') {
        const port = opts.simRtuPort ?? 0;
        const s = await explainListen(port, 'EWS_SIM_RTU_PORT', 'simulated RS485 line', () => serveRtuOverTcp(sim, { port, ...(opts.localLine ? { line: opts.localLine } : {}) }));
        servers.push(s);
        localRtuPort = s.port;
      } else {
        const port = gatewayPort;
        const s = await explainListen(port, 'EWS_SIM_GATEWAY_PORT', `simulated gateway ${bus.name}`, () => serveModbusTcp(sim, { port }));
        servers.push(s);
        gatewayPorts[bus.name] = s.port;
        if (gatewayPort !== 0) gatewayPort += 1;
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { buses, servers, localRtuPort, gatewayPorts, close };
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const dataDir = resolve(opts.dataDir ?? join(ROOT, 'data'));
  const host = opts.host ?? '127.0.0.1';
  // a taken HTTP port fails now, not after minutes of history
  if (opts.port) await assertPortFree(host, opts.port, 'EWS_PORT', 'the daemon\'s HTTP port');
  mkdirSync(dataDir, { recursive: true });
  const catalog = loadCatalog();
  const inst = opts.installation ?? demoInstallation();
  const sim = await startSimulator(catalog, inst, opts);
  const { buses, servers, localRtuPort, gatewayPorts } = sim;
  const seedFile = join(dataDir, 'demo-seed.json');
  const seed = seedFor(inst, { localRtuPort, gatewayPorts }, { costs: opts.costs ?? false });
  writeFileSync(seedFile, JSON.stringify(seed, null, 2));
  try {
    if (opts.seed !== false && existsSync(join(dataDir, 'ews.lmdb'))) await pointAtSimulator(dataDir, catalog, seed);
    else if ((opts.backfillMonths ?? 0) > 0 && opts.seed !== false) {
      await backfillFresh(dataDir, catalog, inst, seed, opts.backfillMonths!, opts.inheritLogs ?? false);
    }
  } catch (err) {
    await sim.close();
    throw err;
  }

  let port = opts.port ?? 0;
  if (port === 0) port = await freePort();
  const url = `http://${host}:${port}`;
  let httpsPort = opts.httpsPort;
  if (httpsPort === 0) httpsPort = await freePort();
  const httpsEnv: Record<string, string> = {
    ...(httpsPort !== undefined ? { EWS_HTTPS_PORT: String(httpsPort) } : {}),
    ...(opts.keepHttpOpen ? { EWS_KEEP_HTTP_OPEN: '1' } : {}),
  };
  // Launched as on the box (systemd/ews.service): same node flags and memory settings.
  const launch = (): ChildProcess => {
    const c = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...(opts.nodeFlags ?? []), join(ROOT, 'daemon/dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...DAEMON_ENV, EWS_PORT: String(port), EWS_HOST: host, EWS_DATA_DIR: dataDir, EWS_FTP_PORT: process.env.EWS_FTP_PORT ?? '0', ...(opts.seed === false ? {} : { EWS_SEED: seedFile }), ...httpsEnv, ...opts.env },
      stdio: ['ignore', opts.inheritLogs ? 'inherit' : opts.onStdout ? 'pipe' : 'ignore', opts.inheritLogs ? 'inherit' : 'pipe'],
    });
    if (opts.onStdout && c.stdout) {
      const onLine = opts.onStdout;
      let rest = '';
      c.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const l of lines) onLine(l);
      });
    }
    return c;
  };
  let child = launch();
  await waitHealthy(url, child);
  if (opts.seed !== false) await configureGreenup(url, inst);

  const stopChild = (c: ChildProcess) => new Promise<void>((res) => {
    if (c.exitCode !== null) return res();
    c.once('exit', () => res());
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
  });

  const demo: Demo = {
    url, ...(httpsPort !== undefined ? { httpsUrl: `https://${host}:${httpsPort}` } : {}), dataDir, buses, simPorts: { localRtu: localRtuPort, gateways: gatewayPorts },
    get daemon() { return child; },
    async restartDaemon() {
      await stopChild(child);
      child = launch();
      await waitHealthy(url, child);
    },
    async stop() {
      await stopChild(child);
      await sim.close();
    },
  };
  return demo;
}

/**
 * An existing data folder keeps the simulator ports of its first run (the seed applies to an
 * empty store only): the Local line and the simulated gateways are pointed at the ports bound now.
 */
export async function pointAtSimulator(dataDir: string, catalog: Catalog, seed: Seed): Promise<void> {
  const dbs = openDatabases(dataDir);
  try {
    const config = new ConfigStore(dbs, catalog);
    const modbus = config.modbus();
    const path = seed.modbus?.path;
    if (path && modbus.path !== path && /^tcp:\/\/127\.0\.0\.1:\d+$/.test(modbus.path)) await config.setModbus({ ...modbus, path }, 'demo');
    for (const want of seed.gateways ?? []) {
      const g = config.gateway(want.id);
      if (!g || g.host !== '127.0.0.1' || g.port === want.port) continue;
      const { id, kind, ...input } = g;
      void kind;
      await config.updateGateway(id, { ...input, port: want.port }, 'demo');
    }
  } finally {
    await dbs.close();
  }
}

/**
 * Provisions a fresh data folder as the daemon would (the same seed, so the same device ids)
 * and writes `months` of simulated history up to the last complete slot.
 */
async function backfillFresh(dataDir: string, catalog: Catalog, inst: Installation, seed: Seed, months: number, verbose: boolean): Promise<void> {
  const dbs = openDatabases(dataDir);
  try {
    const config = new ConfigStore(dbs, catalog);
    await config.applySeed(seed);
    const intervalMs = config.general().sampleRateMin * 60_000;
    const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: intervalMs });
    new Energy({ store, timezone: config.time().timezone, scopes: scopeProvider(config, catalog) });
    // costs are accounted as the history is written, as live ticks are
    const costs = new Costs({ config, store, clock: systemClock });
    await costs.start();
    const toMs = Math.floor(Date.now() / intervalMs) * intervalMs;
    const fromMs = Math.floor((toMs - months * 30.5 * 86_400_000) / 86_400_000) * 86_400_000;
    const gatewayOf = (busIndex: number) => (inst.buses[busIndex].kind === 'local' ? 'local' : `gw-${busIndex}`);
    const ids = new Map<object, number>();
    inst.buses.forEach((bus, i) => {
      for (const d of bus.devices) {
        const c = config.devices().find((x) => x.gatewayId === gatewayOf(i) && x.address === d.address && x.position === d.position);
        if (c) ids.set(d, c.id);
      }
    });
    let lastPct = -1;
    const report = await backfill({
      store, catalog, installation: inst, fromMs, toMs,
      deviceIdOf: (d) => ids.get(d),
      onProgress: (done, total) => {
        const pct = Math.floor((100 * done) / total);
        if (verbose && pct >= lastPct + 10) { lastPct = pct; process.stderr.write(`demo history: ${pct} %\n`); }
      },
    });
    if (verbose) process.stderr.write(`demo history: ${months} months for ${report.devices} devices in ${(report.elapsedMs / 1000).toFixed(1)} s\n`);
    // the ledger was accounted tick by tick; its block fingerprints are written by the check:
    // without them the daemon would recompute the whole ledger at its first start
    await store.checkCosts();
    store.close();
  } finally {
    await dbs.close();
  }
}
