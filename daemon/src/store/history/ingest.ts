/**
 * @module store/history/ingest
 * Applies sample ticks to the buckets: corrected counters per device (STO-4), the same
 * increments summed into every aggregate scope the device belongs to (load, groups, energy type,
 * total), gaps spread over the missing slots of the device and of its scopes (flagged
 * estimated), and statistics per slot. Runs inside the caller's one write transaction.
 */
import type { CounterKind, RegisterType } from '@ews/shared';
import { correct, registerWidth, type RegisterWidth } from './correction';
import { FLAG } from './counter-bucket';
import { counterAt } from './read';
import { counterSeriesName, statSeriesName, type CounterStates, type SeriesInfo, type SeriesRegistry } from './series';
import { msInDay, type BucketCache } from './buckets';
import { DAY_MS, MINUTE_MS, bucketKey, dayOf } from './keys';

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

interface Prepared {
  counters: Array<{ key: string; kind: CounterKind; width: RegisterWidth }>;
  stats: Array<{ key: string; unit: string; quantum: number }>;
}

export interface IngestContext {
  registry: SeriesRegistry;
  states: CounterStates;
  counters: BucketCache;
  stats: BucketCache;
  /** Sample interval of the ticks being applied. */
  intervalMs: number;
  /** Observations between ticks: avg/min/max over the slot (see `StatAccumulator`). */
  takeObserved?: (deviceId: number, key: string) => { sum: number; count: number; min: number; max: number } | undefined;
}

/** One batch's worth of caches around the per-tick work. */
export class TickApplier {
  private prepared = new WeakMap<readonly IngestRegister[], Prepared>();
  private scopeCache = new Map<string, SeriesInfo[]>();

  constructor(private readonly ctx: IngestContext, private readonly registersOf: RegistersOf, private readonly scopesOf: ScopesOf, private readonly report: IngestReport) {}

  private prepare(regs: readonly IngestRegister[]): Prepared {
    let p = this.prepared.get(regs);
    if (!p) {
      p = { counters: [], stats: [] };
      for (const r of regs) {
        if (r.counter) p.counters.push({ key: r.key, kind: r.counter, width: registerWidth(r.type, r.scale) });
        else if (r.statistic) p.stats.push({ key: r.key, unit: r.unit, quantum: r.type === 'float32' ? 0.001 : r.scale });
      }
      this.prepared.set(regs, p);
    }
    return p;
  }

  private scopes(deviceId: number, kind: CounterKind): SeriesInfo[] {
    const k = `${deviceId}|${kind}`;
    let out = this.scopeCache.get(k);
    if (!out) {
      out = [...new Set(this.scopesOf(deviceId, kind))].map((scope) => this.ctx.registry.ensure({
        name: counterSeriesName(scope, kind), kind: 'counter', scope, counter: kind, unit: counterUnit(kind),
      }));
      this.scopeCache.set(k, out);
    }
    return out;
  }

  private write(s: SeriesInfo, slotMs: number, value: number, opts: { flags?: number; offset?: number; raw?: number; offset0: number }): void {
    this.ctx.counters.writeCounter(bucketKey(dayOf(slotMs), s.id), msInDay(slotMs), this.ctx.intervalMs / MINUTE_MS, value, { ...opts, hasRaw: !!s.raw });
  }

