/**
 * Demo back-fill: months of history from the simulator's own slaves, written through the same
 * ingest as live samples (`HistoryStore.ingestBatch`, one UTC day of ticks per transaction).
 * Each simulated device gets its slave on a fake clock stepped slot by slot; its engineering
 * values (`values()`) are quantized like the registers the poller would decode.
 *
 * At the end the meters are re-baselined: the live simulator starts its counters afresh, and
 * its first readings must continue the history rather than look like a consumption jump.
 *
 *   node --import tsx scripts/demo/backfill.ts        (13 months into a temporary store, timed)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { REGISTER_WORDS, type ModelDef } from '@ews/shared';
import {
  createCatalog, loadCatalog, planDevice, openDatabases, HistoryStore, scopesOf,
  type Catalog, type Clock, type Timer, type IngestRegister, type Tick,
} from '@ews/daemon';
import { demoInstallation, type Installation, type InstallationDevice } from '../sim/installations';
import { createSimSlave, type SimSlave } from '../sim/slave';
import { hashInts } from '../sim/noise';

const DAY_MS = 86_400_000;

export interface BackfillOptions {
  store: HistoryStore;
  catalog: Catalog;
  installation: Installation;
  /** Slots from `fromMs` (inclusive) to `toMs` (exclusive), at the store's sample interval. */
  fromMs: number;
  toMs: number;
  /** Device id of each installation device; default 1, 2, 3… in installation order (how a first seed numbers them). */
  deviceIdOf?: (device: InstallationDevice, index: number) => number | undefined;
  /** Mixed into every device's seed, as `buildSimBus` does (default 1). */
  seed?: number;
  /** Re-baseline every meter at the end (default true): live readings continue without a jump. */
  handOver?: boolean;
  onProgress?: (doneMs: number, totalMs: number) => void;
}

export interface BackfillReport { devices: number; ticks: number; days: number; workers: number; elapsedMs: number }

interface SimDevice { id: number; device: InstallationDevice; registers: IngestRegister[] }
interface SimJob { models: ModelDef[]; devices: SimDevice[]; seed: number; fromMs: number }

/** A register's engineering value as the poller would decode it (scale, truncation, width). */
function quantize(r: IngestRegister, v: number): number {
  if (r.type === 'float32') return Math.fround(v);
  let raw = r.counter ? Math.floor(v / r.scale) : Math.round(v / r.scale);
  if (r.type.startsWith('u') && raw < 0) raw = 0;
  const bits = REGISTER_WORDS[r.type] * 16;
  if (r.counter && bits && bits < 53) raw %= 2 ** bits;
  return Math.round(raw * r.scale * 1e6) / 1e6;
}

/** Slaves of some devices on one fake clock; `values` gives a run of slots as one flat array. */
class SimGroup {
  private now: number;
  private readonly slaves: SimSlave[];
  readonly width: number;
  constructor(private readonly job: SimJob) {
    this.now = job.fromMs;
    const clock: Clock = { now: () => this.now, monotonicMs: () => this.now, setTimeout: () => ({}) as Timer, clearTimeout: () => {} };
    const catalog = createCatalog(job.models);
    this.slaves = job.devices.map(({ device: d }) => createSimSlave(catalog.require(d.family, d.model), {
      address: d.address, seed: hashInts(job.seed, d.address, d.position ?? 0, d.model.length), name: d.name, clock,
      ...(d.position !== undefined ? { position: d.position } : {}),
      ...(d.generic ? { generic: d.generic } : {}),
      ...(d.profile ? { profile: d.profile } : {}),
      ...(d.nominalPowerW !== undefined ? { nominalPowerW: d.nominalPowerW } : {}),
    }));
    this.width = job.devices.reduce((a, d) => a + d.registers.length, 0);
  }
  /** Quantized values of every register of every device, slot after slot (NaN: absent). */
  values(fromSlotMs: number, slots: number, intervalMs: number): Float64Array {
    const out = new Float64Array(slots * this.width);
    let o = 0;
    for (let k = 0; k < slots; k++) {
      this.now = fromSlotMs + k * intervalMs;
      this.slaves.forEach((slave, i) => {
        const v = slave.values();
        for (const r of this.job.devices[i].registers) out[o++] = v[r.key] === undefined ? NaN : quantize(r, v[r.key]);
      });
    }
    return out;
  }
}

