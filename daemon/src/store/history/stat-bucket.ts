/**
 * @module store/history/stat-bucket
 * One UTC day of one statistic (avg/min/max of an instantaneous quantity) in one LMDB value,
 * quantized to the resolution the quantity really has (`quantum`, see `statQuantum`: 0.1 V,
 * 0.01 A, 1 W…, or the register's own when coarser). Two layouts:
 *
 * - open (0x5A): the day being written, appended in place at each tick (`appendStat`);
 * - sealed (0x5B, `sealStat`): a past day, or a weekly block of days thinned to hourly
 *   (`HOURLY_BLOCK_DAYS`), bit-packed with adaptive Rice codes; written once the day is over.
 *
 * Resolution. Voltage, frequency, power factor, THD and temperature keep their unit's absolute
 * resolution (`UNIT_RESOLUTION`). A load-dependent quantity (`RELATIVE_UNITS`: W, var, VA, A) is
 * measured by its meter to a share of the reading (class 1: ±1 %, from 10 % of the base current),
 * so 1 W at 20 kW is 200 times finer than the meter knows it: a sealed bucket of one stores it at
 * `RELATIVE_RESOLUTION` (0.1 %) of the bucket's own peak |value|, a 1-2-5 step (20 W for a 20 kW
 * peak; 1 W up to 2.5 kW). The rounding error, ≤ 0.05 % of the peak, stays within half the class-1
 * limit for every reading down to 10 % of the peak. The open day keeps the series' quantum.
 *
 * Open layout (little-endian):
 *
 *   0  u8   magic 0x5A
 *   1  u8   rate (minutes per slot)
 *   2  u8   bits: 4 dense, 8 load-dependent (relative quantum once sealed)
 *   3  u16  first present slot
 *   5  u16  n
 *   7  f64  quantum
 *  15  f64  last average, in quanta
 *  [bitmap, 1 bit per slot]     when not dense
 *   per present slot: zigzag varint (avg − previous avg), varint (avg − min), varint (max − avg)
 *
 * Sealed layout (format 3 and 4; format 5 below):
 *
 *  0  u8   magic 0x5B
 *  1  u8   rate (minutes per slot)
 *  2  u8   days covered (1, or the hourly block's length)
 *  3  u8   bits: 1 dense, 2 spread (some min or max differs from the average), 4 EMA predictor,
 *           8 load-dependent, 16 and 32: avg − min, max − avg against a moving mean,
 *           64 the range layout (format 4): 16 the range against a moving mean, 32 the average's
 *           Rice parameter from the slot before's range, 128 companded (format 5, below)
 *  4  u8   quantum: 115 + k → 10^(k − 12), 140 + k → 2 × 10^(k − 12), 165 + k → 5 × 10^(k − 12)
 *           (k = 0…24), or 0xFF followed by f64; companded: the step at zero
 *     varint first present slot, varint n, [bitmap when not dense]
 *     zigzag varint first average; u8 starting Rice parameter of the averages (and, with spread,
 *     of avg − min and of max − avg; in the range layout of the range)
 *     bit stream, per present slot: the average's residual (zigzag; none for the first)
 *     against the previous average or a moving mean (whichever is shorter for this bucket),
 *     then, with spread, either
 *     - avg − min and max − avg (each as is, or as its zigzag residual against a moving mean), or
 *     - (range layout) the range max − min (as is or against a moving mean), then the average's
 *       position in it: zigzag(avg − min − ⌈range / 2⌉) in a Rice code whose parameter follows
 *       from the range (`posK`); with bit 32 the average's residual is coded with the Rice
 *       parameter of the slot before's range (`ctxK`) instead of the adaptive one,
 *     whichever of these is shortest for this bucket.
 *
 * Sealed layout, format 5 (0x5C): the same bit stream after a compact header:
 *
 *  0  u8   magic 0x5C
 *  1  u8   bits, as above
 *  2  u8   shape: days covered in bits 0–2 (0: a u8 follows), 8 every slot present (no first
 *           slot, n or bitmap), 16 the Rice parameters as nibbles, bits 5–7 the rate
 *           (1, 5, 10, 15, 20, 30, 60 min; 0: a u8 follows)
 *     [u8 days] [u8 rate], u8 quantum [f64], then as above from "varint first present slot" (those
 *     two varints only when not every slot is present), the Rice parameters two to a byte when
 *     they all fit in 4 bits
 *
 * Companded (format 5, bit 128). A load-dependent quantity is sealed on a grid whose step follows
 * the reading, as its meter's accuracy does (class 1: ±1 % of the reading): the stored integers are
 * k = round(asinh(x / c) / δ) (`COMPAND_STEP` δ = 0.7 %, c = q / δ, q the bucket's quantum: the
 * series' 1 W, 0.01 A…), so a reading x is kept to a step of √((δx)² + q²): 0.7 % of the reading
 * above c (143 W for 1 W), q near zero (through zero for an exporting meter). The rounding error is
 * at most 0.355 % of the reading plus q (half a step, then the decoded value's rounding). The
 * grid depends on the series alone, not on the bucket's values: an open day is read on the grid it
 * will be sealed on (`readStat`), so what the API and the history files show does not change when the day is
 * sealed, and thinning to hourly keeps each hour's min and max as they were. asinh is monotonic, so
 * min ≤ avg ≤ max stays true, and the integers go through the same predictors and Rice codes as
 * the linear layout's quanta. Decoded, a bucket's values are in q, each rounded to q or to a
 * power of ten within a hundredth of its own step (16 760 W, not 16 763.4 W, where the step is
 * 117 W); sealing a decoded bucket again (`compandStep`) gives the same bucket. Format 3 and 4
 * stored these quantities linearly at 0.1 % of the bucket's peak (`sealQuantum`).
 *
 * A quantity that moves a little between slots and is read once per slot takes about a byte.
 */
