/**
 * @module store/history/read
 * Reading counters back: the corrected counter at an instant (the value of the latest slot at or
 * before it, so consumption over any span is two reads), the slots of a span with their raw
 * register and flags, and statistics (sample-rate buckets where kept, hourly ones before).
 */
import { counterAtOrBefore, decodeCounter, offsetAt, type CounterDay } from './counter-bucket';
import { readStat, statDays, type StatDay } from './stat-bucket';
import type { CounterState } from './correction';
import type { BucketDb } from './buckets';
import { DAY_MS, MINUTE_MS, bucketKey, dayOf, hourlyBlockDay } from './keys';

export type BucketSource = (key: number) => CounterDay | Uint8Array | undefined;

/**
 * The corrected counter at the latest present slot ≤ `ms` (NaN before the series' first value
 * or the retained range). `st` short-cuts the common cases without reading a bucket.
 */
export function counterAt(source: BucketSource, id: number, st: CounterState | undefined, ms: number, minDay: number): number {
  if (!st || st.lastSlotMs < 0 || ms < st.firstSlotMs) return NaN;
  if (ms >= st.lastSlotMs) return st.lastValue;
  const stop = Math.max(dayOf(st.firstSlotMs), minDay);
  const day0 = dayOf(ms);
  for (let day = day0; day >= stop; day--) {
    const b = source(bucketKey(day, id));
    if (!b) continue;
    const inDay = day === day0 ? ms - day * DAY_MS : DAY_MS - 1;
    if (b instanceof Uint8Array) {
      const v = counterAtOrBefore(b, Math.floor(inDay / (b[1] * MINUTE_MS)));
      if (!Number.isNaN(v)) return v;
    } else {
      for (let i = Math.floor(inDay / (b.rateMin * MINUTE_MS)); i >= 0; i--) if (!Number.isNaN(b.values[i])) return b.values[i];
    }
  }
  return NaN;
}

export interface CounterSlot {
  slotMs: number;
  /** Corrected running counter (Wh or dm³); null where the slot has none. */
  value: number | null;
  /** The register as read; null where nothing was read (estimated or offline). */
  raw: number | null;
  /** FLAG bits. */
  flags: number;
}

/** Every slot with a value, a flag or a raw reading in [fromMs, toMs). */
export function counterSlots(db: BucketDb, id: number, fromMs: number, toMs: number): CounterSlot[] {
  const out: CounterSlot[] = [];
  for (let day = dayOf(fromMs); day * DAY_MS < toMs; day++) {
    const bytes = db.getBinary(bucketKey(day, id));
    if (!bytes) continue;
    const d = decodeCounter(bytes);
    const R = d.rateMin * MINUTE_MS;
    d.values.forEach((v, i) => {
      const t = day * DAY_MS + i * R;
      if (t < fromMs || t >= toMs) return;
      const has = !Number.isNaN(v);
      const raw = d.raw.get(i);
      if (!has && !d.flags[i] && raw === undefined) return;
      const derived = d.hasRaw && has && !(d.flags[i] & 1) ? v - offsetAt(d, i) : null;
      out.push({ slotMs: t, value: has ? v : null, raw: raw ?? derived, flags: d.flags[i] });
    });
  }
  return out;
}

export interface StatSlot { slotMs: number; rateMin: number; avg: number; min: number; max: number }

/** Statistic slots in [fromMs, toMs): at the sample rate where kept, hourly (weekly blocks) before. */
export function statSlots(stats: BucketDb, hourly: BucketDb, id: number, fromMs: number, toMs: number): StatSlot[] {
  const out: StatSlot[] = [];
  let block: { day0: number; d: StatDay | undefined } | undefined;
  for (let day = dayOf(fromMs); day * DAY_MS < toMs; day++) {
    const own = stats.getBinary(bucketKey(day, id));
    let d: StatDay | undefined, offset = 0;
    if (own) d = readStat(own);
    else {
      const day0 = hourlyBlockDay(day);
      if (block?.day0 !== day0) {
        const bytes = hourly.getBinary(bucketKey(day0, id));
        block = { day0, d: bytes ? readStat(bytes) : undefined };
      }
      if (block.d && day - day0 < statDays(block.d)) { d = block.d; offset = day - day0; }
      else {
        // a bucket of one day (stores written before the weekly blocks, until migrated)
        const bytes = day === day0 ? undefined : hourly.getBinary(bucketKey(day, id));
        if (bytes) d = readStat(bytes);
      }
    }
    if (!d) continue;
    const R = d.rateMin * MINUTE_MS;
    const q = d.quantum;
    const round = (x: number) => Math.round(x * q * 1e9) / 1e9;
    const per = 1440 / d.rateMin;
    for (let i = offset * per; i < (offset + 1) * per && i < d.avg.length; i++) {
      const a = d.avg[i];
      const t = day * DAY_MS + (i - offset * per) * R;
      if (Number.isNaN(a) || t < fromMs || t >= toMs) continue;
      out.push({ slotMs: t, rateMin: d.rateMin, avg: round(a), min: round(d.min[i]), max: round(d.max[i]) });
    }
  }
  return out;
}
