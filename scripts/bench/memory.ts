/**
 * pnpm bench:memory — the daemon's resident memory while consumption charts are browsed.
 *
 * Run a: the demo as `pnpm demo` runs it (its installation, its bill of tariffs, 13 months of
 * back-filled history, the built daemon as its own process with the runtime settings of the box)
 * and one client browsing as the SPA does. Run b: the PM1WS255 edition's full installation (255
 * devices on the Local line and 7 TCP gateways, `fullInstallation255`) with three clients.
 *
 * A client, every 2 s: the device list, live values of two devices and ~20 consumption charts
 * (6 requests in flight at most, as a browser on HTTP/1.1), cycling through every scope (total,
 * type:*, load:*, group:*, device:*), every period (day … decade, on dates going back) with and
 * without costs=1.
 *
 * The daemon's VmRSS is sampled every 5 s (/proc/<pid>/status); /proc/<pid>/smaps is broken down
 * (node executable, LMDB map — file pages, reclaimable —, anonymous memory, other files) at the
 * maximum and at the end; the V8 heap comes from `--trace-gc` (heap used after the last full GC,
 * heap committed). BENCH_HEAPSNAPSHOT=1 also writes a heap snapshot at the end
 * (`--heapsnapshot-signal`, bench only) and reports its biggest constructors.
 *
 * Env: BENCH_RUN=a|b (both by default), BENCH_MINUTES (10), BENCH_BACKFILL_MONTHS (a: 13),
 * BENCH_B_BACKFILL_MONTHS (b: 3, shorter: 255 meters × 13 months would take ~10 min to generate),
 * BENCH_CLIENTS_B (3), BENCH_CHARTS (20 per cycle), BENCH_NODE_FLAGS (extra daemon flags, for
 * experiments), BENCH_ENV (JSON, extra daemon environment, for experiments).
 * Prints one JSON line per run.
 */
import { readFileSync, mkdtempSync, rmSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type Demo } from '../demo/harness';
import { demoInstallation, fullInstallation255, type Installation } from '../sim/installations';

const minutes = Number(process.env.BENCH_MINUTES ?? 10);
const runs = (process.env.BENCH_RUN ?? 'a,b').split(',').map((s) => s.trim()).filter(Boolean);
const chartsPerCycle = Number(process.env.BENCH_CHARTS ?? 20);
const CYCLE_MS = 2000;
const IN_FLIGHT = 6;

interface RunSpec { run: string; installation: Installation; clients: number; backfillMonths: number }

const specs: Record<string, () => RunSpec> = {
  a: () => ({ run: 'a', installation: demoInstallation(), clients: 1, backfillMonths: Number(process.env.BENCH_BACKFILL_MONTHS ?? 13) }),
  b: () => ({ run: 'b', installation: fullInstallation255(), clients: Number(process.env.BENCH_CLIENTS_B ?? 3), backfillMonths: Number(process.env.BENCH_B_BACKFILL_MONTHS ?? 3) }),
};

const round1 = (x: number) => Math.round(x * 10) / 10;

function status(pid: number): { rss: number; anon: number; file: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: round1(kb('VmRSS')), anon: round1(kb('RssAnon')), file: round1(kb('RssFile')) };
}

/**
 * Where the resident memory is: the node executable's own pages (code, ICU data: file-backed,
 * shared), the LMDB map (file pages of the page cache: reclaimable), anonymous memory (V8 heap,
 * malloc arenas, thread stacks), split into the brk heap and anonymous maps, and other files.
 */
function breakdown(pid: number): Record<string, number> {
  const parts: Record<string, number> = { nodeExecutable: 0, lmdbMap: 0, anonymous: 0, otherFiles: 0 };
  const anon: Record<string, number> = { brkHeap: 0, mmap: 0, statsFile: 0 };
  let region = '', name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      name = m[1];
      region = /\/node$/.test(name) ? 'nodeExecutable' : name.endsWith('.lmdb') ? 'lmdbMap' : !name || name.startsWith('[') ? 'anonymous' : 'otherFiles';
      continue;
    }
    if (line.startsWith('Rss:')) {
      const mb = Number(line.split(/\s+/)[1]) / 1024;
      parts[region] += mb;
      if (region === 'anonymous') anon[name === '[heap]' ? 'brkHeap' : 'mmap'] += mb;
      if (name.endsWith('ews-stats.lmdb')) anon.statsFile += mb;
    }
  }
  const out: Record<string, number> = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round1(v)]));
  out.anonymousBrkHeap = round1(anon.brkHeap);
  out.anonymousMmap = round1(anon.mmap);
  out.lmdbStatsFile = round1(anon.statsFile);
  return out;
}

