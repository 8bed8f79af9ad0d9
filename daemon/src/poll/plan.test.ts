import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedRegister } from '@ews/shared';
import { buildReadPlan, decodeBlock, type DecodedValue } from './plan';

const reg = (key: string, address: number, words = 2, fn: 3 | 4 = 3): ResolvedRegister => ({
  key, address, fn, type: words === 1 ? 'u16' : 'u32', words, scale: 1, unit: 'W', group: 'power', statistic: false,
});

test('coalesces near registers and respects the per-model read limit', () => {
  const regs = [reg('a', 0), reg('b', 2), reg('c', 10), reg('d', 100), reg('e', 5, 1, 4)];
  const plan = buildReadPlan(regs, { maxRegistersPerRead: 125, maxGapRegisters: 8 });
  assert.deepEqual(plan.map((b) => [b.fn, b.start, b.count]), [[3, 0, 12], [3, 100, 2], [4, 5, 1]]);
  const tight = buildReadPlan(regs, { maxRegistersPerRead: 4, maxGapRegisters: 8 });
  assert.deepEqual(tight.map((b) => [b.start, b.count]), [[0, 4], [10, 2], [100, 2], [5, 1]]);
  for (const b of buildReadPlan(Array.from({ length: 300 }, (_, i) => reg(`r${i}`, i * 2)), { maxRegistersPerRead: 125, maxGapRegisters: 0 })) {
    assert.ok(b.count <= 125);
  }
});

test('decodes values with scale and enumerations', () => {
  const regs: ResolvedRegister[] = [
    { ...reg('voltageV', 0), scale: 0.01, unit: 'V' },
    { ...reg('breakerState', 2, 1), type: 'u16', unit: 'state', states: { '0': 'open', '1': 'closed', '2': 'tripped' } },
  ];
  const [block] = buildReadPlan(regs, { maxRegistersPerRead: 125, maxGapRegisters: 0 });
  const out: Record<string, DecodedValue> = {};
  decodeBlock(block, [0, 23012, 2], 'big', out);
  assert.deepEqual(out, { voltageV: { value: 230.12, unit: 'V' }, breakerState: { value: 'tripped', unit: 'state' } });
});
