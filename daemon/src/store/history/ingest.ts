/**
 * @module store/history/ingest
 * Applies sample ticks to the buckets: corrected counters per device (STO-4), the same
 * increments summed into every aggregate scope the device belongs to (load, groups, energy type,
 * total), gaps spread over the missing slots of the device and of its scopes (flagged
 * estimated), and statistics per slot. Runs inside the caller's one write transaction.
 */
import type { CounterKind, RegisterType } from '@ews/shared';
import { correct, registerWidth, type CounterState, type RegisterWidth } from './correction';
import { FLAG } from './counter-bucket';
import { counterAt } from './read';
import { counterSeriesName, statSeriesName, type CounterStates, type SeriesInfo, type SeriesRegistry } from './series';
import type { BucketCache, Entry } from './buckets';
import { bucketKey, dayOf } from './keys';
import { RELATIVE_UNITS, statQuantum } from './stat-bucket';

// Local copies: hot loops should not go through module bindings.
const DAY_MS = 86_400_000, MINUTE_MS = 60_000;
const HELD = FLAG.HELD, ESTIMATED = FLAG.ESTIMATED, EVENT = FLAG.RESET | FLAG.ROLLOVER | FLAG.REPLACED;

/** What the store needs of a register (a subset of the catalogue's `ResolvedRegister`). */
export interface IngestRegister {
  key: string;
  type: RegisterType;
  scale: number;
  unit: string;
  counter?: CounterKind;
  statistic?: boolean;
}
export type RegistersOf = (deviceId: number) => readonly IngestRegister[] | undefined;
/** The aggregate scopes (not the device itself) a device's counter feeds at this moment. */
export type ScopesOf = (deviceId: number, counter: CounterKind) => readonly string[];

/** The poller's `SampleTick`, structurally. */
export interface Tick {
  slotMs: number;
  readings: ReadonlyArray<{ deviceId: number; ok: boolean; values?: Record<string, { value: number | string }> }>;
  /**
   * Values observed during the slot before this tick (avg/min/max widening, like
   * `HistoryStore.observe` live), for batches that carry them (a back-fill, a benchmark).
   */
  observed?: (deviceId: number, key: string) => { sum: number; count: number; min: number; max: number } | undefined;
}

export interface IngestReport {
  ticks: number;
  /** Ticks at or before the latest slot already stored (clock went back, duplicate). */
  skipped: number;
  /** Slots given an estimated value over gaps. */
  filledSlots: number;
  /** Resets, rollovers, replacements. */
  events: number;
  puts: number;
}

export const counterUnit = (kind: CounterKind): 'Wh' | 'dm3' => (kind === 'water' || kind === 'gas' ? 'dm3' : 'Wh');

/** Where a series' current bucket sits in the cache (re-fetched when the day or cache changes). */
interface Slot { entry: Entry | null; key: number; gen: number; /** series id, −1 until known */ sid: number; hasRaw: boolean }
interface CounterPlan extends Slot { key0: string; kind: CounterKind; width: RegisterWidth; series: SeriesInfo | undefined; state: CounterState | undefined; stateBatch: number; scopes: number[] }
interface StatPlan extends Slot { key0: string; unit: string; quantum: number; relative: boolean; series: SeriesInfo | undefined }
interface ScopeSlot extends Slot { series: SeriesInfo; delta: number; tick: number }
/** A device's registers resolved to series once per batch (no per-value name building). */
interface DevicePlan { regs: readonly IngestRegister[]; counters: CounterPlan[]; stats: StatPlan[] }

export interface IngestContext {
  registry: SeriesRegistry;
  states: CounterStates;
  counters: BucketCache;
  stats: BucketCache;
}

/** What changes from one batch to the next. */
export interface BatchInput {
  registersOf: RegistersOf;
  /** Sample interval of the ticks being applied. */
  intervalMs: number;
  report: IngestReport;
  /** Observations between ticks: avg/min/max over the slot (see `HistoryStore.observe`). */
  takeObserved?: (deviceId: number, key: string) => { sum: number; count: number; min: number; max: number } | undefined;
}

/**
 * Applies ticks; lives as long as the store so that devices' plans (their registers resolved to
 * series and scopes) are built once, not per tick. `invalidate` drops them (new scopes, failed
 * transaction).
 */
export class TickApplier {
  private plans = new Map<number, DevicePlan>();
  private scopeSlots: ScopeSlot[] = [];
  private scopeIndex = new Map<number, number>();
  private tickNo = 0;
  private batchNo = 0;
  private rateMin = 15;
  private batch: BatchInput = { registersOf: () => undefined, intervalMs: 900_000, report: { ticks: 0, skipped: 0, filledSlots: 0, events: 0, puts: 0 } };

  constructor(private readonly ctx: IngestContext, private scopesOf: ScopesOf) {}

  setScopes(scopesOf: ScopesOf): void { this.scopesOf = scopesOf; this.invalidate(); }

  invalidate(): void {
    this.plans.clear();
    this.scopeSlots = [];
    this.scopeIndex.clear();
  }

