/**
 * The correction state machine, reading by reading (the scenarios test covers whole months).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correct, newCounterState, registerWidth, type Correction } from './correction';
import { FLAG } from './counter-bucket';

const I = 900_000;
function feed(readings: number[], width = registerWidth('u32', 1)) {
  const st = newCounterState();
  const out: Correction[] = readings.map((r, i) => correct(st, r, i * I, I, width));
  return { st, out };
}
const steady = (n: number, from = 50_000, step = 100) => Array.from({ length: n }, (_, i) => from + i * step);

test('increments count as they are; the first reading is the baseline', () => {
  const { out, st } = feed(steady(5));
  assert.deepEqual(out.map((o) => (o.kind === 'value' ? o.delta : NaN)), [0, 100, 100, 100, 100]);
  assert.equal(st.lastValue, 50_400);
});

test('an upward glitch is held for one reading and dropped when the next falls back', () => {
  const { out, st } = feed([...steady(20), 4_000_000_000, 50_000 + 20 * 100 + 100]);
  assert.equal(out[20].kind, 'missing');
  assert.equal(out[21].kind, 'value');
  assert.equal(st.lastValue, 50_000 + 21 * 100, 'the glitch added nothing');
});

test('a real jump is confirmed by the next reading', () => {
  const r = [...steady(20), 1_000_000, 1_000_100];
  const { out, st } = feed(r);
  assert.equal(out[20].kind, 'missing');
  assert.equal(out[21].kind, 'value');
  assert.equal(st.lastValue, 1_000_100);
});

test('the register all-ones value (not available) is missing', () => {
  const { out } = feed([...steady(3), 0xffffffff]);
  assert.equal(out[3].kind, 'missing');
});

test('rollover of a 16-bit register adds the wrapped increment', () => {
  const { out, st } = feed([...steady(10, 64_600, 100), 64_600 + 10 * 100 - 65_536], registerWidth('u16', 1));
  const last = out[10];
  assert.equal(last.kind, 'value');
  assert.ok(last.kind === 'value' && last.flags & FLAG.ROLLOVER);
  assert.equal(st.lastValue, 64_600 + 10 * 100);
});

test('a 64-bit register cannot wrap: a big drop is a reset or a new meter', () => {
  assert.equal(registerWidth('u64', 1).maxRaw, Infinity);
  const reset = feed([...steady(10), 80]).out[10];
  assert.ok(reset.kind === 'value' && reset.flags & FLAG.RESET && reset.delta === 80);
  const replaced = feed([...steady(10), 1234]).out[10];
  assert.ok(replaced.kind === 'value' && replaced.flags & FLAG.REPLACED && replaced.delta === 100);
});

test('a zero reading is missing, never a reset; a zero export counter stays zero', () => {
  const { out, st } = feed([...steady(5), 0, 50_600]);
  assert.equal(out[5].kind, 'missing');
  assert.equal(st.lastValue, 50_600);
  const exp = feed([0, 0, 0, 5]);
  assert.deepEqual(exp.out.map((o) => o.kind), ['value', 'value', 'value', 'value']);
});

test('a small dip is held at the high-water mark', () => {
  const { out, st } = feed([...steady(5), 50_395, 50_500]);
  assert.equal(out[5].kind, 'held');
  assert.ok(out[6].kind === 'value' && out[6].delta === 100);
  assert.equal(st.lastValue, 50_500);
});

test('an explicit re-baseline takes the next reading as a new meter', () => {
  const { st } = feed(steady(5));
  st.rebase = true;
  const r = correct(st, 7, 5 * I, I, registerWidth('u64', 1));
  assert.ok(r.kind === 'value' && r.flags & FLAG.REPLACED && r.delta === 100);
});

test('a sample-rate change rescales the recent increments: a re-baseline after it estimates the gap at the meter\'s real rate', () => {
  const st = newCounterState();
  const width = registerWidth('u32', 1);
  // 20 readings at 15 min, 1500 Wh per slot (100 Wh a minute)
  for (let i = 0; i < 20; i++) { correct(st, 50_000 + i * 1500, i * I, I, width); st.intervalMs = I; }
  st.rebase = true;
  // the rate goes to 1 min; the next reading comes 24 min after the last, from a restarted meter
  const M = 60_000, last = 19 * I;
  const r = correct(st, 7, last + 24 * M, M, width);
  assert.equal(r.kind, 'value');
  assert.equal(r.kind === 'value' && r.delta, 2400, '24 minutes at 100 Wh a minute, not 24 slots of 1500 Wh');
  assert.equal(st.intervalMs, M);
  // a normal increment at the new rate is not judged a spike, and 50× the 1-min rate is one
  st.intervalMs = M;
  assert.equal(correct(st, 107, last + 25 * M, M, width).kind, 'value');
  assert.equal(correct(st, 107 + 100 * 60, last + 26 * M, M, width).kind, 'missing');
});
