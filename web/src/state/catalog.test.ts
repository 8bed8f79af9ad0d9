import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeasureDef } from '@ews/shared';
import { batchErrors, ioPoints, testRows } from './catalog';

const m = (key: string, label: string, unit: MeasureDef['unit'], group: MeasureDef['group']): MeasureDef => ({ key, label, unit, group });

test('the inputs and outputs a user may name come from the model', () => {
  const measures = [
    m('activeEnergyImport', 'Active energy import', 'Wh', 'energy'),
    m('input1State', 'Input 1', 'state', 'io'),
    m('output1State', 'Output 1', 'state', 'io'),
    m('output1NormalState', 'Output 1 normal state', 'state', 'io'),
    m('output1OnTimeS', 'Output 1 ON time', 's', 'io'),
    m('analogInput1Pct', 'Analogue input 1', '%', 'io'),
    m('relay2', 'Output 2', 'state', 'state'),
  ];
  assert.deepEqual(ioPoints(measures).map((x) => x.key), ['input1State', 'output1State', 'relay2']);
});

test('Test values by label and unit, in the model order; unknown keys last', () => {
  const measures = [m('voltageL1', 'Voltage L1', 'V', 'voltage'), m('activePower', 'Active power', 'W', 'power')];
  const rows = testRows({ extra: { value: 3, unit: '' }, activePower: { value: 1500, unit: 'W' }, voltageL1: { value: 230.1, unit: 'V' } }, measures);
  assert.deepEqual(rows, [
    { key: 'voltageL1', label: 'Voltage L1', unit: 'V', value: 230.1 },
    { key: 'activePower', label: 'Active power', unit: 'W', value: 1500 },
    { key: 'extra', label: 'extra', unit: '', value: 3 },
  ]);
});

test('batch refusals name their item', () => {
  const { byIndex, rest } = batchErrors({ '1.address': ['address 1 is used'], '1.name': ['name used'], '0.position': ['1 to 7'], address: ['edition limit'] });
  assert.deepEqual([...byIndex.entries()].sort(), [[0, ['1 to 7']], [1, ['address 1 is used', 'name used']]]);
  assert.deepEqual(rest, { address: ['edition limit'] });
});