/** `--trace-gc` lines: `Mark-Compact 10.5 (12.3) -> 9.8 (12.3) MB, …`. */
class GcTrace {
  heapUsedAfterFullGcMB: number | undefined;
  heapUsedMaxMB = 0;
  heapCommittedMaxMB = 0;
  heapCommittedMB = 0;
  fullGcs = 0;
  scavenges = 0;
  onLine = (line: string): void => {
    const m = /(Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/.exec(line);
    if (!m) return;
    const before = Number(m[2]), after = Number(m[4]), committed = Number(m[5]);
    this.heapUsedMaxMB = Math.max(this.heapUsedMaxMB, before);
    this.heapCommittedMaxMB = Math.max(this.heapCommittedMaxMB, committed, Number(m[3]));
    this.heapCommittedMB = committed;
    if (m[1] === 'Scavenge' || m[1] === 'Minor Mark-Sweep') this.scavenges++;
    else { this.fullGcs++; this.heapUsedAfterFullGcMB = after; }
  };
}

/** A browser: cookies of one session, at most IN_FLIGHT requests at once. */
class Client {
  cookie = '';
  requests = 0;
  failures = 0;
  bytes = 0;
  latencies: number[] = [];
  private charts: string[] = [];
  private next = 0;
  private liveIds: number[] = [];
  constructor(private readonly url: string, private readonly index: number) {}