  begin(batch: BatchInput): void {
    this.batch = batch;
    this.batchNo++;
    this.rateMin = batch.intervalMs / MINUTE_MS;
  }

  private scopeSlot(series: SeriesInfo): number {
    let i = this.scopeIndex.get(series.id);
    if (i === undefined) {
      i = this.scopeSlots.push({ series, delta: 0, tick: -1, entry: null, key: -1, gen: -1, sid: series.id, hasRaw: false }) - 1;
      this.scopeIndex.set(series.id, i);
    }
    return i;
  }

  private plan(deviceId: number, regs: readonly IngestRegister[]): DevicePlan {
    const cached = this.plans.get(deviceId);
    if (cached && cached.regs === regs) return cached;
    const p: DevicePlan = { regs, counters: [], stats: [] };
    for (const r of regs) {
      if (r.counter) {
        const kind = r.counter;
        const scopes = [...new Set(this.scopesOf(deviceId, kind))].map((scope) => this.scopeSlot(this.ctx.registry.ensure({
          name: counterSeriesName(scope, kind), kind: 'counter', scope, counter: kind, unit: counterUnit(kind),
        })));
        const series = this.ctx.registry.get(counterSeriesName(`device:${deviceId}`, kind));
        // Plain literals: objects built by spreading get slow property access in V8.
        p.counters.push({ entry: null, key: -1, gen: -1, sid: series?.id ?? -1, hasRaw: true, key0: r.key, kind, width: registerWidth(r.type, r.scale), series, state: undefined, stateBatch: -1, scopes });
      } else if (r.statistic) {
        const series = this.ctx.registry.get(statSeriesName(deviceId, r.key));
        p.stats.push({ entry: null, key: -1, gen: -1, sid: series?.id ?? -1, hasRaw: false, key0: r.key, unit: r.unit, quantum: series?.quantum ?? statQuantum(r.unit, r.type, r.scale), relative: RELATIVE_UNITS.has(r.unit), series });
      }
    }
    this.plans.set(deviceId, p);
    return p;
  }

  /** The cache entry of `series` on the day of `slotMs`, through the slot's memo. */
  private entryOf(cache: BucketCache, slot: Slot, slotMs: number): Entry {
    const key = Math.floor(slotMs / DAY_MS) * 0x10000 + slot.sid;
    if (slot.entry === null || slot.key !== key || slot.gen !== cache.generation) {
      slot.entry = cache.load(key); slot.key = key; slot.gen = cache.generation;
    }
    return slot.entry;
  }

  private write(s: SeriesInfo, slotMs: number, value: number, flags: number, offset0: number, offset?: number, raw?: number, slot?: Slot): void {
    const cache = this.ctx.counters;
    if (slot) cache.writeCounter(this.entryOf(cache, slot, slotMs), slotMs % DAY_MS, this.rateMin, value, flags, offset, raw, slot.hasRaw, offset0);
    else cache.writeCounter(cache.load(Math.floor(slotMs / DAY_MS) * 0x10000 + s.id), slotMs % DAY_MS, this.rateMin, value, flags, offset, raw, !!s.raw, offset0);
  }

  apply(tick: { slotMs: number; readings: Tick['readings'] }): void {
    const s = tick.slotMs;
    const I = this.batch.intervalMs;
    const { registry, states } = this.ctx;
    const tickNo = ++this.tickNo;
    const slots = this.scopeSlots;
    for (const r of tick.readings) {
      const regs = this.batch.registersOf(r.deviceId);
      if (!regs) continue;
      const plan = this.plan(r.deviceId, regs);
      for (const c of plan.counters) {
        for (const i of c.scopes) if (slots[i].tick !== tickNo) { slots[i].tick = tickNo; slots[i].delta = 0; }
        const v = r.ok ? r.values?.[c.key0]?.value : undefined;
        if (typeof v !== 'number') continue;
        if (!c.series) {
          const scope = `device:${r.deviceId}`;
          c.series = registry.ensure({ name: counterSeriesName(scope, c.kind), kind: 'counter', scope, counter: c.kind, unit: counterUnit(c.kind), raw: true });
          c.sid = c.series.id;
        }
        const dev = c.series;
        // edit() marks the state for writing: once per batch
        if (c.stateBatch !== this.batchNo || !c.state) { c.state = states.edit(dev.id); c.stateBatch = this.batchNo; }
        const st = c.state;
        if (s <= st.lastSlotMs) continue;
        const prevSlot = st.lastSlotMs, prevValue = st.lastValue, prevOffset = st.offset, prevInterval = st.intervalMs;
        const res = correct(st, v, s, I, c.width);
        if (res.kind === 'missing') {
          if (res.raw !== undefined) this.write(dev, s, NaN, HELD, prevOffset, undefined, res.raw, c);
          continue;
        }
        if (res.kind === 'held') { st.intervalMs = I; this.write(dev, s, prevValue, HELD, prevOffset, undefined, res.raw, c); continue; }
        let atSlot = res.delta;
        // a gap: ticks went by without this meter (a slower rate before a change is not one)
        if (prevSlot >= 0 && s - prevSlot > Math.max(I, prevInterval || I)) atSlot -= this.fillGap(dev, c.scopes.map((i) => slots[i].series), prevSlot, prevValue, prevOffset, s, res.delta);
        st.intervalMs = I;
        this.write(dev, s, res.value, res.flags, prevOffset, res.offset, undefined, c);
        if (res.flags & EVENT) this.batch.report.events++;
        for (const i of c.scopes) slots[i].delta += atSlot;
      }
      if (plan.stats.length) this.applyStats(r, plan, s);
    }
    for (const sc of slots) {
      if (sc.tick !== tickNo) continue;
      const st = states.edit(sc.series.id);
      if (st.lastSlotMs >= s) continue;
      const value = (st.lastSlotMs < 0 ? 0 : st.lastValue) + sc.delta;
      if (st.firstSlotMs < 0) { st.firstSlotMs = s; st.firstValue = value; }
      st.lastSlotMs = s; st.lastValue = value;
      this.write(sc.series, s, value, 0, 0, undefined, undefined, sc);
    }
  }

