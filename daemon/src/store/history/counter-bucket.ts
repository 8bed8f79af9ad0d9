/**
 * @module store/history/counter-bucket
 * One UTC day of one counter series in one LMDB value. Layout (little-endian):
 *
 *   0  u8   magic 0xC1
 *   1  u8   rate (minutes per slot; the day has 1440/rate slots)
 *   2  u8   bits: 0-1 delta mode (0 varint, 1 varint of thousandths, 2 float64, 3 all zero),
 *              2 dense (present slots are first…first+n−1), 3 has raw register,
 *              4 has offset0, 5 has events
 *   3  u16  first present slot
 *   5  u16  n, number of present slots
 *   7  f64  corrected counter at the last present slot
 *  [f64 offset0]                corrected − raw at the start of the day (raw kept, nonzero)
 *  [bitmap, 1 bit per slot]     when not dense
 *  [events]                     varint count, (varint slot, u8 flags)…; varint count,
 *                               (varint slot, f64 offset from there on)…; varint count,
 *                               (varint slot, f64 raw reading that is not value − offset)…
 *   deltas                      n−1 increments between consecutive present slots
 *
 * The counter is float64 (never float32), stored as its last value plus increments: a day of a
 * typical meter at 15 min is ~200 bytes. Appending the next slot of a dense day only writes an
 * increment at the end and patches the header (`appendCounter`).
 */
import { ByteReader, ByteWriter } from './varint';
import { HistoryError } from './errors';

/** Slot flags (STO-4). */
export const FLAG = {
  /** Value spread over a gap (device offline, zero reading, replacement estimate), not read. */
  ESTIMATED: 1,
  /** The counter restarted from zero here. */
  RESET: 2,
  /** A new meter (or an explicit re-baseline) starts here. */
  REPLACED: 4,
  /** The register wrapped around its width here. */
  ROLLOVER: 8,
  /** The reading was rejected (dip, zero, sentinel, unconfirmed jump); its raw value is kept. */
  HELD: 16,
} as const;

export const COUNTER_MAGIC = 0xc1;
const MODE_INT = 0, MODE_MILLI = 1, MODE_F64 = 2, MODE_ZERO = 3;
const BIT_DENSE = 4, BIT_RAW = 8, BIT_OFFSET0 = 16, BIT_EVENTS = 32;
const HEADER = 15;

export interface CounterDay {
  rateMin: number;
  /** Corrected running counter per slot; NaN where the slot has no value. */
  values: Float64Array;
  flags: Uint8Array;
  /** Device series keep their raw register (derivable as value − offset). */
  hasRaw: boolean;
  /** corrected − raw at the start of the day. */
  offset0: number;
  /** slot → corrected − raw from this slot on (resets, rollovers, replacements). */
  offsets: Map<number, number>;
  /** slot → raw reading where it is not value − offset (held readings). */
  raw: Map<number, number>;
}

export function emptyCounterDay(rateMin: number, hasRaw: boolean, offset0 = 0): CounterDay {
  const n = 1440 / rateMin;
  return { rateMin, values: new Float64Array(n).fill(NaN), flags: new Uint8Array(n), hasRaw, offset0, offsets: new Map(), raw: new Map() };
}

const isMilli = (d: number): boolean => {
  const m = d * 1000;
  return d >= 0 && Math.abs(m - Math.round(m)) < 1e-6 && m < 2 ** 52;
};