import { ByteReader, ByteWriter } from './varint';
import { BitReader, BitWriter, RiceState, riceK0, riceRead, riceWrite, unzigzag, zigzag } from './bits';
import { HistoryError } from './errors';

export const STAT_MAGIC = 0x5a;
export const SEALED_MAGIC = 0x5b;
/** The sealed layout's compact header (format 5). */
export const SEALED5_MAGIC = 0x5c;
/** Format 5's shape byte: days (0: a u8 follows), every slot present, Rice parameters as nibbles, rate code. */
const SH_DAYS = 7, SH_FULL = 8, SH_NIBBLES = 16;
/** Rates (minutes) a shape byte names by index 1–7 (0: a u8 rate follows). */
const RATE_CODES = [0, 1, 5, 10, 15, 20, 30, 60];
const S_DENSE = 1, S_SPREAD = 2, S_EMA = 4, S_RELATIVE = 8, S_LO_EMA = 16, S_HI_EMA = 32, S_RANGE = 64, S_COMPAND = 128;
const BIT_DENSE = 4, BIT_RELATIVE = 8;
/** Bytes of the open layout's header (its bitmap, when not dense, follows). */
const OPEN_HEADER = 23;
const MAX_Q = 2 ** 50;

/**
 * The resolution a quantity really has, per unit: finer digits of a register are below what the
 * meter measures (class 0.5 to 1: ±1 V on 230 V, ±1 % of a current or a power).
 */
export const UNIT_RESOLUTION: Readonly<Record<string, number>> = {
  V: 0.1, A: 0.01, W: 1, var: 1, VA: 1, Hz: 0.01, '%': 0.1, '': 0.001, degC: 0.1,
};

/**
 * Units of quantities that scale with the load (a power, a current): their accuracy is a share of
 * the reading (class 1: ±1 %, class 0.5: ±0.5 %, from 10 % of the base current up), so a sealed
 * bucket may store them at a quantum relative to its own peak (`sealQuantum`). Voltage, frequency,
 * power factor, THD and temperature keep their absolute resolution.
 */
export const RELATIVE_UNITS: ReadonlySet<string> = new Set(['W', 'var', 'VA', 'A']);

/**
 * Share of a sealed bucket's peak |value| its load-dependent quantity is stored at: the rounding
 * error (half a quantum, ≤ 0.05 % of the peak) stays at or below half the class-1 limit (±1 % of the
 * reading) for every reading down to 10 % of the peak, where class limits start to apply.
 */
export const RELATIVE_RESOLUTION = 0.001;

/** The quantum a statistic is stored at: the unit's resolution, or the register's when coarser. */
export function statQuantum(unit: string, type: string, scale: number): number {
  const res = UNIT_RESOLUTION[unit];
  const reg = type === 'float32' ? 0 : scale;
  if (res === undefined) return reg || 0.001;
  return Math.max(res, reg);
}

