/**
 * pnpm bench:export — the history's ways out on a full box (HIST-2, HIST-5, HIST-6): 255 meters ×
 * 1 year at 15 min (the store of bench:store, built in process through the store's batch ingest
 * with a peak/off-peak/weekend contract accounted as it goes), the configuration of the PM1WS255
 * edition (255 energy counters on 8 Modbus TCP gateways, kept disabled: nothing answers them here,
 * so the poller stays idle and the measured work is the export's alone), then:
 * - `rebuild`: the history folder rebuilt from the store by the stopped-daemon command
 *   (`rebuildHistoryFolder`, i.e. `pnpm history:rebuild`): time, files, bytes;
 * - `export`: the built daemon launched as on the box (runtime node flags, malloc settings),
 *   `POST /api/exports` of all 255 devices with costs at 15 min over the year, until
 *   `reportdata.zip` is built (in the daemon's worker process) and downloaded: time, size, the
 *   daemon's RSS before and its peak during (VmRSS sampled every 50 ms), and the worker's peak;
 * - `pdf`: `POST /api/reports` of a yearly Detailed report of 30 devices: time, pages, size, peak RSS;
 * - with BENCH_API_REBUILD=1, the rebuild button on the running daemon (`POST /api/history/rebuild`) until done: time, peak RSS.
 * Prints JSON lines; progress to stderr.
 *
 *   pnpm bench:export                BENCH_DEVICES=255 BENCH_PDF_DEVICES=30 BENCH_DIR=/tmp/x BENCH_API_REBUILD=1
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CostRule, Tariff } from '@ews/shared';
import { ConfigStore, DAEMON_ENV, DAEMON_NODE_FLAGS, TariffSchedule, loadCatalog, rebuildHistoryFolder, silentLogger, type ProfileOf } from '@ews/daemon';

const quietLog = silentLogger;
import { BENCH_TZ, benchSpec, buildBenchStore } from './store';
import { freePort } from '../sim/tcp-server';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const devices = Number(process.env.BENCH_DEVICES ?? 255);
const pdfDevices = Math.min(devices, Number(process.env.BENCH_PDF_DEVICES ?? 30));
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'ews-bench-export-'));
const log = (m: string) => process.stderr.write(`[bench:export] ${m}\n`);
const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

// The contract, as the seed creates it (ids tariff-1…3 in order), and the same schedule for the build.
const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as CostRule['days'];
const TARIFFS: Array<Omit<Tariff, 'id'>> = [
  { type: 'electricity', name: 'Peak', color: '#e4572e', prices: [{ price: 0.25, from: '2016-01-01' }, { price: 0.27, from: '2016-07-15' }] },
  { type: 'electricity', name: 'Off-peak', color: '#2e86ab', prices: [{ price: 0.2 }] },
  { type: 'electricity', name: 'Weekend', color: '#4caf50', prices: [{ price: 0.15 }] },
];
const rule = (r: Partial<CostRule> & { tariffId: string }): CostRule => ({ repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ALL, ...r });
const RULES: CostRule[] = [
  rule({ tariffId: 'tariff-3', days: ['sat', 'sun'] }),
  rule({ tariffId: 'tariff-1', timeFrom: '06:00', timeTo: '21:59' }),
  rule({ tariffId: 'tariff-2', timeFrom: '22:00', timeTo: '05:59' }),
];
const profiles: ProfileOf = (() => {
  const electricity = new TariffSchedule({ tariffIds: ['tariff-1', 'tariff-2', 'tariff-3'], rules: RULES, timezone: BENCH_TZ });
  const none = new TariffSchedule({ tariffIds: [], rules: [], timezone: BENCH_TZ });
  return (kind) => (kind === 'electricity' ? electricity : none);
})();

/** VmRSS, VmHWM and the anonymous part of the RSS (heap; the rest is mapped files: the store's pages, code). */
function memory(pid: number): { rss: number; hwm: number; anon: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon') };
  } catch { return { rss: 0, hwm: 0, anon: 0 }; }
}

/** The daemon's child processes (its worker: history folder jobs, data downloads). */
function childrenOf(pid: number): number[] {
  try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
}

/**
 * Samples the daemon's VmRSS every 50 ms while `work` runs, and its children's (the worker's:
 * on the box they share the unit's MemoryMax); answers its result and the peaks.
 */