  async login(): Promise<void> {
    const res = await fetch(`${this.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: '99999', puk: '00000999900000' }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    this.cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }

  async get(path: string): Promise<unknown> {
    const t0 = performance.now();
    this.requests++;
    try {
      const res = await fetch(this.url + path, { headers: { cookie: this.cookie } });
      const buf = await res.arrayBuffer();
      this.bytes += buf.byteLength;
      if (!res.ok) { this.failures++; return undefined; }
      this.latencies.push(performance.now() - t0);
      return path.endsWith('/live') ? undefined : JSON.parse(Buffer.from(buf).toString('utf8'));
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /** Every chart the Consumptions pages can ask for, in a deterministic shuffled order. */
  async prepare(): Promise<void> {
    const devices = (await this.get('/api/devices')) as Array<{ id: number; energyType: string }> ?? [];
    const loads = (await this.get('/api/loads')) as Array<{ id: string }> ?? [];
    const groups = (await this.get('/api/groups')) as Array<{ id: string }> ?? [];
    const scopes = ['total', 'type:electricity', 'type:water', 'type:gas',
      ...loads.map((l) => `load:${l.id}`), ...groups.map((g) => `group:${g.id}`),
      ...devices.filter((d) => d.energyType !== 'none').map((d) => `device:${d.id}`)];
    this.liveIds = devices.map((d) => d.id);
    const today = new Date();
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const back = (days: number, months: number, years: number) => iso(new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - months, today.getUTCDate() - days)));
    let seed = 12345 + this.index * 7919;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const list: string[] = [];
    for (const scope of scopes) {
      for (const period of ['day', 'month', 'year', 'decade'] as const) {
        for (const costs of [true, false]) {
          // where a resident goes: today's period mostly, and back in time now and then
          const date = period === 'day' ? back(Math.floor(rnd() * 3) === 0 ? Math.floor(rnd() * 60) : 0, 0, 0)
            : period === 'month' ? back(0, Math.floor(rnd() * 2) === 0 ? Math.floor(rnd() * 13) : 0, 0)
            : period === 'year' ? back(0, 0, Math.floor(rnd() * 2)) : iso(today);
          list.push(`/api/consumption?scope=${encodeURIComponent(scope)}&period=${period}&date=${date}${costs ? '&costs=1' : ''}`);
        }
      }
    }
    for (let i = list.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [list[i], list[j]] = [list[j], list[i]]; }
    this.charts = list;
  }

  /** One page refresh: the device list, two live tables, ~20 charts. */
  async cycle(k: number): Promise<void> {
    const paths = ['/api/devices', '/api/costs/status'];
    for (let j = 0; j < 2 && this.liveIds.length; j++) paths.push(`/api/devices/${this.liveIds[(2 * k + j + this.index) % this.liveIds.length]}/live`);
    for (let j = 0; j < chartsPerCycle; j++) paths.push(this.charts[this.next++ % this.charts.length]);
    let i = 0;
    const worker = async () => { while (i < paths.length) await this.get(paths[i++]); };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  }

  async browse(endMs: number): Promise<number> {
    let k = 0, late = 0;
    while (Date.now() < endMs) {
      const t0 = Date.now();
      await this.cycle(k++);
      const wait = CYCLE_MS - (Date.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait)); else late++;
    }
    return late;
  }
}

interface SnapshotSummary { totalMB: number; nodes: number; top: Array<{ name: string; MB: number; count: number }> }

/** Sizes by constructor in a .heapsnapshot (self sizes; enough to see what dominates). */
function summarizeSnapshot(file: string): SnapshotSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const f = snap.snapshot.meta.node_fields;
  const F = f.length, iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += F) {
    const type = types[snap.nodes[i + iType]];
    const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + iName]] : type === 'native' ? `(native) ${snap.strings[snap.nodes[i + iName]].slice(0, 40)}` : `(${type})`;
    const size = snap.nodes[i + iSize];
    total += size;
    const e = by.get(name) ?? { size: 0, count: 0 };
    e.size += size; e.count++;
    by.set(name, e);
  }
  const top = [...by].sort((a, b) => b[1].size - a[1].size).slice(0, 16).map(([name, e]) => ({ name: name.slice(0, 60), MB: round1(e.size / 1048576), count: e.count }));
  return { totalMB: round1(total / 1048576), nodes: snap.nodes.length / F, top };
}

async function heapSnapshot(demo: Demo, dir: string): Promise<SnapshotSummary | undefined> {
  const before = new Set(readdirSync(dir));
  demo.daemon.kill('SIGUSR2');
  const end = Date.now() + 120_000;
  let last = -1;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    const file = readdirSync(dir).find((n) => n.endsWith('.heapsnapshot') && !before.has(n));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size === last && size > 0) return summarizeSnapshot(join(dir, file));
    last = size;
  }
  return undefined;
}

async function run(spec: RunSpec): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `ews-mem-${spec.run}-`));
  // experiments: start from a copy of a back-filled store instead of generating one
  if (process.env.BENCH_DATA_FROM) copyFileSync(join(process.env.BENCH_DATA_FROM, 'ews.lmdb'), join(dataDir, 'ews.lmdb'));
  const gc = new GcTrace();
  const snapshot = process.env.BENCH_HEAPSNAPSHOT === '1';
  const t0 = Date.now();
  const demo = await startDemo({
    dataDir, simRtuPort: 0, simGatewayPort: 0, backfillMonths: spec.backfillMonths, costs: true,
    installation: spec.installation,
    nodeFlags: ['--trace-gc', ...(snapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dataDir}`] : []),
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : [])],
    ...(process.env.BENCH_ENV ? { env: JSON.parse(process.env.BENCH_ENV) as Record<string, string> } : {}),
    onStdout: gc.onLine,
  });
  const setupS = Math.round((Date.now() - t0) / 1000);
  const pid = demo.daemon.pid!;
  const clients = Array.from({ length: spec.clients }, (_, i) => new Client(demo.url, i));
  for (const c of clients) { await c.login(); await c.prepare(); }

  const samples: number[] = [];
  let maxRss = 0, maxBreakdown = breakdown(pid), maxAt = 0;
  const sample = () => {
    const s = status(pid);
    samples.push(s.rss);
    if (s.rss > maxRss) { maxRss = s.rss; maxBreakdown = breakdown(pid); maxAt = samples.length - 1; }
  };
  sample();
  const firstBreakdown = breakdown(pid);
  const sampler = setInterval(sample, 5000);
  const started = Date.now();
  const late = await Promise.all(clients.map((c) => c.browse(started + minutes * 60_000)));
  clearInterval(sampler);
  sample();
  const finalBreakdown = breakdown(pid);
  const final = status(pid);
  const snap = snapshot ? await heapSnapshot(demo, dataDir) : undefined;

  const latencies = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN);
  const anonPlusHeap = finalBreakdown.anonymous;
  const dominant = Object.entries({ nodeExecutable: finalBreakdown.nodeExecutable, lmdbMap: finalBreakdown.lmdbMap, anonymous: anonPlusHeap, otherFiles: finalBreakdown.otherFiles }).sort((a, b) => b[1] - a[1])[0][0];
  const devices = spec.installation.buses.reduce((n, b) => n + b.devices.length, 0);
  console.log(JSON.stringify({
    run: spec.run, minutes, devices, clients: spec.clients, backfillMonths: spec.backfillMonths,
    maxRssMB: maxRss, finalRssMB: final.rss, firstRssMB: samples[0], maxAtMin: round1((maxAt * 5) / 60),
    breakdownMB: finalBreakdown, breakdownAtMaxMB: maxBreakdown, breakdownFirstMB: firstBreakdown,
    rssAnonMB: final.anon, rssFileMB: final.file,
    heapUsedMB: gc.heapUsedAfterFullGcMB ?? null, heapUsedMaxMB: gc.heapUsedMaxMB, heapCommittedMB: gc.heapCommittedMB, heapCommittedMaxMB: gc.heapCommittedMaxMB,
    gc: { full: gc.fullGcs, scavenges: gc.scavenges },
    dominant,
    requests: clients.reduce((n, c) => n + c.requests, 0), failures: clients.reduce((n, c) => n + c.failures, 0),
    responseMB: round1(clients.reduce((n, c) => n + c.bytes, 0) / 1048576), latencyMs: { p50: q(0.5), p95: q(0.95), max: q(1) }, lateCycles: late.reduce((a, b) => a + b, 0),
    setupS, samples: samples.length, trace: samples.filter((_, i) => i % 12 === 0),
    ...(snap ? { heapSnapshot: snap } : {}),
    how: 'VmRSS of the daemon (/proc/<pid>/status) every 5 s; breakdown from /proc/<pid>/smaps; heap from --trace-gc; extern (Buffers) is in anonymous',
  }));
  await demo.stop();
  if (process.env.BENCH_KEEP === '1') process.stderr.write(`kept ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}

for (const r of runs) {
  const spec = specs[r];
  if (!spec) throw new Error(`BENCH_RUN: unknown run "${r}" (a, b)`);
  await run(spec());
}