export function encodeCounter(day: CounterDay, w = new ByteWriter(256)): Uint8Array {
  w.len = 0;
  const { values } = day;
  const slots = values.length;
  const present: number[] = [];
  for (let i = 0; i < slots; i++) if (!Number.isNaN(values[i])) present.push(i);
  const n = present.length;
  let dense = true;
  for (let k = 1; k < n; k++) if (present[k] !== present[k - 1] + 1) { dense = false; break; }
  let mode = MODE_ZERO;
  for (let k = 1; k < n; k++) {
    const d = values[present[k]] - values[present[k - 1]];
    if (d === 0) continue;
    if (mode === MODE_ZERO || mode === MODE_INT) mode = Number.isInteger(d) && d > 0 && d < 2 ** 53 ? MODE_INT : isMilli(d) ? MODE_MILLI : MODE_F64;
    else if (mode === MODE_MILLI && !isMilli(d)) mode = MODE_F64;
    if (mode === MODE_F64) break;
  }
  const events: Array<[number, number]> = [];
  for (let i = 0; i < slots; i++) if (day.flags[i]) events.push([i, day.flags[i]]);
  const hasEvents = events.length > 0 || day.offsets.size > 0 || day.raw.size > 0;
  const hasOffset0 = day.hasRaw && day.offset0 !== 0;
  w.u8(COUNTER_MAGIC);
  w.u8(day.rateMin);
  w.u8(mode | (dense ? BIT_DENSE : 0) | (day.hasRaw ? BIT_RAW : 0) | (hasOffset0 ? BIT_OFFSET0 : 0) | (hasEvents ? BIT_EVENTS : 0));
  w.u16(n > 0 ? present[0] : 0);
  w.u16(n);
  w.f64(n > 0 ? values[present[n - 1]] : NaN);
  if (hasOffset0) w.f64(day.offset0);
  if (!dense) {
    const bytes = Math.ceil(slots / 8);
    w.ensure(bytes);
    const start = w.len;
    w.buf.fill(0, start, start + bytes);
    for (const i of present) w.buf[start + (i >> 3)] |= 1 << (i & 7);
    w.len += bytes;
  }
  if (hasEvents) {
    w.varint(events.length);
    for (const [i, f] of events) { w.varint(i); w.u8(f); }
    const offs = [...day.offsets].sort((a, b) => a[0] - b[0]);
    w.varint(offs.length);
    for (const [i, o] of offs) { w.varint(i); w.f64(o); }
    const raws = [...day.raw].sort((a, b) => a[0] - b[0]);
    w.varint(raws.length);
    for (const [i, r] of raws) { w.varint(i); w.f64(r); }
  }
  for (let k = 1; k < n && mode !== MODE_ZERO; k++) {
    const d = values[present[k]] - values[present[k - 1]];
    if (mode === MODE_INT) w.varint(d);
    else if (mode === MODE_MILLI) w.varint(Math.round(d * 1000));
    else w.f64(d);
  }
  return w.bytes();
}

interface Header { rateMin: number; mode: number; bits: number; first: number; n: number; last: number; offset0: number; slots: number }

function readHeader(r: ByteReader): Header {
  if (r.buf.length < HEADER || r.u8() !== COUNTER_MAGIC) throw new HistoryError('bad-bucket', 'not a counter bucket');
  const rateMin = r.u8();
  const bits = r.u8();
  const first = r.u16();
  const n = r.u16();
  const last = r.f64();
  const offset0 = bits & BIT_OFFSET0 ? r.f64() : 0;
  return { rateMin, mode: bits & 3, bits, first, n, last, offset0, slots: 1440 / rateMin };
}

function presentSlots(r: ByteReader, h: Header): number[] {
  const out: number[] = [];
  if (h.bits & BIT_DENSE) { for (let k = 0; k < h.n; k++) out.push(h.first + k); return out; }
  const bytes = Math.ceil(h.slots / 8);
  for (let i = 0; i < h.slots; i++) if (r.buf[r.pos + (i >> 3)] & (1 << (i & 7))) out.push(i);
  r.pos += bytes;
  return out;
}

function readDelta(r: ByteReader, mode: number): number {
  if (mode === MODE_INT) return r.varint();
  if (mode === MODE_MILLI) return r.varint() / 1000;
  if (mode === MODE_F64) return r.f64();
  return 0;
}

function skipEvents(r: ByteReader, h: Header): void {
  if (!(h.bits & BIT_EVENTS)) return;
  let c = r.varint();
  for (let k = 0; k < c; k++) { r.varint(); r.pos += 1; }
  c = r.varint();
  for (let k = 0; k < c; k++) { r.varint(); r.pos += 8; }
  c = r.varint();
  for (let k = 0; k < c; k++) { r.varint(); r.pos += 8; }
}

