/**
 * The simulated charging station over its catalogue map: a car plugs in, a managed station holds
 * it until Start, a written setpoint takes effect after the reaction delay, the car stops at its
 * energy need, and the main meter upstream sees the draw on the station's phases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog, modbus } from '@ews/daemon';
import { resolveRegisters } from '@ews/shared';
import { createSimStation } from './station';
import { createSimSlave } from './slave';
import { fakeClock } from './testkit';

const catalog = loadCatalog();
const reg = (model: string, key: string, side?: 'A' | 'B') => resolveRegisters(catalog.require('evStation', model), undefined, side).find((r) => r.key === key)!;
const write = (st: ReturnType<typeof createSimStation>, model: string, key: string, raw: number, side?: 'A' | 'B') =>
  st.serve(modbus.writeSingleRequestPdu(reg(model, key, side).address, raw));

test('a managed station holds a new car until Start, then draws min(setpoint, car) after its reaction delay', () => {
  const t = fakeClock(Date.UTC(2026, 0, 5, 18));
  const st = createSimStation(catalog.require('evStation', 'greenup-premium-3p'), { address: 31, sides: [{}], clock: t.clock, reactionDelayMs: 2000 });
  write(st, 'greenup-premium-3p', 'managedState', 1);
  st.plug({ maxCurrentA: 25, phases: 3, needWh: 1000 });
  assert.equal(st.side().chargeState, 'waiting');
  write(st, 'greenup-premium-3p', 'chargeCommandState', 1);
  t.advance(1000);
  assert.equal(st.side().currentA, 0, 'not before the reaction delay');
  t.advance(1500);
  assert.equal(st.side().currentA, 25, 'car limit');
  write(st, 'greenup-premium-3p', 'setpointA', 160);
  t.advance(2500);
  assert.equal(st.side().currentA, 16);
  assert.deepEqual(st.phaseCurrentsA(), [16, 16, 16]);
  t.advance(3_600_000);
  assert.equal(st.side().chargeState, 'finished');
  assert.ok(Math.abs(st.side().car!.deliveredWh - 1000) < 1e-6);
  assert.ok(Math.abs(st.side().car!.deliveredAh - 1000 / 690) < 1e-6);
  assert.equal(st.side().currentA, 0);
});

test('the sides of a two-side single-phase station answer at one address on their own phases; the meter upstream adds them', () => {
  const t = fakeClock(Date.UTC(2026, 0, 5, 18));
  const model = 'greenup-2s-1p';
  const st = createSimStation(catalog.require('evStation', model), { address: 33, sides: [{ side: 'A', phase: 'L2' }, { side: 'B', phase: 'L3' }], clock: t.clock, reactionDelayMs: 0 });
  st.plug({ maxCurrentA: 32, phases: 1, needWh: 50_000 }, 'A');
  st.plug({ maxCurrentA: 10, phases: 1, needWh: 50_000 }, 'B');
  assert.deepEqual(st.phaseCurrentsA(), [0, 16, 10], 'unmanaged: rated current (16 A) or the car\'s');
  const meter = createSimSlave(catalog.require('multifunction', 'F3N200'), { address: 1, seed: 1, profile: 'flat', nominalPowerW: 1, clock: t.clock, extraPhaseCurrentsA: () => st.phaseCurrentsA() });
  const v = meter.values();
  const keyOf = (p: string) => Object.keys(v).find((k) => new RegExp(`^current${p}A?$`).test(k))!;
  assert.ok(Math.abs(v[keyOf('L2')] - 16) < 0.5, `L2 ${v[keyOf('L2')]}`);
  assert.ok(Math.abs(v[keyOf('L3')] - 10) < 0.5);
  assert.ok(v[keyOf('L1')] < 0.5);
  write(st, model, 'evPlugState', 0, 'B');
  assert.deepEqual(st.phaseCurrentsA(), [0, 16, 0], 'EV plug disabled on side B');
  const words = st.snapshot();
  assert.equal(words.get(3 * 0x10000 + reg(model, 'evPlugState', 'B').address), 0);
  assert.equal(words.get(3 * 0x10000 + reg(model, 'evPlugState', 'A').address), 1);
});
