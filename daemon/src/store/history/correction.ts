/**
 * @module store/history/correction
 * STO-4: turns raw counter readings into a corrected, monotonic running counter, one reading at a
 * time, with its state carried between ticks (and persisted with them).
 *
 * - increase: counted as it is (spread over the missing slots by the caller after a gap);
 * - a reading of 0 while the counter was above 0: missing (a glitch, never a reset);
 * - the register's all-ones value (0xFFFF…): missing (the usual "not available");
 * - a small dip (≤ 1 % of the counter, or one step): held; the high-water mark is kept so the
 *   counter resumes from it;
 * - a large drop that a wrap of the register's width (from its type) explains within a
 *   plausible increment: rollover;
 * - a large drop to a value that is itself a plausible increment: reset (counted from 0);
 * - any other large drop: a replaced meter (new baseline, e.g. a new meter at 1234 Wh); the
 *   slot gets the recent typical increment, flagged estimated;
 * - a jump far above the recent increments (50×): held for one reading; confirmed if the next
 *   reading continues from it, dropped as a glitch if it falls back.
 * "Plausible" scales with the recent increments per slot (a decaying maximum) and the slots
 * elapsed, so nothing here depends on the meter's size or unit.
 */
import type { RegisterType } from '@ews/shared';
import { FLAG } from './counter-bucket';

export interface CounterState {
  firstSlotMs: number;
  firstValue: number;
  /** Last present slot (−1 before the first reading) and the corrected counter there. */
  lastSlotMs: number;
  lastValue: number;
  /** Device series: the last accepted raw reading (high-water mark), NaN before any. */
  lastRaw: number;
  /** corrected − raw. */
  offset: number;
  /** Average and decaying maximum increment per slot; number of increments seen. */
  typical: number;
  recentMax: number;
  increments: number;
  /** A suspicious jump waiting for the next reading (NaN when none). */
  pendingRaw: number;
  /** The next reading starts a new baseline (an explicit meter replacement). */
  rebase: boolean;
  /**
   * Sample interval when the last value was taken (0: unknown): a rate change is not a gap, and
   * `typical`/`recentMax` (per slot) are rescaled to the new rate at its first reading.
   */
  intervalMs: number;
}

export function newCounterState(): CounterState {
  return {
    firstSlotMs: -1, firstValue: 0, lastSlotMs: -1, lastValue: 0, lastRaw: NaN, offset: 0,
    typical: 0, recentMax: 0, increments: 0, pendingRaw: NaN, rebase: false, intervalMs: 0,
  };
}

export interface RegisterWidth {
  /** Where the register wraps (2^bits × scale); Infinity when it cannot wrap in practice. */
  maxRaw: number;
  /** Smallest increment the register shows (its scale). */
  step: number;
}

const BITS: Partial<Record<RegisterType, number>> = { u16: 16, s16: 16, u32: 32, s32: 32 };

export function registerWidth(type: RegisterType, scale: number): RegisterWidth {
  const bits = BITS[type];
  return { maxRaw: bits ? 2 ** bits * scale : Infinity, step: type === 'float32' ? 0 : scale };
}

export type Correction =
  /** The slot gets no value now (the gap is spread when readings resume). */
  | { kind: 'missing'; raw?: number }
  /** The slot keeps the previous value; the rejected raw reading is kept. */
  | { kind: 'held'; raw: number }
  /** `offset`: corrected − raw from this slot on, when an event changed it. */
  | { kind: 'value'; value: number; delta: number; flags: number; raw: number; offset: number | undefined };

export const TUNING = {
  dipRelative: 0.01,
  spikeFactor: 50,
  plausibleFactor: 4,
  /** Increments needed before jumps are judged. */
  trust: 8,
  decayPerSlot: 0.999,
  averaging: 0.05,
};

const roundLike = (x: number, like: number): number => (Number.isInteger(like) ? Math.round(x) : x);