/** Values in quanta (integers); NaN where a slot has no value. */
export interface StatDay {
  rateMin: number;
  quantum: number;
  avg: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** A load-dependent quantity (`RELATIVE_UNITS`): sealed at a quantum relative to its peak. */
  relative?: boolean;
  /** Decoded from a companded bucket: its step at zero (sealing again keeps its grid). */
  compandStep?: number;
}

export function emptyStatDay(rateMin: number, quantum: number, days = 1, relative = false): StatDay {
  const n = (days * 1440) / rateMin;
  const nan = () => new Float64Array(n).fill(NaN);
  return { rateMin, quantum, avg: nan(), min: nan(), max: nan(), ...(relative ? { relative } : {}) };
}

/** Days a bucket covers (1, or an hourly block's length). */
export const statDays = (day: StatDay): number => Math.round((day.avg.length * day.rateMin) / 1440);

/** The largest 1, 2 or 5 × 10^e not above x. */
function step125(x: number): number {
  const b = 10 ** Math.floor(Math.log10(x));
  for (const m of [5, 2]) if (m * b <= x * (1 + 1e-9)) return Number((m * b).toPrecision(1));
  return Number(b.toPrecision(1));
}

/**
 * The quantum a bucket is sealed at: its own, or for a load-dependent quantity
 * `RELATIVE_RESOLUTION` of the bucket's peak (a 1-2-5 step) when that is more than 2.5 times
 * coarser, so that sealing a sealed bucket again keeps its quantum.
 */
export function sealQuantum(day: StatDay): number {
  if (!day.relative) return day.quantum;
  let peak = 0;
  for (let i = 0; i < day.avg.length; i++) {
    if (Number.isNaN(day.avg[i])) continue;
    peak = Math.max(peak, Math.abs(day.min[i]), Math.abs(day.max[i]));
  }
  if (!(peak > 0)) return day.quantum;
  const q = step125(RELATIVE_RESOLUTION * peak * day.quantum);
  return q > 2.5 * day.quantum ? q : day.quantum;
}

/** δ: a companded bucket keeps a reading above its knee (q / δ) to this share of itself. */
export const COMPAND_STEP = 0.007;
/** Decoded, each value is rounded to q or to a power of ten within this fraction of its own step. */
const COMPAND_DIGITS = 100;

/**
 * The step at zero a load-dependent bucket is companded with (format 5): the one it was decoded
 * from, else its quantum (the series'); undefined for other quantities.
 */
function compandStepOf(day: StatDay): number | undefined {
  if (!day.relative) return undefined;
  return day.compandStep ?? day.quantum;
}

/** The bucket on the companded grid of step at zero `step`: integers k = round(asinh(x / c) / δ). */
function compand(day: StatDay, step: number): StatDay {
  const q = day.quantum;
  const out = emptyStatDay(day.rateMin, step, statDays(day), true);
  const k = (v: number) => gridK(v * q, step);
  for (let i = 0; i < day.avg.length; i++) {
    if (Number.isNaN(day.avg[i])) continue;
    out.avg[i] = k(day.avg[i]); out.min[i] = k(day.min[i]); out.max[i] = k(day.max[i]);
  }
  return out;
}

/**
 * Back from the companded grid (`day.quantum` is its step at zero q), in q: each value rounded to
 * q, or to the largest power of ten within a hundredth of its own step when that is coarser
 * (16 760 W, not 16 763.4 W, where the step is 117 W). Less than half a step from the grid point it
 * came from (rounding to q moves a point by at most q / 2, and the step is more than q away from
 * zero, where the points are whole multiples of q), a value sealed again falls on the same integer.
 */
function expand(day: StatDay): StatDay {
  const q = day.quantum;
  for (let i = 0; i < day.avg.length; i++) {
    if (Number.isNaN(day.avg[i])) continue;
    day.avg[i] = gridQuanta(day.avg[i], q); day.min[i] = gridQuanta(day.min[i], q); day.max[i] = gridQuanta(day.max[i], q);
  }
  return { ...day, compandStep: q };
}

/** Grid point `k` of step at zero `q`, in q, rounded as `expand` says. */
function gridQuanta(k: number, q: number): number {
  const c = q / COMPAND_STEP, v = c * Math.sinh(k * COMPAND_STEP);
  let p = 1;
  if (QUANTUM_CODES.has(q)) {
    const pow = 10 ** Math.floor(Math.log10((COMPAND_STEP * Math.hypot(v, c)) / COMPAND_DIGITS));
    if (pow > q) p = Math.round(pow / q);
  }
  return Math.round(v / q / p) * p;
}