/** Runs a SimGroup in a worker thread (this same file), answering one request at a time. */
function simWorker(job: SimJob): { values(from: number, slots: number, intervalMs: number): Promise<Float64Array>; close(): Promise<number> } {
  // Under tsx (this file is TypeScript) the worker registers tsx's loader before importing it.
  const entry = import.meta.url;
  const worker = entry.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => api.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, workerData: { backfillJob: job } })
    : new Worker(new URL(entry), { workerData: { backfillJob: job } });
  let pending: { resolve: (a: Float64Array) => void; reject: (e: unknown) => void } | undefined;
  worker.on('message', (a: Float64Array) => { const p = pending; pending = undefined; p?.resolve(a); });
  worker.on('error', (err) => { const p = pending; pending = undefined; p?.reject(err); });
  return {
    values: (from, slots, intervalMs) => new Promise((resolve, reject) => { pending = { resolve, reject }; worker.postMessage({ from, slots, intervalMs }); }),
    close: () => worker.terminate(),
  };
}

if (!isMainThread && (workerData as { backfillJob?: SimJob } | null)?.backfillJob) {
  const group = new SimGroup((workerData as { backfillJob: SimJob }).backfillJob);
  parentPort!.on('message', ({ from, slots, intervalMs }: { from: number; slots: number; intervalMs: number }) => {
    const a = group.values(from, slots, intervalMs);
    parentPort!.postMessage(a, [a.buffer as ArrayBuffer]);
  });
}

/**
 * Back-fills [fromMs, toMs) at the store's sample interval, one UTC day per `ingestBatch`. The
 * simulation (most of the cost) runs in `workers` threads (default: one per core, up to 2) while
 * the main thread ingests the previous day.
 */
export async function backfill(opts: BackfillOptions & { workers?: number }): Promise<BackfillReport> {
  const started = performance.now();
  const devices: SimDevice[] = [];
  let index = 0;
  for (const bus of opts.installation.buses) {
    for (const d of bus.devices) {
      const id = opts.deviceIdOf ? opts.deviceIdOf(d, index) : index + 1;
      index++;
      if (d.simulated === false || id === undefined) continue;
      const model = opts.catalog.require(d.family, d.model);
      const registers = planDevice(model, { ...(d.position !== undefined ? { position: d.position } : {}), ...(d.side ? { side: d.side } : {}), ...(d.generic ? { generic: d.generic } : {}) })
        .registers.filter((r) => r.counter || r.statistic)
        .map((r): IngestRegister => ({ key: r.key, type: r.type, scale: r.scale, unit: r.unit, ...(r.counter ? { counter: r.counter } : {}), statistic: r.statistic }));
      if (registers.length) devices.push({ id, device: d, registers });
    }
  }
  const workers = Math.max(0, Math.min(opts.workers ?? Math.min(2, availableParallelism()), devices.length));
  const base = { models: [...opts.catalog.models], seed: opts.seed ?? 1, fromMs: opts.fromMs };
  // split by register count so the groups cost about the same
  const parts: SimDevice[][] = Array.from({ length: Math.max(1, workers) }, () => []);
  for (const d of [...devices].sort((a, b) => b.registers.length - a.registers.length)) {
    parts.sort((a, b) => a.reduce((x, y) => x + y.registers.length, 0) - b.reduce((x, y) => x + y.registers.length, 0))[0].push(d);
  }
  const groups = workers === 0
    ? [(() => { const g = new SimGroup({ ...base, devices: parts[0] }); return { values: async (f: number, n: number, i: number) => g.values(f, n, i), close: async () => 0 }; })()]
    : parts.map((p) => simWorker({ ...base, devices: p }));
  const byId = new Map(devices.map((d) => [d.id, d.registers]));
  const registersOf = (id: number) => byId.get(id);
  const interval = opts.store.sampleIntervalMs;
  const dayRuns: Array<{ from: number; slots: number }> = [];
  for (let s = Math.ceil(opts.fromMs / interval) * interval; s < opts.toMs;) {
    const end = Math.min(opts.toMs, (Math.floor(s / DAY_MS) + 1) * DAY_MS);
    const slots = Math.ceil((end - s) / interval);
    dayRuns.push({ from: s, slots });
    s += slots * interval;
  }
  const simulate = (r: { from: number; slots: number }) => Promise.all(groups.map((g) => g.values(r.from, r.slots, interval)));
  let ticks = 0;
  try {
    let next = dayRuns.length ? simulate(dayRuns[0]) : undefined;
    for (let d = 0; d < dayRuns.length; d++) {
      const arrays = await next!;
      next = d + 1 < dayRuns.length ? simulate(dayRuns[d + 1]) : undefined; // overlaps the ingest below
      const { from, slots } = dayRuns[d];
      const batch: Tick[] = [];
      const offsets = parts.map(() => 0);
      for (let k = 0; k < slots; k++) {
        const readings: Tick['readings'][number][] = [];
        parts.forEach((part, g) => {
          for (const dev of part) {
            const values: Record<string, { value: number }> = {};
            for (const r of dev.registers) { const v = arrays[g][offsets[g]++]; if (!Number.isNaN(v)) values[r.key] = { value: v }; }
            readings.push({ deviceId: dev.id, ok: true, values });
          }
        });
        batch.push({ slotMs: from + k * interval, readings });
      }
      ticks += opts.store.ingestBatch(batch, registersOf).ticks;
      opts.onProgress?.(from + slots * interval - opts.fromMs, opts.toMs - opts.fromMs);
    }
  } finally {
    await Promise.all(groups.map((g) => g.close()));
  }
  if (opts.handOver !== false) for (const d of devices) opts.store.rebaseline(d.id);
  return { devices: devices.length, ticks, days: dayRuns.length, workers, elapsedMs: performance.now() - started };
}