  private applyStats(r: Tick['readings'][number], plan: DevicePlan, s: number): void {
    const observed = this.batch.takeObserved;
    const cache = this.ctx.stats;
    const inDay = s % DAY_MS;
    for (const k of plan.stats) {
      const v = r.ok ? r.values?.[k.key0]?.value : undefined;
      const seen = observed ? observed(r.deviceId, k.key0) : undefined;
      const ok = typeof v === 'number' && Number.isFinite(v);
      if (!ok && !seen) continue;
      let avg = ok ? v : seen!.sum / seen!.count, min = avg, max = avg;
      if (seen && ok) { avg = (seen.sum + v) / (seen.count + 1); min = Math.min(seen.min, v); max = Math.max(seen.max, v); }
      else if (seen) { min = seen.min; max = seen.max; }
      if (k.sid < 0) {
        k.series = this.ctx.registry.ensure({ name: statSeriesName(r.deviceId, k.key0), kind: 'statistic', scope: `device:${r.deviceId}`, key: k.key0, unit: k.unit, quantum: k.quantum });
        k.sid = k.series.id;
        k.quantum = k.series.quantum!;
      }
      cache.writeStat(this.entryOf(cache, k, s), inDay, this.rateMin, k.quantum, avg, min, max, k.relative);
    }
  }

  /**
   * Spreads `D` (the increment from `prevSlot` to `s`) over the sample-interval slots between
   * them, linearly in time, for the device and each of its scopes. Returns the part given to
   * the slots before `s`.
   */
  private fillGap(dev: SeriesInfo, scopes: SeriesInfo[], p: number, P: number, offset0: number, s: number, D: number): number {
    const I = this.batch.intervalMs;
    const first = Math.ceil((p + 1) / I) * I;
    if (first >= s) return 0;
    const integral = Number.isInteger(D);
    const inc = (t: number): number => { const x = (D * (t - p)) / (s - p); return integral ? Math.round(x) : x; };
    let last = first;
    for (let t = first; t < s; t += I) {
      this.write(dev, t, P + inc(t), ESTIMATED, offset0);
      this.batch.report.filledSlots++;
      last = t;
    }
    const stepInc = (t: number): number => (t < first ? 0 : inc(first + Math.floor((t - first) / I) * I));
    for (const sc of scopes) this.fillScope(sc, p, s, first, inc, stepInc);
    return inc(last);
  }

  private fillScope(sc: SeriesInfo, p: number, s: number, first: number, inc: (t: number) => number, stepInc: (t: number) => number): void {
    const I = this.batch.intervalMs;
    const rateMin = I / MINUTE_MS;
    const st = this.ctx.states.edit(sc.id);
    const before = counterAt((k) => this.ctx.counters.peekCounter(k), sc.id, st, p, 0);
    let held = Number.isNaN(before) ? 0 : before;
    let lastT = -1, lastV = 0;
    for (let day = dayOf(p + 1); day <= dayOf(s - 1); day++) {
      const cd = this.ctx.counters.counterDayAtRate(bucketKey(day, sc.id), rateMin, false, 0);
      const start = day * DAY_MS;
      const R = cd.rateMin * MINUTE_MS;
      const lo = Math.max(p + 1, start), hi = Math.min(s - 1, start + DAY_MS - 1);
      for (let i = Math.ceil((lo - start) / R); start + i * R <= hi; i++) {
        const t = start + i * R;
        const v = cd.values[i];
        if (!Number.isNaN(v)) {
          held = v;
          cd.values[i] = v + stepInc(t);
          if (t === st.firstSlotMs) st.firstValue = cd.values[i];
        } else if (t >= first && (t - first) % I === 0) {
          cd.values[i] = held + inc(t);
          if (st.firstSlotMs < 0 || t < st.firstSlotMs) { st.firstSlotMs = t; st.firstValue = cd.values[i]; }
        } else continue;
        cd.flags[i] |= ESTIMATED;
        lastT = t; lastV = cd.values[i];
      }
    }
    if (lastT >= st.lastSlotMs) { st.lastSlotMs = lastT; st.lastValue = lastV; }
  }
}
