/**
 * History store benchmark (issue "History"): builds a fresh store of 255 meters × 10 years at
 * 15 minutes (active energy import/export counters and 6 statistics per meter, default
 * retention: statistics thinned to hourly after 2 years) through the store's batch ingest (meters
 * follow the simulator's physics; each slot's avg/min/max from its tick and one observation a minute,
 * as the daemon's background refresh widens them live), then
 * prints JSON lines: bytes per stored sample, live ingest time per tick, and query latencies in
 * process and on the same data in SQLite (better-sqlite3, one row per meter and slot, primary key
 * (device, slot), queried at its best: each meter's counter read at the N+1 bar boundaries through
 * the key, summed per load/group in SQL; a plain per-slot GROUP BY scan takes seconds).
 * Progress goes to stderr.
 *
 * better-sqlite3 is not a dependency (its install builds a native module, which a fresh machine
 * cannot do offline): the SQLite baseline runs when the developer installed it with
 * SQLITE_INSTALL below, and is skipped with that command on stderr otherwise.
 *
 *   pnpm bench:store                 BENCH_DEVICES=255 BENCH_YEARS=10 BENCH_DIR=/tmp/x
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { CounterKind } from '@ews/shared';
import {
  openDatabases, HistoryStore, Energy, OTHERS_LOAD, statSlotCount, parseDate, periodBoundaries, previousDate,
  type Databases, type HistoryStoreOptions, type IngestRegister, type Tick, type DeviceScope, type Period,
} from '@ews/daemon';

export const BENCH_TZ = 'Europe/Paris';
const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface BenchSpec { devices: number; fromMs: number; days: number }

export function benchSpec(devices = 255, years = 10): BenchSpec {
  const fromMs = Date.UTC(2016, 0, 1);
  return { devices, fromMs, days: Math.round((Date.UTC(2016 + years, 0, 1) - fromMs) / DAY_MS) };
}

/** Loads: the 6 predefined, 7 user loads, and "others" for every 15th device; 20 groups. */
export function benchScope(id: number): DeviceScope {
  const loads = ['lighting', 'heating', 'air-conditioning', 'ventilation', 'power-sockets', 'ev-charging', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
  return {
    energyType: 'electricity',
    loadId: id % 15 === 0 ? null : loads[id % loads.length],
    groupIds: id % 3 === 0 ? [`g${id % 20}`, `g${(id * 7) % 20}`] : [`g${id % 20}`],
    excludeFromTotals: id % 50 === 0,
  };
}

export const BENCH_REGISTERS: IngestRegister[] = [
  { key: 'activeEnergyImportWh', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyImport' },
  { key: 'activeEnergyExportWh', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyExport' },
  { key: 'voltageL1V', type: 'u32', scale: 0.01, unit: 'V', statistic: true },
  { key: 'currentL1A', type: 'u32', scale: 0.001, unit: 'A', statistic: true },
  { key: 'activePowerW', type: 's32', scale: 1, unit: 'W', statistic: true },
  { key: 'reactivePowerVar', type: 's32', scale: 1, unit: 'var', statistic: true },
  { key: 'powerFactor', type: 's16', scale: 0.001, unit: '', statistic: true },
  { key: 'frequencyHz', type: 'u16', scale: 0.01, unit: 'Hz', statistic: true },
];

function hash01(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** The simulator's smooth value noise (scripts/sim/noise.ts) on this file's faster two-integer hash. */
function smoothNoise(seed: number, t: number, periodMs: number): number {
  const x = t / periodMs, i = Math.floor(x), f = x - i;
  const a = hash01(seed, i) * 2 - 1, c = hash01(seed, i + 1) * 2 - 1;
  return a + (c - a) * (1 - Math.cos(Math.PI * f)) / 2;
}

/**
 * Observations per slot: the tick's reading and one a minute between ticks (the daemon's background
 * refresh). BENCH_OBSERVE=0 stores the tick's reading alone (min = max = avg, as a box that only
 * reads at the sample tick).
 */
const OBSERVE = process.env.BENCH_OBSERVE !== '0';
const OBS_PER_SLOT = 15;
const MINUTE_MS = 60_000, GRID_SEED = 0x5eed;
const STAT_KEYS = ['voltageL1V', 'currentL1A', 'activePowerW', 'reactivePowerVar', 'powerFactor', 'frequencyHz'] as const;

/** The grid at one instant (shared by every meter, like one supply): voltage wander, frequency. */
function gridAt(t: number): { wander: number; frequencyHz: number } {
  return {
    wander: 0.012 * smoothNoise(GRID_SEED, t, 7 * MINUTE_MS) + 0.003 * smoothNoise(GRID_SEED + 10, t, 20_000),
    frequencyHz: 50 + 0.03 * smoothNoise(GRID_SEED + 99, t, MINUTE_MS) + 0.01 * smoothNoise(GRID_SEED + 98, t, 5_000),
  };
}

/**
 * Deterministic meter `id`: an office-like load (working hours, weekends) on a shared grid, with
 * the simulator's physics (scripts/sim/physics.ts, profiles.ts): load jitter ±12 % on 15-minute
 * knots plus ±4 % on 45 s, voltage 230 V ± 1.2 % wander (7 min) ± 0.3 % (20 s) minus a load drop,
 * frequency 50 Hz ± 0.03 (1 min) ± 0.01 (5 s), power factor 0.92 ± 0.02 (30 min), lower at light
 * load; every 10th meter has PV behind it (exports at midday under drifting clouds). A slot's
 * statistics come from the tick's reading and `OBS_PER_SLOT − 1` observations between ticks, its
 * energy from their mean power.
 */
class Meter {
  importWh: number;
  exportWh = 0;
  readonly nominalW: number;
  readonly producer: boolean;
  private readonly offset: number;
  /** Per quantity: sum, min, max of the observations of the slot being built. */
  readonly obs = STAT_KEYS.map(() => ({ sum: 0, count: 0, min: 0, max: 0 }));
  readonly last = new Float64Array(STAT_KEYS.length);
  constructor(readonly id: number) {
    this.nominalW = 2000 + 40_000 * hash01(id, 1);
    this.producer = id % 10 === 7;
    this.importWh = Math.round(1e6 * hash01(id, 2));
    this.offset = 0.003 * (2 * hash01(id, 50) - 1);
  }

  /** Instantaneous values at `t` (ms) into `out`: V, A, W, var, PF, Hz. */
  private sample(t: number, hourUtc: number, working: boolean, grid: { wander: number; frequencyHz: number }, out: Float64Array): void {
    const load = (working ? 0.55 : 0.12) * (1 + 0.12 * smoothNoise(this.id, t, 15 * MINUTE_MS) + 0.04 * smoothNoise(this.id + 7, t, 45_000));
    let p = this.nominalW * load;
    if (this.producer && hourUtc >= 9 && hourUtc < 16) p -= this.nominalW * 0.9 * (0.35 + 0.65 * (0.5 + 0.5 * smoothNoise(this.id + 3, t, 40 * MINUTE_MS)));
    const v = 230 * (1 + grid.wander + this.offset - 0.004 * load);
    const light = 1 - Math.min(1, load / 0.15);
    const pf = Math.min(0.99, Math.max(0.85, 0.92 + 0.02 * smoothNoise(this.id + 30, t, 30 * MINUTE_MS) - 0.06 * light));
    const s = Math.abs(p) / pf;
    out[0] = v; out[1] = s / v / 3; out[2] = p; out[3] = Math.sqrt(s * s - p * p); out[4] = p < 0 ? -pf : pf; out[5] = grid.frequencyHz;
  }

  /**
   * Builds slot `slotMs`: observations at its minutes 1…14 (statistics only), the reading at
   * minute 0 of the next slot as the tick's values (`last`); energy from the mean power.
   */
  step(slotMs: number, grids: ReadonlyArray<{ wander: number; frequencyHz: number }>): void {
    const d = new Date(slotMs), h = d.getUTCHours(), wd = d.getUTCDay();
    const working = wd >= 1 && wd <= 5 && h >= 7 && h < 18;
    const x = this.last;
    let pSum = 0;
    for (let j = 1; j <= OBS_PER_SLOT; j++) {
      this.sample(slotMs + j * MINUTE_MS, h, working, grids[j], x);
      pSum += x[2];
      if (j === OBS_PER_SLOT) break; // the tick's own reading
      for (let k = 0; k < x.length; k++) {
        const o = this.obs[k];
        if (j === 1) { o.sum = x[k]; o.count = 1; o.min = x[k]; o.max = x[k]; }
        else { o.sum += x[k]; o.count++; if (x[k] < o.min) o.min = x[k]; if (x[k] > o.max) o.max = x[k]; }
      }
    }
    const wh = Math.round(Math.abs(pSum / OBS_PER_SLOT) * 0.25);
    if (pSum >= 0) this.importWh += wh; else this.exportWh += wh;
  }

  /** Kept for the SQLite baseline: the counters only (same energy as `step`). */
  stepEnergy(slotMs: number): void { this.step(slotMs, gridsOf(slotMs)); }
}

function gridsOf(slotMs: number): Array<{ wander: number; frequencyHz: number }> {
  return Array.from({ length: OBS_PER_SLOT + 1 }, (_, j) => gridAt(slotMs + j * MINUTE_MS));
}

/** Register values as the meter's registers give them (their own resolution). */
const REG_ROUND = [100, 1000, 1, 1, 1000, 100];

/** The ticks of one day, generated lazily one tick at a time into shared reading objects. */
function dayTicks(meters: Meter[], day0: number): Tick[] {
  const readings = meters.map((m) => ({ deviceId: m.id, ok: true, values: Object.fromEntries(BENCH_REGISTERS.map((r) => [r.key, { value: 0 }])) as Record<string, { value: number }> }));
  const byId = new Map(meters.map((m) => [m.id, m]));
  const ticks: Tick[] = [];
  for (let i = 0; i < 96; i++) {
    const slotMs = day0 + i * SLOT_MS;
    ticks.push({
      slotMs,
      get readings() {
        const grids = gridsOf(slotMs);
        meters.forEach((m, j) => {
          m.step(slotMs, grids);
          const v = readings[j].values;
          v.activeEnergyImportWh.value = m.importWh; v.activeEnergyExportWh.value = m.exportWh;
          STAT_KEYS.forEach((k, q) => { v[k].value = Math.round(m.last[q] * REG_ROUND[q]) / REG_ROUND[q]; });
        });
        return readings;
      },
      ...(OBSERVE ? { observed: (deviceId: number, key: string) => {
        const q = STAT_KEYS.indexOf(key as (typeof STAT_KEYS)[number]);
        return q < 0 ? undefined : byId.get(deviceId)?.obs[q];
      } } : {}),
    });
  }
  return ticks;
}

export interface BenchStore { dir: string; dbs: Databases; store: HistoryStore; energy: Energy; spec: BenchSpec; buildMs: number; meters: Meter[] }

/** Builds the benchmark store into `dir` (fresh) through `ingestBatch`, one day per transaction. */
export function buildBenchStore(dir: string, spec = benchSpec(), progress: (msg: string) => void = () => {}, opts: Pick<HistoryStoreOptions, 'profiles'> = {}): BenchStore {
  const dbs = openDatabases(dir);
  const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: SLOT_MS, ...opts });
  const energy = new Energy({ store, timezone: BENCH_TZ, scopes: benchScope });
  const meters = Array.from({ length: spec.devices }, (_, i) => new Meter(i + 1));
  const t0 = performance.now();
  for (let d = 0; d < spec.days; d++) {
    store.ingestBatch(dayTicks(meters, spec.fromMs + d * DAY_MS), () => BENCH_REGISTERS);
    if (d % 100 === 99) progress(`day ${d + 1}/${spec.days} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { dir, dbs, store, energy, spec, buildMs: performance.now() - t0, meters };
}

/** Where `SQLITE_INSTALL` puts better-sqlite3 (git-ignored, outside the pnpm workspace's node_modules). */
const SQLITE_PREFIX = fileURLToPath(new URL('./.sqlite/', import.meta.url));
export const SQLITE_INSTALL = 'npm install --prefix scripts/bench/.sqlite better-sqlite3@12';

/**
 * better-sqlite3's constructor, from `scripts/bench/.sqlite` (SQLITE_INSTALL) or anywhere Node
 * resolves it from here; undefined when it is not installed or its native module does not load.
 */
export function loadSqlite(): { Database: typeof Database; version: string; from: string } | { missing: string } {
  const reasons: string[] = [];
  for (const base of [join(SQLITE_PREFIX, 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      const req = createRequire(base);
      const from = req.resolve('better-sqlite3');
      const Ctor = req('better-sqlite3') as typeof Database;
      new Ctor(':memory:').close(); // loads the native module now
      return { Database: Ctor, version: (req('better-sqlite3/package.json') as { version: string }).version, from };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code !== 'MODULE_NOT_FOUND') reasons.push(String(e.message ?? err).split('\n')[0]);
    }
  }
  return { missing: reasons[0] ?? 'better-sqlite3 is not installed' };
}

/** The same meters in SQLite: one row per meter and slot, primary key (device_id, slot). */
export function buildSqlite(Sqlite: typeof Database, path: string, spec: BenchSpec, progress: (msg: string) => void = () => {}): Database.Database {
  const db = new Sqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(`CREATE TABLE devices (id INTEGER PRIMARY KEY, load_id TEXT, excluded INTEGER NOT NULL);
    CREATE TABLE device_groups (group_id TEXT NOT NULL, device_id INTEGER NOT NULL, PRIMARY KEY (group_id, device_id));
    CREATE TABLE samples (device_id INTEGER NOT NULL, slot INTEGER NOT NULL, import_wh INTEGER NOT NULL, export_wh INTEGER NOT NULL,
      PRIMARY KEY (device_id, slot)) WITHOUT ROWID;`);
  const insert = db.prepare('INSERT INTO samples VALUES (?, ?, ?, ?)');
  const slots = spec.days * 96;
  for (let id = 1; id <= spec.devices; id++) {
    const s = benchScope(id);
    db.prepare('INSERT INTO devices VALUES (?, ?, ?)').run(id, s.loadId ?? OTHERS_LOAD, s.excludeFromTotals ? 1 : 0);
    for (const g of new Set(s.groupIds)) db.prepare('INSERT INTO device_groups VALUES (?, ?)').run(g, id);
    const m = new Meter(id);
    db.transaction(() => {
      for (let i = 0; i < slots; i++) {
        const slotMs = spec.fromMs + i * SLOT_MS;
        m.stepEnergy(slotMs);
        insert.run(id, slotMs / SLOT_MS, m.importWh, m.exportWh);
      }
    })();
    if (id % 25 === 0) progress(`sqlite device ${id}/${spec.devices}`);
  }
  db.exec('ANALYZE');
  return db;
}

export interface BenchQuery { name: string; scope: string; period: Period; date: string; byLoad?: boolean }

/** The same question answered from SQLite: counters summed per bar boundary, differenced. */
export function sqliteQuery(db: Database.Database, q: BenchQuery, spec: BenchSpec): number[][] {
  const run = (date: string) => {
    const bounds = periodBoundaries(BENCH_TZ, q.period, parseDate(date));
    const first = spec.fromMs / SLOT_MS, last = first + spec.days * 96 - 1;
    const slots = bounds.map((ms) => Math.max(first, Math.min(Math.floor(ms / SLOT_MS), last)));
    const inList = slots.join(',');
    let rows: Array<{ k: string; slot: number; v: number }>;
    if (q.scope === 'total') {
      rows = db.prepare(`SELECT ${q.byLoad === false ? "'total'" : 'd.load_id'} AS k, s.slot AS slot, SUM(s.import_wh) AS v FROM devices d CROSS JOIN samples s ON s.device_id = d.id
        WHERE d.excluded = 0 AND s.slot IN (${inList}) GROUP BY k, s.slot`).all() as typeof rows;
    } else if (q.scope.startsWith('group:')) {
      rows = db.prepare(`SELECT 'g' AS k, s.slot AS slot, SUM(s.import_wh) AS v FROM device_groups g CROSS JOIN samples s ON s.device_id = g.device_id
        WHERE g.group_id = ? AND s.slot IN (${inList}) GROUP BY s.slot`).all(q.scope.slice(6)) as typeof rows;
    } else {
      rows = db.prepare(`SELECT 'd' AS k, slot, import_wh AS v FROM samples WHERE device_id = ? AND slot IN (${inList})`).all(Number(q.scope.slice(7))) as typeof rows;
    }
    const byKey = new Map<string, Map<number, number>>();
    for (const r of rows) { if (!byKey.has(r.k)) byKey.set(r.k, new Map()); byKey.get(r.k)!.set(r.slot, r.v); }
    return [...byKey.keys()].sort().map((k) => slots.slice(0, -1).map((s, i) => {
      const a = byKey.get(k)!.get(s), b = byKey.get(k)!.get(slots[i + 1]);
      return a === undefined || b === undefined ? NaN : b - a;
    }));
  };
  const d = parseDate(q.date);
  const prev = previousDate(q.period, d);
  return [...run(q.date), ...run(`${prev.year}-${String(prev.month).padStart(2, '0')}-${String(prev.day).padStart(2, '0')}`)];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function timeIt(fn: () => unknown, runs: number): { p50Ms: number; p95Ms: number } {
  for (let i = 0; i < 5; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); fn(); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50Ms: r(percentile(ms, 0.5)), p95Ms: r(percentile(ms, 0.95)) };
}

/** Query mix: random dates within the stored decade (fixed seed), random device/group. */
export function benchQueries(spec: BenchSpec, n: number): BenchQuery[][] {
  const date = (i: number, salt: number) => {
    const t = new Date(spec.fromMs + Math.floor(hash01(i, salt) * (spec.days - 40)) * DAY_MS + 20 * DAY_MS);
    return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;
  };
  const lastYear = `${new Date(spec.fromMs + (spec.days - 1) * DAY_MS).getUTCFullYear()}-06-15`;
  const idx = Array.from({ length: n }, (_, i) => i);
  return [
    idx.map((i) => ({ name: 'total-year-by-load', scope: 'total', period: 'year' as const, date: date(i, 11) })),
    idx.map(() => ({ name: 'total-decade', scope: 'total', period: 'decade' as const, date: lastYear, byLoad: false })),
    idx.map((i) => ({ name: 'device-day', scope: `device:${1 + Math.floor(hash01(i, 13) * spec.devices)}`, period: 'day' as const, date: date(i, 14) })),
    // groups that exist: all 20 from 20 devices on (benchScope), else those of the devices there are
    idx.map((i) => ({ name: 'group-month', scope: `group:g${spec.devices >= 20 ? Math.floor(hash01(i, 15) * 20) : (1 + Math.floor(hash01(i, 15) * spec.devices)) % 20}`, period: 'month' as const, date: date(i, 16) })),
  ];
}

export function liveIngest(b: BenchStore, ticks: number): { meanMs: number; p95Ms: number } {
  const start = b.spec.fromMs + b.spec.days * DAY_MS;
  const all = dayTicks(b.meters, start).slice(0, ticks);
  const ms: number[] = [];
  for (const t of all) {
    const readings = t.readings.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values ?? {}).map(([k, v]) => [k, { ...v }])) }));
    const seen = new Map(b.meters.map((m) => [m.id, new Map(STAT_KEYS.map((k) => [k as string, { ...m.obs[STAT_KEYS.indexOf(k)] }]))]));
    const tick: Tick = { slotMs: t.slotMs, readings, ...(OBSERVE ? { observed: (id: number, key: string) => seen.get(id)?.get(key) } : {}) };
    const t0 = performance.now();
    b.store.ingest(tick, () => BENCH_REGISTERS);
    ms.push(performance.now() - t0);
  }
  const mean = ms.reduce((a, x) => a + x, 0) / ms.length;
  ms.sort((a, x) => a - x);
  return { meanMs: Math.round(mean * 100) / 100, p95Ms: Math.round(percentile(ms, 0.95) * 100) / 100 };
}

function storedSamples(b: BenchStore): { counter: number; statistic: number } {
  const count = (db: typeof b.dbs.history.counters, slots: (v: Uint8Array) => number) => {
    let n = 0;
    for (const { value } of db.getRange({})) n += slots(value);
    return n;
  };
  const counterSlots = (v: Uint8Array) => v[5] | (v[6] << 8);
  return { counter: count(b.dbs.history.counters, counterSlots), statistic: count(b.dbs.history.stats, statSlotCount) + count(b.dbs.history.statsHourly, statSlotCount) };
}

/** Value bytes (without LMDB's key, node and page overhead) per slot, per quantity, at 15 min and hourly. */
function statBreakdown(b: BenchStore): Array<{ quantity: string; rate: string; valueBytesPerSlot: number; bytesPerValue: number }> {
  const keyOf = new Map<number, string>();
  for (const m of b.meters) for (const k of STAT_KEYS) { const s = b.store.statisticSeries(m.id, k); if (s) keyOf.set(s.id, k); }
  const out: Array<{ quantity: string; rate: string; valueBytesPerSlot: number; bytesPerValue: number }> = [];
  for (const [rate, db] of [['15min', b.dbs.history.stats], ['hourly', b.dbs.history.statsHourly]] as const) {
    const acc = new Map<string, { bytes: number; slots: number; values: number }>();
    for (const { key, value } of db.getRange({})) {
      const q = keyOf.get((key as number) % 0x10000) ?? '?';
      const e = acc.get(q) ?? { bytes: 0, slots: 0, values: 0 };
      e.bytes += value.length; e.slots += statSlotCount(value); e.values++;
      acc.set(q, e);
    }
    for (const [quantity, e] of acc) out.push({ quantity, rate, valueBytesPerSlot: Math.round((e.bytes / e.slots) * 1000) / 1000, bytesPerValue: Math.round(e.bytes / e.values) });
  }
  return out;
}

/** Bytes the store's files take on disk (the LMDB data files, free pages included). */
function filesBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) { const s = statSync(join(dir, f)); if (s.isFile()) n += Math.min(s.size, s.blocks * 512); }
  return n;
}

/**
 * The same queries over HTTP: the daemon's real consumption routes (query validation, JSON
 * encoding) served by the daemon's own node:http adapter on loopback, fetched one at a time.
 */
async function httpServer(b: BenchStore): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const { consumptionApi, silentLogger, serve } = await import('@ews/daemon');
  const config = {
    csv: () => ({ decimalSeparator: ',', fieldSeparator: ';', folderPasswordSet: false, sampleRateMin: 15, defaultLanguage: 'en' }),
    loads: () => [], groups: () => [], device: () => undefined,
  };
  const app = consumptionApi({ energy: b.energy, log: silentLogger, config, costs: undefined } as unknown as Parameters<typeof consumptionApi>[0]);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer, serverOptions: {} });
  await new Promise<void>((resolve, reject) => { server.once('listening', () => resolve()); server.once('error', reject); });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function timeHttp(url: string, qs: BenchQuery[], runs: number): Promise<{ p50Ms: number; p95Ms: number }> {
  const path = (q: BenchQuery) => `${url}/api/consumption?scope=${encodeURIComponent(q.scope)}&period=${q.period}&date=${q.date}${q.byLoad === false ? '&byLoad=0' : ''}`;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(path(qs[i % qs.length]));
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  }
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await (await fetch(path(qs[i % qs.length]))).arrayBuffer();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50Ms: r(percentile(ms, 0.5)), p95Ms: r(percentile(ms, 0.95)) };
}

async function main(): Promise<void> {
  const devices = Number(process.env.BENCH_DEVICES ?? 255), years = Number(process.env.BENCH_YEARS ?? 10);
  const runs = Number(process.env.BENCH_RUNS ?? 200);
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'ews-bench-store-'));
  const log = (m: string) => process.stderr.write(`[bench:store] ${m}\n`);
  const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const spec = benchSpec(devices, years);
  log(`building ${devices} meters × ${spec.days} days at 15 min into ${dir}`);
  const b = buildBenchStore(join(dir, 'lmdb'), spec, log);
  log(`built in ${(b.buildMs / 1000).toFixed(1)} s`);
  const sizes = b.store.sizes();
  const samples = storedSamples(b);
  print({ metric: 'bytesPerSample', kind: 'counter', value: Math.round((sizes.counters.bytes / samples.counter) * 100) / 100, bytes: sizes.counters.bytes, samples: samples.counter });
  const statBytes = sizes.stats.bytes + sizes.statsHourly.bytes;
  print({ metric: 'bytesPerSample', kind: 'statistic', observed: OBSERVE, value: Math.round((statBytes / samples.statistic) * 100) / 100, bytes: statBytes, samples: samples.statistic, note: 'per slot of one quantity (avg+min+max)' });
  for (const x of statBreakdown(b)) print({ metric: 'statisticBytes', ...x });
  const pagesBytes = Object.values(sizes).reduce((a, s) => a + s.bytes, 0);
  print({ metric: 'storeBytes', devices, years, observed: OBSERVE, value: filesBytes(join(dir, 'lmdb')), usedPagesBytes: pagesBytes, note: 'ews.lmdb + ews-stats.lmdb on disk; usedPagesBytes: pages of the history databases' });
  const sqlite = loadSqlite();
  let sql: Database.Database | undefined;
  if ('missing' in sqlite) {
    log(`SQLite baseline skipped (${sqlite.missing}); to include it: ${SQLITE_INSTALL}`);
    print({ metric: 'sqliteBaseline', skipped: true, reason: sqlite.missing, install: SQLITE_INSTALL });
  } else {
    const sqliteStart = performance.now();
    sql = buildSqlite(sqlite.Database, join(dir, 'baseline.sqlite'), spec, log);
    log(`sqlite built in ${((performance.now() - sqliteStart) / 1000).toFixed(1)} s`);
    const version = (sql.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    print({ metric: 'sqliteBaseline', engine: `better-sqlite3 ${sqlite.version} (native SQLite ${version})`, from: sqlite.from });
  }
  const http = await httpServer(b);
  for (const qs of benchQueries(spec, runs)) {
    const mismatch = sql && qs.slice(0, 5).find((q) => {
      const r = b.energy.consumption(q);
      const norm = (xs: number[][]) => xs.map((v) => JSON.stringify(v.map((x) => (Number.isNaN(x) || x === 0 ? 0 : x)))).sort().join();
      const ours = [...r.series, ...r.previous.series].map((s) => s.values.map((v) => v ?? NaN));
      return norm(ours) !== norm(sqliteQuery(sql!, q, spec));
    });
    if (mismatch) log(`WARNING: in-process and SQLite answers differ for ${JSON.stringify(mismatch)}`);
    let i = 0;
    const inproc = timeIt(() => b.energy.consumption(qs[i++ % qs.length]), runs);
    print({ metric: 'query', name: qs[0].name, where: 'inprocess', ...inproc });
    print({ metric: 'query', name: qs[0].name, where: 'http', ...(await timeHttp(http.url, qs, runs)) });
    if (sql) {
      i = 0;
      print({ metric: 'query', name: qs[0].name, where: 'sqlite', ...timeIt(() => sqliteQuery(sql!, qs[i++ % qs.length], spec), runs) });
    }
  }
  await http.close();
  const live = liveIngest(b, 96);
  print({ metric: 'ingestMsPerTick', devices, value: live.meanMs, p95Ms: live.p95Ms });
  sql?.close();
  await b.dbs.close();
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}

if (/bench[\\/]store\.ts$/.test(process.argv[1] ?? "")) main().catch((err) => { console.error(err); process.exit(1); });