  apply(tick: { slotMs: number; readings: Tick['readings'] }): void {
    const s = tick.slotMs;
    const I = this.ctx.intervalMs;
    const { registry, states } = this.ctx;
    const scopeDelta = new Map<SeriesInfo, number>();
    for (const r of tick.readings) {
      const regs = this.registersOf(r.deviceId);
      if (!regs) continue;
      const prep = this.prepare(regs);
      for (const c of prep.counters) {
        const scopes = this.scopes(r.deviceId, c.kind);
        for (const sc of scopes) if (!scopeDelta.has(sc)) scopeDelta.set(sc, 0);
        const v = r.ok ? r.values?.[c.key]?.value : undefined;
        if (typeof v !== 'number') continue;
        const scope = `device:${r.deviceId}`;
        const dev = registry.ensure({ name: counterSeriesName(scope, c.kind), kind: 'counter', scope, counter: c.kind, unit: counterUnit(c.kind), raw: true });
        const st = states.edit(dev.id);
        if (s <= st.lastSlotMs) continue;
        const prevSlot = st.lastSlotMs, prevValue = st.lastValue, prevOffset = st.offset;
        const res = correct(st, v, s, I, c.width);
        if (res.kind === 'missing') {
          if (res.raw !== undefined) this.write(dev, s, NaN, { flags: FLAG.HELD, raw: res.raw, offset0: prevOffset });
          continue;
        }
        if (res.kind === 'held') { this.write(dev, s, prevValue, { flags: FLAG.HELD, raw: res.raw, offset0: prevOffset }); continue; }
        let atSlot = res.delta;
        if (prevSlot >= 0 && s - prevSlot > I) atSlot -= this.fillGap(dev, scopes, prevSlot, prevValue, prevOffset, s, res.delta);
        this.write(dev, s, res.value, { flags: res.flags, ...(res.offset !== undefined ? { offset: res.offset } : {}), offset0: prevOffset });
        if (res.flags & (FLAG.RESET | FLAG.ROLLOVER | FLAG.REPLACED)) this.report.events++;
        for (const sc of scopes) scopeDelta.set(sc, scopeDelta.get(sc)! + atSlot);
      }
      if (prep.stats.length) this.applyStats(r, prep, s);
    }
    for (const [sc, d] of scopeDelta) {
      const st = states.edit(sc.id);
      if (st.lastSlotMs >= s) continue;
      const value = (st.lastSlotMs < 0 ? 0 : st.lastValue) + d;
      if (st.firstSlotMs < 0) { st.firstSlotMs = s; st.firstValue = value; }
      st.lastSlotMs = s; st.lastValue = value;
      this.write(sc, s, value, { offset0: 0 });
    }
  }

  private applyStats(r: Tick['readings'][number], prep: Prepared, s: number): void {
    for (const k of prep.stats) {
      const v = r.ok ? r.values?.[k.key]?.value : undefined;
      const seen = this.ctx.takeObserved?.(r.deviceId, k.key);
      const ok = typeof v === 'number' && Number.isFinite(v);
      if (!ok && !seen) continue;
      let avg = ok ? v : seen!.sum / seen!.count, min = avg, max = avg;
      if (seen && ok) { avg = (seen.sum + v) / (seen.count + 1); min = Math.min(seen.min, v); max = Math.max(seen.max, v); }
      else if (seen) { min = seen.min; max = seen.max; }
      const series = this.ctx.registry.ensure({ name: statSeriesName(r.deviceId, k.key), kind: 'statistic', scope: `device:${r.deviceId}`, key: k.key, unit: k.unit, quantum: k.quantum });
      this.ctx.stats.writeStat(bucketKey(dayOf(s), series.id), msInDay(s), this.ctx.intervalMs / MINUTE_MS, series.quantum!, avg, min, max);
    }
  }

  /**
   * Spreads `D` (the increment from `prevSlot` to `s`) over the sample-interval slots between
   * them, linearly in time, for the device and each of its scopes. Returns the part given to
   * the slots before `s`.
   */
  private fillGap(dev: SeriesInfo, scopes: SeriesInfo[], p: number, P: number, offset0: number, s: number, D: number): number {
    const I = this.ctx.intervalMs;
    const first = Math.ceil((p + 1) / I) * I;
    if (first >= s) return 0;
    const integral = Number.isInteger(D);
    const inc = (t: number): number => { const x = (D * (t - p)) / (s - p); return integral ? Math.round(x) : x; };
    let last = first;
    for (let t = first; t < s; t += I) {
      this.write(dev, t, P + inc(t), { flags: FLAG.ESTIMATED, offset0 });
      this.report.filledSlots++;
      last = t;
    }
    const stepInc = (t: number): number => (t < first ? 0 : inc(first + Math.floor((t - first) / I) * I));
    for (const sc of scopes) this.fillScope(sc, p, s, first, inc, stepInc);
    return inc(last);
  }

  private fillScope(sc: SeriesInfo, p: number, s: number, first: number, inc: (t: number) => number, stepInc: (t: number) => number): void {
    const I = this.ctx.intervalMs;
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
        cd.flags[i] |= FLAG.ESTIMATED;
        lastT = t; lastV = cd.values[i];
      }
    }
    if (lastT >= st.lastSlotMs) { st.lastSlotMs = lastT; st.lastValue = lastV; }
  }
}
