/**
 * @module store/history/stat-bucket
 * One UTC day of one statistic (avg/min/max of an instantaneous quantity) in one LMDB value,
 * quantized to the register's resolution (`quantum`, e.g. 0.01 V): what the meter can resolve
 * is kept exactly. Layout (little-endian):
 *
 *   0  u8   magic 0x5A
 *   1  u8   rate (minutes per slot)
 *   2  u8   bits: 2 dense
 *   3  u16  first present slot
 *   5  u16  n
 *   7  f64  quantum
 *  15  f64  last average, in quanta
 *  [bitmap, 1 bit per slot]     when not dense
 *   per present slot: zigzag varint (avg − previous avg), varint (avg − min), varint (max − avg)
 *
 * A voltage or power that moves a little between slots takes 3–5 bytes per slot for all three.
 */
import { ByteReader, ByteWriter } from './varint';
import { HistoryError } from './errors';

export const STAT_MAGIC = 0x5a;
const BIT_DENSE = 4;
const MAX_Q = 2 ** 50;

/** Values in quanta (integers); NaN where a slot has no value. */
export interface StatDay {
  rateMin: number;
  quantum: number;
  avg: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

export function emptyStatDay(rateMin: number, quantum: number): StatDay {
  const n = 1440 / rateMin;
  const nan = () => new Float64Array(n).fill(NaN);
  return { rateMin, quantum, avg: nan(), min: nan(), max: nan() };
}

/** Quantizes one slot; false if the values cannot be represented (non-finite, huge). */
export function setStat(day: StatDay, slot: number, avg: number, min: number, max: number): boolean {
  const q = day.quantum;
  const a = Math.round(avg / q);
  if (!Number.isFinite(a) || Math.abs(a) > MAX_Q) return false;
  const lo = Math.min(a, Math.round(min / q));
  const hi = Math.max(a, Math.round(max / q));
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || a - lo > MAX_Q || hi - a > MAX_Q) return false;
  day.avg[slot] = a; day.min[slot] = lo; day.max[slot] = hi;
  return true;
}

export function encodeStat(day: StatDay, w = new ByteWriter(256)): Uint8Array {
  w.len = 0;
  const slots = day.avg.length;
  const present: number[] = [];
  for (let i = 0; i < slots; i++) if (!Number.isNaN(day.avg[i])) present.push(i);
  const n = present.length;
  let dense = true;
  for (let k = 1; k < n; k++) if (present[k] !== present[k - 1] + 1) { dense = false; break; }
  w.u8(STAT_MAGIC);
  w.u8(day.rateMin);
  w.u8(dense ? BIT_DENSE : 0);
  w.u16(n > 0 ? present[0] : 0);
  w.u16(n);
  w.f64(day.quantum);
  w.f64(n > 0 ? day.avg[present[n - 1]] : 0);
  if (!dense) {
    const bytes = Math.ceil(slots / 8);
    w.ensure(bytes);
    w.buf.fill(0, w.len, w.len + bytes);
    for (const i of present) w.buf[w.len + (i >> 3)] |= 1 << (i & 7);
    w.len += bytes;
  }
  let prev = 0;
  for (const i of present) {
    const a = day.avg[i];
    w.zigzag(a - prev);
    w.varint(a - day.min[i]);
    w.varint(day.max[i] - a);
    prev = a;
  }
  return w.bytes();
}

export function decodeStat(bytes: Uint8Array): StatDay {
  const r = new ByteReader(bytes);
  if (bytes.length < 23 || r.u8() !== STAT_MAGIC) throw new HistoryError('bad-bucket', 'not a statistics bucket');
  const rateMin = r.u8();
  const bits = r.u8();
  const first = r.u16();
  const n = r.u16();
  const quantum = r.f64();
  r.f64();
  const day = emptyStatDay(rateMin, quantum);
  const slots = day.avg.length;
  const present: number[] = [];
  if (bits & BIT_DENSE) for (let k = 0; k < n; k++) present.push(first + k);
  else {
    for (let i = 0; i < slots; i++) if (bytes[r.pos + (i >> 3)] & (1 << (i & 7))) present.push(i);
    r.pos += Math.ceil(slots / 8);
  }
  let prev = 0;
  for (const i of present) {
    const a = prev + r.zigzag();
    day.avg[i] = a;
    day.min[i] = a - r.varint();
    day.max[i] = a + r.varint();
    prev = a;
  }
  return day;
}

/** Appends the next slot of a dense day in place; false when the slow path is needed. */
export function appendStat(w: ByteWriter, slot: number, quantum: number, avg: number, min: number, max: number): boolean {
  const b = w.buf;
  if (!(b[2] & BIT_DENSE)) return false;
  const first = w.view.getUint16(3, true);
  const n = w.view.getUint16(5, true);
  if (n === 0 || slot !== first + n || slot >= 1440 / b[1] || w.view.getFloat64(7, true) !== quantum) return false;
  const a = Math.round(avg / quantum);
  const lo = Math.min(a, Math.round(min / quantum));
  const hi = Math.max(a, Math.round(max / quantum));
  if (!Number.isFinite(a + lo + hi) || Math.abs(a) > MAX_Q || a - lo > MAX_Q || hi - a > MAX_Q) return false;
  w.zigzag(a - w.view.getFloat64(15, true));
  w.varint(a - lo);
  w.varint(hi - a);
  w.view.setUint16(5, n + 1, true);
  w.view.setFloat64(15, a, true);
  return true;
}

/** Re-grids to a finer rate (a divisor of the day's own). */
export function regridStat(day: StatDay, rateMin: number): StatDay {
  const f = day.rateMin / rateMin;
  const out = emptyStatDay(rateMin, day.quantum);
  day.avg.forEach((a, i) => { out.avg[i * f] = a; out.min[i * f] = day.min[i]; out.max[i * f] = day.max[i]; });
  return out;
}

/** Thins a day to hourly slots: mean of the averages, min of the minima, max of the maxima. */
export function thinToHourly(day: StatDay): StatDay {
  if (day.rateMin >= 60) return day;
  const per = 60 / day.rateMin;
  const out = emptyStatDay(60, day.quantum);
  for (let h = 0; h < 24; h++) {
    let sum = 0, count = 0, lo = Infinity, hi = -Infinity;
    for (let i = h * per; i < (h + 1) * per; i++) {
      if (Number.isNaN(day.avg[i])) continue;
      sum += day.avg[i]; count++;
      lo = Math.min(lo, day.min[i]); hi = Math.max(hi, day.max[i]);
    }
    if (count === 0) continue;
    out.avg[h] = Math.round(sum / count); out.min[h] = lo; out.max[h] = hi;
  }
  return out;
}