/**
 * The value a reading `value` of a load-dependent series of quantum `quantum` shows once stored
 * (`readStat`, the API, the history files): its point on the series' companded grid.
 */
export function gridValue(value: number, quantum: number): number {
  return gridQuanta(gridK(value, quantum), quantum) * quantum;
}

/** The grid point of a value (real units) on the grid of step at zero `step`. */
const gridK = (value: number, step: number): number => Math.round(Math.asinh(value / (step / COMPAND_STEP)) / COMPAND_STEP);

/** One slot in quanta [avg, min, max]; undefined if it cannot be represented (non-finite, huge). */
function quantize(q: number, avg: number, min: number, max: number): [number, number, number] | undefined {
  const a = Math.round(avg / q);
  const lo = Math.min(a, Math.round(min / q));
  const hi = Math.max(a, Math.round(max / q));
  if (!Number.isFinite(a + lo + hi) || Math.abs(a) > MAX_Q || a - lo > MAX_Q || hi - a > MAX_Q) return undefined;
  return [a, lo, hi];
}

/** Quantizes one slot; false if the values cannot be represented (non-finite, huge). */
export function setStat(day: StatDay, slot: number, avg: number, min: number, max: number): boolean {
  const v = quantize(day.quantum, avg, min, max);
  if (!v) return false;
  [day.avg[slot], day.min[slot], day.max[slot]] = v;
  return true;
}

/** Encodes a one-day bucket in the open (appendable) layout. */
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
  w.u8((dense ? BIT_DENSE : 0) | (day.relative ? BIT_RELATIVE : 0));
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