async function watched<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRss: number; beforeRss: number; childrenPeakRss: number; childrenPeakAnon: number; totalPeakRss: number }> {
  const beforeRss = memory(pid).rss;
  let peakRss = beforeRss, childrenPeakRss = 0, childrenPeakAnon = 0, totalPeakRss = beforeRss;
  const sample = () => {
    const own = memory(pid).rss;
    const kids = childrenOf(pid).map(memory);
    const children = kids.reduce((sum, m) => sum + m.rss, 0);
    peakRss = Math.max(peakRss, own);
    childrenPeakRss = Math.max(childrenPeakRss, children);
    childrenPeakAnon = Math.max(childrenPeakAnon, kids.reduce((sum, m) => sum + m.anon, 0));
    totalPeakRss = Math.max(totalPeakRss, own + children);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, peakRss, beforeRss, childrenPeakRss, childrenPeakAnon, totalPeakRss };
  } finally { clearInterval(timer); }
}

async function main(): Promise<void> {
  // 1. the store and the configuration
  const spec = benchSpec(devices, 1);
  log(`building ${devices} meters × ${spec.days} days at 15 min with a 3-tariff contract into ${dir}`);
  const b = buildBenchStore(dir, spec, log, { profiles });
  await b.store.checkCosts();
  log(`store built in ${(b.buildMs / 1000).toFixed(1)} s`);
  const catalog = loadCatalog();
  const config = new ConfigStore(b.dbs, catalog);
  const PER_GATEWAY = 32;
  const gateways = Array.from({ length: Math.ceil(devices / PER_GATEWAY) }, (_, g) => ({ id: `gw${g + 1}`, name: `Gateway ${g + 1}`, kind: 'tcp' as const, host: '127.0.0.1', port: 1, enabled: false }));
  await config.applySeed({
    time: { timezone: BENCH_TZ },
    gateways,
    devices: Array.from({ length: devices }, (_, i) => ({
      gatewayId: gateways[Math.floor(i / PER_GATEWAY)].id, family: 'energyCounter', model: i % 3 === 0 ? 'F21DM63' : 'F41DM63',
      address: (i % PER_GATEWAY) + 1, name: `Meter ${i + 1}`,
    })),
    costs: { currency: 'EUR', tariffs: TARIFFS, rules: { electricity: RULES } },
  });
  const ids = config.devices().map((d) => d.id);
  if (ids.length !== devices || ids.some((id, i) => id !== i + 1)) throw new Error(`device ids are not 1…${devices}: ${ids.slice(0, 5).join()}…`);
  b.store.close();
  await b.dbs.close();

  // 2. the history folder rebuilt with the daemon stopped (pnpm history:rebuild); BENCH_REBUILD=0 skips it
  // (the daemon then catches the folder up in its worker process while the export runs)
  let t = performance.now();
  const rebuilt = process.env.BENCH_REBUILD === '0' ? undefined : await rebuildHistoryFolder({ dataDir: dir, catalog, fresh: true, log: quietLog });
  if (rebuilt) print({ bench: 'rebuild', how: 'stopped daemon (pnpm history:rebuild)', devices, days: spec.days, ms: Math.round(performance.now() - t), files: rebuilt?.files, bytes: rebuilt?.bytes });

  // 3. the built daemon, as on the box
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [...DAEMON_NODE_FLAGS, join(ROOT, 'daemon/dist/main.js')], {
    cwd: ROOT, stdio: ['ignore', openSync(`${dir}.daemon.log`, 'w'), 'inherit'],
    env: { ...process.env, ...DAEMON_ENV, EWS_PORT: String(port), EWS_HOST: '127.0.0.1', EWS_DATA_DIR: dir, EWS_FTP_PORT: '0', EWS_LOG: 'warn' },
  });
  child.once('exit', (code, signal) => { if (code !== 0 && signal !== 'SIGTERM') log(`the daemon exited (${code ?? signal}); its log: ${dir}.daemon.log`); });
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${url}/api/health`)).ok) break; } catch { /* starting */ }
      if (i > 600) throw new Error('the daemon did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = child.pid!;
    const login = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const headers = { cookie, 'content-type': 'application/json' };
    /** A GET; a connection the daemon reset (its event loop held past the server's timeouts) is counted and retried. */
    let resets = 0;
    const get = async <T>(path: string): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try { return (await (await fetch(`${url}${path}`, { headers })).json()) as T; } catch (err) {
          if (attempt >= 5 || child.exitCode !== null) throw err;
          resets++;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
    // a cost recomputation would mean the daemon's schedule differs from the build's: wait for it, and say so
    t = performance.now();
    let recomputed = false;
    while ((await get<{ recompute: unknown }>('/api/costs/status')).recompute) { recomputed = true; await new Promise((r) => setTimeout(r, 500)); }
    if (recomputed) log(`the daemon recomputed the costs at start (${Math.round(performance.now() - t)} ms)`);
    await new Promise((r) => setTimeout(r, 2000)); // let start-up settle
    const idleRss = memory(pid).rss;

    // 4. reportdata.zip: all devices, the year, with costs, 15 min
    log(`data download: ${devices} devices × 1 year at 15 min with costs`);
    const exp = await watched(pid, async () => {
      const t0 = performance.now();
      const started = await fetch(`${url}/api/exports`, { method: 'POST', headers, body: JSON.stringify({ kind: 'data', scopes: ids.map((id) => `device:${id}`), from: '2016-01-01', to: '2016-12-31', costs: true, rate: '15min' }) });
      if (started.status !== 202) throw new Error(`export: ${started.status} ${await started.text()}`);
      const { id } = (await started.json()) as { id: string };
      let state: { done: boolean; percent: number; bytes?: number; error?: string };
      let lastPct = -1;
      for (;;) {
        state = await get(`/api/exports/${id}`);
        if (state.done) break;
        if (state.percent >= lastPct + 10) { lastPct = state.percent; log(`  ${state.percent} %`); }
        await new Promise((r) => setTimeout(r, 250));
      }
      if (state.error) throw new Error(`export failed: ${state.error}`);
      const builtMs = performance.now() - t0;
      const file = await fetch(`${url}/api/exports/${id}/file`, { headers });
      let bytes = 0;
      for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      return { builtMs, totalMs: performance.now() - t0, bytes };
    });
    print({
      bench: 'export', what: 'reportdata.zip', devices, days: spec.days, rate: '15min', costs: true,
      buildMs: Math.round(exp.result.builtMs), withDownloadMs: Math.round(exp.result.totalMs), zipBytes: exp.result.bytes, zipMB: mb(exp.result.bytes),
      daemonRssIdleMB: mb(idleRss), daemonRssBeforeMB: mb(exp.beforeRss), daemonPeakRssMB: mb(exp.peakRss), budgetMB: 150, withinBudget: exp.peakRss <= 150 * MB,
      workerPeakRssMB: mb(exp.childrenPeakRss), workerPeakRssAnonMB: mb(exp.childrenPeakAnon), daemonAndWorkerPeakRssMB: mb(exp.totalPeakRss), pollResets: resets,
    });

    // 5. a yearly Detailed PDF of 30 devices
    log(`PDF: yearly detailed report of ${pdfDevices} devices`);
    const pdf = await watched(pid, async () => {
      const t0 = performance.now();
      const r = await fetch(`${url}/api/reports`, { method: 'POST', headers, body: JSON.stringify({ type: 'detailed', period: 'year', date: '2016-06-01', deviceIds: ids.slice(0, pdfDevices) }) });
      if (r.status !== 200) throw new Error(`report: ${r.status} ${await r.text()}`);
      const buf = Buffer.from(await r.arrayBuffer());
      return { ms: performance.now() - t0, buf, file: /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] };
    });
    const info = spawnSync('pdfinfo', ['-'], { input: pdf.result.buf });
    const pages = info.error ? (pdf.result.buf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length : Number(/Pages:\s+(\d+)/.exec(info.stdout.toString())?.[1] ?? 0);
    print({ bench: 'pdf', what: pdf.result.file, devices: pdfDevices, ms: Math.round(pdf.result.ms), pages, bytes: pdf.result.buf.length, daemonPeakRssMB: mb(pdf.peakRss), budgetMB: 150, withinBudget: pdf.peakRss <= 150 * MB });

    // 6. the rebuild button on the running daemon (BENCH_API_REBUILD=1: it takes several times the stopped rebuild's time)
    if (process.env.BENCH_API_REBUILD !== '1') return;
    log('history folder rebuild through the API');
    const rb = await watched(pid, async () => {
      const t0 = performance.now();
      const r = await fetch(`${url}/api/history/rebuild`, { method: 'POST', headers, body: '{}' });
      if (r.status !== 202) throw new Error(`rebuild: ${r.status} ${await r.text()}`);
      await new Promise((res) => setTimeout(res, 200));
      while ((await get<{ rebuild: unknown }>('/api/history/status')).rebuild) await new Promise((res) => setTimeout(res, 250));
      return performance.now() - t0;
    });
    print({ bench: 'rebuild', how: 'running daemon (POST /api/history/rebuild)', devices, days: spec.days, ms: Math.round(rb.result), daemonPeakRssMB: mb(rb.peakRss), workerPeakRssMB: mb(rb.childrenPeakRss), daemonHwmMB: mb(memory(pid).hwm) });
  } finally {
    await new Promise<void>((res) => { if (child.exitCode !== null) return res(); child.once('exit', () => res()); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 10_000).unref(); });
    if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