function accept(st: CounterState, raw: number, delta: number, elapsed: number, slotMs: number, flags: number): Correction {
  const value = st.lastValue + delta;
  const event = (flags & (FLAG.RESET | FLAG.ROLLOVER | FLAG.REPLACED)) !== 0;
  if (event) st.offset = value - raw;
  st.lastRaw = raw;
  st.lastValue = value;
  st.lastSlotMs = slotMs;
  if (!(flags & FLAG.ESTIMATED)) {
    const per = delta / elapsed;
    st.typical = st.increments === 0 ? per : st.typical + (per - st.typical) * TUNING.averaging;
    st.recentMax = Math.max(per, st.recentMax * TUNING.decayPerSlot ** elapsed);
    st.increments++;
  }
  return { kind: 'value', value, delta, flags, raw, offset: event ? st.offset : undefined };
}

/**
 * Corrects one reading taken at `slotMs` (after the state's last slot). Mutates `st`.
 * The caller spreads `delta` over the slots missing since the previous value.
 */
export function correct(st: CounterState, reading: number, slotMs: number, intervalMs: number, width: RegisterWidth): Correction {
  if (!Number.isFinite(reading)) return { kind: 'missing' };
  let raw = reading;
  if (raw < 0 && Number.isFinite(width.maxRaw)) raw += width.maxRaw;
  if (raw < 0) return { kind: 'missing', raw: reading };
  if (Number.isFinite(width.maxRaw) && Math.abs(raw - (width.maxRaw - width.step)) < width.step / 2) return { kind: 'missing', raw };
  if (st.lastSlotMs < 0) {
    st.firstSlotMs = slotMs;
    st.firstValue = raw + st.offset;
    st.lastValue = st.firstValue;
    st.lastRaw = raw;
    st.lastSlotMs = slotMs;
    return { kind: 'value', value: st.lastValue, delta: 0, flags: 0, raw, offset: undefined };
  }
  if (slotMs <= st.lastSlotMs) return { kind: 'missing' };
  if (st.intervalMs > 0 && st.intervalMs !== intervalMs) {
    // the sample rate changed: the recent increments were per slot of the old rate
    const k = intervalMs / st.intervalMs;
    st.typical *= k;
    st.recentMax *= k;
    st.intervalMs = intervalMs;
  }
  const elapsed = Math.max(1, (slotMs - st.lastSlotMs) / intervalMs);
  if (raw === 0 && st.lastRaw > 0) return { kind: 'missing', raw };
  const perSlot = Math.max(st.recentMax, st.typical, width.step, 1e-9);

  if (st.rebase || Number.isNaN(st.lastRaw)) {
    st.rebase = false;
    st.pendingRaw = NaN;
    const est = roundLike(st.typical * elapsed, raw);
    return accept(st, raw, est, elapsed, slotMs, FLAG.REPLACED | (est > 0 ? FLAG.ESTIMATED : 0));
  }
  let confirmed = false;
  if (!Number.isNaN(st.pendingRaw)) {
    confirmed = raw >= st.pendingRaw;
    st.pendingRaw = NaN;
  }
  const d = raw - st.lastRaw;
  if (d >= 0) {
    if (!confirmed && st.increments >= TUNING.trust && d > TUNING.spikeFactor * perSlot * elapsed) {
      st.pendingRaw = raw;
      return { kind: 'missing', raw };
    }
    return accept(st, raw, d, elapsed, slotMs, 0);
  }
  if (-d <= Math.max(TUNING.dipRelative * st.lastRaw, width.step)) {
    if (elapsed > 1) return { kind: 'missing', raw };
    st.lastSlotMs = slotMs;
    return { kind: 'held', raw };
  }
  const plausible = TUNING.plausibleFactor * perSlot * elapsed;
  if (Number.isFinite(width.maxRaw)) {
    const wrapped = raw + width.maxRaw - st.lastRaw;
    if (wrapped >= 0 && wrapped <= plausible) return accept(st, raw, wrapped, elapsed, slotMs, FLAG.ROLLOVER);
  }
  if (raw <= plausible) return accept(st, raw, raw, elapsed, slotMs, FLAG.RESET);
  const est = roundLike(st.typical * elapsed, raw);
  return accept(st, raw, est, elapsed, slotMs, FLAG.REPLACED | (est > 0 ? FLAG.ESTIMATED : 0));
}