/** Loads of the demo devices by name (what the demo seed would configure). */
export function demoScopes(inst = demoInstallation()): (id: number) => { energyType: 'electricity' | 'water' | 'gas'; loadId: string | null; groupIds: string[]; excludeFromTotals: boolean } | undefined {
  const all = inst.buses.flatMap((b, bi) => b.devices.map((d) => ({ d, building: bi })));
  const loads: Record<string, string> = {
    Lighting: 'lighting', 'Heat pump': 'heating', 'Air conditioning': 'air-conditioning', 'EV charger': 'ev-charging',
    'Power sockets': 'power-sockets', Ventilation: 'ventilation',
  };
  return (id) => {
    const e = all[id - 1];
    if (!e) return undefined;
    const energyType = e.d.model === 'pulse-water' ? 'water' : e.d.model === 'pulse-gas' ? 'gas' : 'electricity';
    const main = /main/i.test(e.d.name);
    return {
      energyType, loadId: energyType === 'electricity' ? loads[e.d.name] ?? null : energyType,
      groupIds: [e.building === 0 ? 'building-a' : 'building-b'], excludeFromTotals: main,
    };
  };
}


async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ews-backfill-'));
  const dbs = openDatabases(dir);
  const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 15 * 60_000, scopesOf: scopesOf(demoScopes()) });
  const toMs = Math.floor(Date.now() / 900_000) * 900_000;
  const fromMs = toMs - 396 * DAY_MS; // 13 months
  const r = await backfill({
    store, catalog: loadCatalog(), installation: demoInstallation(), fromMs, toMs,
    onProgress: (done, total) => { if (Math.round(done / DAY_MS) % 30 === 0) process.stderr.write(`[backfill] ${Math.round((100 * done) / total)} %\n`); },
  });
  process.stdout.write(`${JSON.stringify({ ...r, elapsedMs: Math.round(r.elapsedMs), bytes: store.sizes() })}\n`);
  store.close();
  await dbs.close();
  rmSync(dir, { recursive: true, force: true });
}

if (/demo[\\/]backfill\.ts$/.test(process.argv[1] ?? '')) main().catch((err) => { console.error(err); process.exit(1); });