/** Decodes a bucket of either layout. */
export function decodeStat(bytes: Uint8Array): StatDay {
  if (isSealed(bytes)) return unsealStat(bytes);
  const r = new ByteReader(bytes);
  if (bytes.length < OPEN_HEADER || r.u8() !== STAT_MAGIC) throw new HistoryError('bad-bucket', 'not a statistics bucket');
  const rateMin = r.u8();
  const bits = r.u8();
  const first = r.u16();
  const n = r.u16();
  const quantum = r.f64();
  r.f64();
  const day = emptyStatDay(rateMin, quantum, 1, (bits & BIT_RELATIVE) !== 0);
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

/**
 * Appends a slot after the last present one, in place; false when the slow path is needed (the
 * slot is not after the last one, another quantum, values that cannot be represented). After a
 * gap (the daemon was stopped, a device did not answer) a dense day gets its bitmap inserted, so
 * the first tick after a gap does not decode and re-encode every bucket it touches.
 */
export function appendStat(w: ByteWriter, slot: number, quantum: number, avg: number, min: number, max: number): boolean {
  const b = w.buf;
  if (b[0] !== STAT_MAGIC || w.len < OPEN_HEADER) return false;
  const slots = 1440 / b[1];
  const first = w.view.getUint16(3, true);
  const n = w.view.getUint16(5, true);
  if (!Number.isInteger(slot) || slot < 0 || slot >= slots || w.view.getFloat64(7, true) !== quantum) return false;
  const v = quantize(quantum, avg, min, max);
  if (!v) return false;
  const [a, lo, hi] = v;
  const mapBytes = Math.ceil(slots / 8);
  if (b[2] & BIT_DENSE) {
    if (n === 0) w.view.setUint16(3, slot, true);
    else if (slot < first + n) return false;
    else if (slot > first + n) {
      // a gap: the day becomes sparse, its bitmap goes in after the header
      w.ensure(mapBytes);
      const m = w.buf;
      m.copyWithin(OPEN_HEADER + mapBytes, OPEN_HEADER, w.len);
      m.fill(0, OPEN_HEADER, OPEN_HEADER + mapBytes);
      for (let i = first; i < first + n; i++) m[OPEN_HEADER + (i >> 3)] |= 1 << (i & 7);
      m[OPEN_HEADER + (slot >> 3)] |= 1 << (slot & 7);
      m[2] &= ~BIT_DENSE;
      w.len += mapBytes;
    }
  } else {
    if (w.len < OPEN_HEADER + mapBytes) return false;
    // no present slot at or after this one: the bits from `slot` up, a byte at a time
    if (b[OPEN_HEADER + (slot >> 3)] & (0xff << (slot & 7))) return false;
    for (let k = (slot >> 3) + 1; k < mapBytes; k++) if (b[OPEN_HEADER + k]) return false;
    b[OPEN_HEADER + (slot >> 3)] |= 1 << (slot & 7);
  }
  w.zigzag(a - w.view.getFloat64(15, true));
  w.varint(a - lo);
  w.varint(hi - a);
  w.view.setUint16(5, n + 1, true);
  w.view.setFloat64(15, a, true);
  return true;
}

/** `out` sealed on `day`'s companded grid, if it has one. */
export function sameGrid(day: StatDay, out: StatDay): StatDay {
  if (day.compandStep !== undefined) out.compandStep = day.compandStep;
  return out;
}

/**
 * A stored bucket as readers see it: an open day of a load-dependent quantity on the companded
 * grid it will be sealed on (the same values before and after its day is sealed).
 */
export function readStat(bytes: Uint8Array): StatDay {
  const day = decodeStat(bytes);
  return isSealed(bytes) || !day.relative ? day : expand(compand(day, day.quantum));
}

/** Re-grids to a finer rate (a divisor of the day's own). */
export function regridStat(day: StatDay, rateMin: number): StatDay {
  const f = day.rateMin / rateMin;
  const out = sameGrid(day, emptyStatDay(rateMin, day.quantum, 1, day.relative));
  day.avg.forEach((a, i) => { out.avg[i * f] = a; out.min[i * f] = day.min[i]; out.max[i * f] = day.max[i]; });
  return out;
}

/** Thins a day to hourly slots: mean of the averages, min of the minima, max of the maxima. */
export function thinToHourly(day: StatDay): StatDay {
  if (day.rateMin >= 60) return day;
  const per = 60 / day.rateMin;
  const out = sameGrid(day, emptyStatDay(60, day.quantum, 1, day.relative));
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

// #region sealed layout

/** 10^(k−12) → 115 + k; 2 × 10^(k−12) → 140 + k; 5 × 10^(k−12) → 165 + k (k = 0…24). */
const QUANTUM_CODES = new Map<number, number>([1, 2, 5].flatMap((m, j) => Array.from({ length: 25 }, (_, k): [number, number] => [Number(`${m}e${k - 12}`), 115 + 25 * j + k])));
const CODE_QUANTA = new Map<number, number>([...QUANTUM_CODES].map(([q, c]) => [c, q]));

const emaNext = (pred: number, a: number): number => Math.floor((3 * pred + a + 2) / 4);

/** The zigzag residuals of the averages after the first, against the previous one or a moving mean. */
function residuals(avg: Float64Array, present: number[], ema: boolean): Float64Array {
  const out = new Float64Array(Math.max(0, present.length - 1));
  let pred = avg[present[0]];
  for (let k = 1; k < present.length; k++) {
    const a = avg[present[k]];
    out[k - 1] = zigzag(a - pred);
    pred = ema ? emaNext(pred, a) : a;
  }
  return out;
}

/**
 * A spread stream (avg − min or max − avg) as stored: itself, or with `ema` its zigzag residuals
 * against a moving mean (shorter when the spread hovers around a level, like a frequency's).
 */
function spreadStream(xs: Float64Array, ema: boolean): Float64Array {
  if (!ema) return xs;
  const out = new Float64Array(xs.length);
  let pred = 0;
  for (let k = 0; k < xs.length; k++) { out[k] = zigzag(xs[k] - pred); pred = emaNext(pred, xs[k]); }
  return out;
}

/** Bytes one stream takes alone (to choose its predictor). */
function streamBytes(xs: Float64Array): number {
  const w = new BitWriter(xs.length * 2 + 16);
  const st = new RiceState(riceK0(mean(xs)));
  for (let k = 0; k < xs.length; k++) st.write(w, xs[k]);
  return w.finish().length;
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
}

function packStream(res: Float64Array, lo: Float64Array, hi: Float64Array, spread: boolean, ka: number, kl: number, kh: number): Uint8Array {
  const n = lo.length;
  const w = new BitWriter(n * (spread ? 6 : 2) + 16);
  const sa = new RiceState(ka), sl = new RiceState(kl), sh = new RiceState(kh);
  for (let k = 0; k < n; k++) {
    if (k > 0) sa.write(w, res[k - 1]);
    if (spread) { sl.write(w, lo[k]); sh.write(w, hi[k]); }
  }
  return w.finish();
}

/** Rice parameter of the avg's position in a range of `r` quanta (static: the position is about uniform around the middle). */
function posK(r: number): number {
  let k = 0;
  while (2 ** (k + 1) * POS_DIV <= r) k++;
  return k;
}
const POS_DIV = 8;

/**
 * Rice parameter of an average's residual after a slot of range `r` (range layout, S_HI_EMA):
 * a slot that moved widely inside is followed by a wide step of its average.
 */
const ctxK = (r: number): number => riceK0(r);

/** Position of the average in its slot's range, as a zigzag offset from the middle. */
const posOf = (lo: number, r: number): number => zigzag(lo - Math.floor((r + 1) / 2));

/**
 * The range layout's stream: per slot the average's residual, then (with spread) the range
 * max − min (as is, or its zigzag residual against a moving mean) and the average's position in it.
 */
function packRange(res: Float64Array, rng: Float64Array, rawR: Float64Array, lo: Float64Array, spread: boolean, ka: number, kr: number, ctx: boolean): Uint8Array {
  const n = lo.length;
  const w = new BitWriter(n * (spread ? 6 : 2) + 16);
  const sa = new RiceState(ka), sr = new RiceState(kr);
  for (let k = 0; k < n; k++) {
    if (k > 0 && ctx) riceWrite(w, res[k - 1], ctxK(rawR[k - 1]));
    else if (k > 0) sa.write(w, res[k - 1]);
    if (!spread) continue;
    sr.write(w, rng[k]);
    const kp = posK(rawR[k]), z = posOf(lo[k], rawR[k]), p = 2 ** kp, q = Math.floor(z / p);
    w.unary(q); w.bits(z - q * p, kp);
  }
  return w.finish();
}

/** The sealed layouts a format writes: 3 without the range layout, 4 linear, 5 companded. */
export type SealFormat = 3 | 4 | 5;

/**
 * Encodes a bucket (one day, or a block of days) in the sealed, bit-packed layout: a
 * load-dependent quantity companded (format 5), else at `sealQuantum`. `format` 3 or 4: as those
 * formats wrote it (for the migration's tests).
 */
export function sealStat(input: StatDay, format: SealFormat = 5): Uint8Array {
  const step = format >= 5 ? compandStepOf(input) : undefined;
  const day = step !== undefined ? compand(input, step) : requantize(input, sealQuantum(input));
  const format3 = format === 3;
  const slots = day.avg.length;
  const days = Math.round((slots * day.rateMin) / 1440);
  const present: number[] = [];
  for (let i = 0; i < slots; i++) if (!Number.isNaN(day.avg[i])) present.push(i);
  const n = present.length;
  let dense = true, spread = false;
  let lo: Float64Array = new Float64Array(n), hi: Float64Array = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = present[k];
    if (k > 0 && i !== present[k - 1] + 1) dense = false;
    lo[k] = day.avg[i] - day.min[i]; hi[k] = day.max[i] - day.avg[i];
    if (lo[k] !== 0 || hi[k] !== 0) spread = true;
  }
  const rawLo = lo, rawR = new Float64Array(n);
  for (let k = 0; k < n; k++) rawR[k] = lo[k] + hi[k];
  let ema = false, stream: Uint8Array = new Uint8Array(0), ka = 0, loEma = false, hiEma = false, range = false, kr = 0;
  if (spread) {
    const le = spreadStream(lo, true), he = spreadStream(hi, true);
    loEma = streamBytes(le) < streamBytes(lo); hiEma = streamBytes(he) < streamBytes(hi);
    if (loEma) lo = le;
    if (hiEma) hi = he;
  }
  const kl = spread ? riceK0(mean(lo)) : 0, kh = spread ? riceK0(mean(hi)) : 0;
  if (n > 0) {
    const rd = residuals(day.avg, present, false), re = residuals(day.avg, present, true);
    const kd = riceK0(mean(rd)), ke = riceK0(mean(re));
    const bd = packStream(rd, lo, hi, spread, kd, kl, kh);
    const be = packStream(re, lo, hi, spread, ke, kl, kh);
    ema = be.length < bd.length;
    stream = ema ? be : bd; ka = ema ? ke : kd;
    if (spread && !format3) {
      // the range layout: max − min, then where the average sits in it
      const rr = spreadStream(rawR, true);
      const rEma = streamBytes(rr) < streamBytes(rawR);
      const rng = rEma ? rr : rawR;
      const krr = riceK0(mean(rng));
      for (const ctx of [false, true]) {
        const br = packRange(ema ? re : rd, rng, rawR, rawLo, spread, ka, krr, ctx);
        if (br.length < stream.length) { stream = br; range = true; kr = krr; loEma = rEma; hiEma = ctx; }
      }
    }
  }
  const w = new ByteWriter(64 + stream.length);
  const code = QUANTUM_CODES.get(day.quantum) ?? 0xff;
  const bits = (dense ? S_DENSE : 0) | (spread ? S_SPREAD : 0) | (ema ? S_EMA : 0) | (day.relative ? S_RELATIVE : 0) | (loEma ? S_LO_EMA : 0) | (hiEma ? S_HI_EMA : 0) | (range ? S_RANGE : 0) | (step !== undefined ? S_COMPAND : 0);
  const params = n === 0 ? [] : spread && range ? [ka, kr] : spread ? [ka, kl, kh] : [ka];
  const full = dense && n === slots;
  const nibbles = params.every((k) => k < 16);
  const rateCode = RATE_CODES.indexOf(day.rateMin);
  if (format >= 5) {
    w.u8(SEALED5_MAGIC); w.u8(bits);
    w.u8((days < 8 ? days : 0) | (full ? SH_FULL : 0) | (nibbles ? SH_NIBBLES : 0) | ((rateCode > 0 ? rateCode : 0) << 5));
    if (days >= 8) w.u8(days);
    if (rateCode <= 0) w.u8(day.rateMin);
  } else { w.u8(SEALED_MAGIC); w.u8(day.rateMin); w.u8(days); w.u8(bits); }
  w.u8(code);
  if (code === 0xff) w.f64(day.quantum);
  if (format < 5 || !full) { w.varint(n > 0 ? present[0] : 0); w.varint(n); }
  if (!dense) {
    const bytes = Math.ceil(slots / 8);
    w.ensure(bytes);
    w.buf.fill(0, w.len, w.len + bytes);
    for (const i of present) w.buf[w.len + (i >> 3)] |= 1 << (i & 7);
    w.len += bytes;
  }
  if (n > 0) w.zigzag(day.avg[present[0]]);
  if (format >= 5 && nibbles) for (let j = 0; j < params.length; j += 2) w.u8(params[j] | ((params[j + 1] ?? 0) << 4));
  else for (const k of params) w.u8(k);
  const out = new Uint8Array(w.len + stream.length);
  out.set(w.bytes()); out.set(stream, w.len);
  return out;
}

function unsealStat(bytes: Uint8Array): StatDay {
  const day = unsealQuanta(bytes);
  const bits = bytes[0] === SEALED5_MAGIC ? bytes[1] : bytes[3];
  return bits & S_COMPAND ? expand(day) : day;
}

interface SealedHeader { day: StatDay; bits: number; present: number[]; r: ByteReader; nibbles: boolean }

/** Reads a sealed bucket's header (either magic) up to its first average. */
function sealedHeader(bytes: Uint8Array): SealedHeader {
  const r = new ByteReader(bytes);
  const magic = r.u8();
  if (bytes.length < 4 || (magic !== SEALED_MAGIC && magic !== SEALED5_MAGIC)) throw new HistoryError('bad-bucket', 'not a sealed statistics bucket');
  let rateMin: number, days: number, bits: number, full = false, nibbles = false;
  if (magic === SEALED5_MAGIC) {
    bits = r.u8();
    const shape = r.u8();
    days = shape & SH_DAYS || r.u8();
    full = (shape & SH_FULL) !== 0; nibbles = (shape & SH_NIBBLES) !== 0;
    rateMin = RATE_CODES[shape >> 5] || r.u8();
  } else { rateMin = r.u8(); days = r.u8(); bits = r.u8(); }
  const code = r.u8();
  const quantum = code === 0xff ? r.f64() : CODE_QUANTA.get(code) ?? NaN;
  if (!(quantum > 0) || !(rateMin > 0) || !(days > 0)) throw new HistoryError('bad-bucket', 'statistics bucket with a bad quantum or shape');
  const day = emptyStatDay(rateMin, quantum, days, (bits & S_RELATIVE) !== 0);
  const slots = day.avg.length;
  const first = full ? 0 : r.varint(), n = full ? slots : r.varint();
  const present: number[] = [];
  if (bits & S_DENSE) for (let k = 0; k < n; k++) present.push(first + k);
  else {
    for (let i = 0; i < slots; i++) if (bytes[r.pos + (i >> 3)] & (1 << (i & 7))) present.push(i);
    r.pos += Math.ceil(slots / 8);
  }
  return { day, bits, present, r, nibbles };
}

/** The starting Rice parameters that follow the first average (`count` of them). */
function readParams(h: SealedHeader, count: number): number[] {
  const out: number[] = [];
  if (!h.nibbles) { for (let j = 0; j < count; j++) out.push(h.r.u8()); return out; }
  for (let j = 0; j < count; j += 2) { const b = h.r.u8(); out.push(b & 15); if (j + 1 < count) out.push(b >> 4); }
  return out;
}

/** A sealed bucket's integers as stored (a companded one's still on its grid). */
function unsealQuanta(bytes: Uint8Array): StatDay {
  const h = sealedHeader(bytes);
  const { day, bits, present, r } = h;
  const n = present.length;
  if (n === 0) return day;
  let pred = r.zigzag();
  const spread = (bits & S_SPREAD) !== 0, ema = (bits & S_EMA) !== 0;
  const ks = readParams(h, spread ? (bits & S_RANGE ? 2 : 3) : 1);
  const sa = new RiceState(ks[0]);
  if (bits & S_RANGE) return unsealRange(bytes, r, day, present, pred, ema, spread, sa, ks[1] ?? 0, (bits & S_LO_EMA) !== 0, (bits & S_HI_EMA) !== 0);
  const sl = new RiceState(ks[1] ?? 0), sh = new RiceState(ks[2] ?? 0);
  const br = new BitReader(bytes, r.pos);
  const loEma = (bits & S_LO_EMA) !== 0, hiEma = (bits & S_HI_EMA) !== 0;
  let pl = 0, ph = 0;
  for (let k = 0; k < n; k++) {
    const i = present[k];
    let a = pred;
    if (k > 0) { a = pred + unzigzag(sa.read(br)); pred = ema ? emaNext(pred, a) : a; }
    day.avg[i] = a;
    if (!spread) { day.min[i] = a; day.max[i] = a; continue; }
    let l = sl.read(br), h = sh.read(br);
    if (loEma) { l = pl + unzigzag(l); pl = emaNext(pl, l); }
    if (hiEma) { h = ph + unzigzag(h); ph = emaNext(ph, h); }
    day.min[i] = a - l;
    day.max[i] = a + h;
  }
  return day;
}

function unsealRange(bytes: Uint8Array, r: ByteReader, day: StatDay, present: number[], pred: number, ema: boolean, spread: boolean, sa: RiceState, kr: number, rEma: boolean, ctx: boolean): StatDay {
  const sr = new RiceState(kr);
  const br = new BitReader(bytes, r.pos);
  let pr = 0, prevR = 0;
  for (let k = 0; k < present.length; k++) {
    const i = present[k];
    let a = pred;
    if (k > 0) { a = pred + unzigzag(ctx ? riceRead(br, ctxK(prevR)) : sa.read(br)); pred = ema ? emaNext(pred, a) : a; }
    day.avg[i] = a;
    if (!spread) { day.min[i] = a; day.max[i] = a; continue; }
    let rg = sr.read(br);
    if (rEma) { rg = pr + unzigzag(rg); pr = emaNext(pr, rg); }
    const kp = posK(rg), q = br.unary(), z = q * 2 ** kp + br.bits(kp);
    const l = unzigzag(z) + Math.floor((rg + 1) / 2);
    day.min[i] = a - l;
    day.max[i] = a - l + rg;
    prevR = rg;
  }
  return day;
}

/** Number of present slots of a bucket of either layout. */
export function statSlotCount(bytes: Uint8Array): number {
  if (bytes[0] === STAT_MAGIC) return bytes[5] | (bytes[6] << 8);
  return sealedHeader(bytes).present.length;
}

/** Is this bucket in a sealed layout? */
export const isSealed = (bytes: Uint8Array): boolean => bytes[0] === SEALED_MAGIC || bytes[0] === SEALED5_MAGIC;

/** Requantizes a bucket to a coarser (or equal) quantum. */
export function requantize(day: StatDay, quantum: number): StatDay {
  if (day.quantum === quantum) return day;
  const out = sameGrid(day, emptyStatDay(day.rateMin, quantum, statDays(day), day.relative));
  day.avg.forEach((a, i) => {
    if (!Number.isNaN(a)) setStat(out, i, a * day.quantum, day.min[i] * day.quantum, day.max[i] * day.quantum);
  });
  return out;
}
// #endregion