export function decodeCounter(bytes: Uint8Array): CounterDay {
  const r = new ByteReader(bytes);
  const h = readHeader(r);
  const day = emptyCounterDay(h.rateMin, (h.bits & BIT_RAW) !== 0, h.offset0);
  const present = presentSlots(r, h);
  if (h.bits & BIT_EVENTS) {
    let c = r.varint();
    for (let k = 0; k < c; k++) { const i = r.varint(); day.flags[i] = r.u8(); }
    c = r.varint();
    for (let k = 0; k < c; k++) { const i = r.varint(); day.offsets.set(i, r.f64()); }
    c = r.varint();
    for (let k = 0; k < c; k++) { const i = r.varint(); day.raw.set(i, r.f64()); }
  }
  if (h.n === 0) return day;
  const deltas = new Float64Array(h.n);
  for (let k = 1; k < h.n; k++) deltas[k] = readDelta(r, h.mode);
  let v = h.last;
  for (let k = h.n - 1; k >= 0; k--) { day.values[present[k]] = v; v -= deltas[k]; }
  return day;
}

/** Out-parameter of `counterAtOrBefore`: the slot the value was found at. */
export const found = { slot: -1 };

/**
 * The corrected counter at the latest present slot ≤ `slot` of an encoded day, or NaN; reads
 * without allocating (the query hot path).
 */
export function counterAtOrBefore(bytes: Uint8Array, slot: number): number {
  const r = new ByteReader(bytes);
  const h = readHeader(r);
  if (h.n === 0) return NaN;
  let k: number;
  if (h.bits & BIT_DENSE) {
    if (slot < h.first) return NaN;
    k = Math.min(slot, h.first + h.n - 1) - h.first;
    found.slot = h.first + k;
  } else {
    k = -1;
    const base = r.pos;
    for (let i = 0; i <= slot && i < h.slots; i++) {
      if (r.buf[base + (i >> 3)] & (1 << (i & 7))) { k++; found.slot = i; }
    }
    r.pos += Math.ceil(h.slots / 8);
    if (k < 0) return NaN;
  }
  if (k === h.n - 1 || h.mode === MODE_ZERO) return h.last;
  skipEvents(r, h);
  let after = 0;
  for (let j = 1; j < h.n; j++) {
    const d = readDelta(r, h.mode);
    if (j > k) after += d;
  }
  return h.last - after;
}

/** Rate (minutes) of an encoded day. */
export const counterRateMin = (bytes: Uint8Array): number => bytes[1];

/**
 * Appends `value` at `slot` in place when it is the next slot of a dense day and its increment
 * fits the day's mode; false otherwise (the caller decodes and re-encodes).
 */
export function appendCounter(w: ByteWriter, slot: number, value: number): boolean {
  const b = w.buf;
  const bits = b[2];
  if (!(bits & BIT_DENSE)) return false;
  const first = w.view.getUint16(3, true);
  const n = w.view.getUint16(5, true);
  if (n === 0 || slot !== first + n || slot >= 1440 / b[1]) return false;
  const d = value - w.view.getFloat64(7, true);
  const mode = bits & 3;
  if (mode === MODE_ZERO) {
    if (d !== 0) {
      // a one-slot day has no increments yet: it can still become an integer day in place
      if (n !== 1 || !(Number.isInteger(d) && d > 0 && d < 2 ** 53)) return false;
      b[2] = (bits & ~3) | MODE_INT;
      w.varint(d);
    }
  }
  else if (mode === MODE_INT) { if (!(Number.isInteger(d) && d >= 0 && d < 2 ** 53)) return false; w.varint(d); }
  else if (mode === MODE_MILLI) { if (!isMilli(d)) return false; w.varint(Math.round(d * 1000)); }
  else w.f64(d);
  w.view.setUint16(5, n + 1, true);
  w.view.setFloat64(7, value, true);
  return true;
}

/** Re-grids a day to a finer rate (a divisor of its own): values keep their instants. */
export function regridCounter(day: CounterDay, rateMin: number): CounterDay {
  const f = day.rateMin / rateMin;
  const out = emptyCounterDay(rateMin, day.hasRaw, day.offset0);
  day.values.forEach((v, i) => { out.values[i * f] = v; out.flags[i * f] = day.flags[i]; });
  for (const [i, o] of day.offsets) out.offsets.set(i * f, o);
  for (const [i, r] of day.raw) out.raw.set(i * f, r);
  return out;
}

/** corrected − raw in force at `slot`. */
export function offsetAt(day: CounterDay, slot: number): number {
  let best = -1, off = day.offset0;
  for (const [i, o] of day.offsets) if (i <= slot && i > best) { best = i; off = o; }
  return off;
}
