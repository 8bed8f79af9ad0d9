import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeasureDef } from '@ews/shared';
import { layoutMeasures, stripPhase, type MeasureTable } from './measure-layout';

test('labels lose their phase', () => {
  assert.equal(stripPhase('Current L1', 'L1'), 'Current');
  assert.equal(stripPhase('Voltage L1-N', 'L1'), 'Voltage');
  assert.equal(stripPhase('Voltage L1-L2', 'L12'), 'Voltage');
  assert.equal(stripPhase('THD voltage L3-L1', 'L31'), 'THD voltage');
  assert.equal(stripPhase('Voltage L1 harmonic 3', 'L1'), 'Voltage harmonic 3');
  assert.equal(stripPhase('Neutral current', 'N'), 'Neutral current');
  assert.equal(stripPhase('Active power total', 'total'), 'Active power');
  assert.equal(stripPhase('Frequency'), 'Frequency');
});

// Labels and keys in the style of the catalogue (daemon/catalog/multifunction/F3N200.json).
const M = (key: string, label: string, group: MeasureDef['group'], unit: MeasureDef['unit'], phase?: MeasureDef['phase']): MeasureDef =>
  ({ key, label, group, unit, ...(phase ? { phase } : {}) });

/** The tables without their `text` (label fields, checked on their own below). */
function plain(tables: MeasureTable[]): unknown {
  return JSON.parse(JSON.stringify(tables, (k, v: unknown) => (k === 'text' ? undefined : v)));
}

test('rows and columns carry the catalogue\'s label key; a row drops its phase, a harmonics column its phase and rank', () => {
  const k = (key: string, label: string, labelKey: string, phase: MeasureDef['phase'], n?: number): MeasureDef =>
    ({ key, label, labelKey, labelParams: { phase: phase === 'L12' ? 'L1-L2' : phase!, ...(n ? { n } : {}) }, group: 'voltage', unit: 'V', phase });
  const s = layoutMeasures([k('voltageL1V', 'Voltage L1-N', 'voltagePhaseNeutral', 'L1'), k('voltageL2V', 'Voltage L2-N', 'voltagePhaseNeutral', 'L2')]);
  const table = s[0]!.tables[0]!;
  assert.equal(table.kind, 'phases');
  if (table.kind === 'phases') assert.deepEqual(table.rows[0]!.text, { label: 'Voltage', labelKey: 'voltagePhaseNeutral', labelParams: { phase: '' } });
  const h = layoutMeasures([1, 3].map((n) => ({ ...k(`harmonicVoltageL1H${n}Pct`, `Voltage L1 harmonic ${n}`, 'voltageHarmonic', 'L1', n), group: 'harmonics' as const, unit: '%' as const })));
  const ht = h[0]!.tables[0]!;
  if (ht.kind !== 'harmonics') assert.fail('harmonics');
  else assert.deepEqual(ht.columns[0]!.text, { label: 'Voltage harmonic', labelKey: 'voltageHarmonic', labelParams: { phase: '', n: '' } });
});

test('phases become columns, line-to-line in a table of its own, groups in first-seen order', () => {
  const m: MeasureDef[] = [
    M('voltageL12V', 'Voltage L1-L2', 'voltage', 'V', 'L12'),
    M('voltageL23V', 'Voltage L2-L3', 'voltage', 'V', 'L23'),
    M('voltageL1V', 'Voltage L1-N', 'voltage', 'V', 'L1'),
    M('voltageL2V', 'Voltage L2-N', 'voltage', 'V', 'L2'),
    M('frequencyHz', 'Frequency', 'frequency', 'Hz', 'total'),
    M('currentL1A', 'Current L1', 'current', 'A', 'L1'),
    M('currentNA', 'Neutral current', 'current', 'A', 'N'),
    M('activePowerW', 'Active power', 'power', 'W', 'total'),
    M('reactivePowerVar', 'Reactive power', 'power', 'var', 'total'),
    M('activePowerL1W', 'Active power L1', 'power', 'W', 'L1'),
    M('reactivePowerL1Var', 'Reactive power L1', 'power', 'var', 'L1'),
    M('activeEnergyImportWh', 'Active energy +', 'energy', 'Wh', 'total'),
    M('thdCurrentL1Pct', 'THD current L1', 'thd', '%', 'L1'),
    M('thdCurrentNPct', 'THD neutral current', 'thd', '%', 'N'),
  ];
  const s = layoutMeasures(m);
  assert.deepEqual(s.map((x) => x.group), ['voltage', 'frequency', 'current', 'power', 'energy', 'thd']);
  assert.deepEqual(plain(s[0]!.tables), [
    { kind: 'phases', columns: ['L1', 'L2'], rows: [{ label: 'Voltage', cells: { L1: 'voltageL1V', L2: 'voltageL2V' } }] },
    { kind: 'phases', columns: ['L12', 'L23'], rows: [{ label: 'Voltage', cells: { L12: 'voltageL12V', L23: 'voltageL23V' } }] },
  ]);
  assert.deepEqual(plain(s[1]!.tables), [{ kind: 'list', rows: [{ label: 'Frequency', key: 'frequencyHz' }] }]);
  assert.deepEqual(plain(s[2]!.tables), [{ kind: 'phases', columns: ['L1', 'N'], rows: [{ label: 'Current', cells: { L1: 'currentL1A', N: 'currentNA' } }] }]);
  assert.deepEqual(plain(s[3]!.tables), [{ kind: 'phases', columns: ['L1', 'total'], rows: [
    { label: 'Active power', cells: { total: 'activePowerW', L1: 'activePowerL1W' } },
    { label: 'Reactive power', cells: { total: 'reactivePowerVar', L1: 'reactivePowerL1Var' } },
  ] }]);
  assert.deepEqual(plain(s[4]!.tables), [{ kind: 'list', rows: [{ label: 'Active energy +', key: 'activeEnergyImportWh' }] }]);
  assert.deepEqual(plain(s[5]!.tables), [{ kind: 'phases', columns: ['L1', 'N'], rows: [{ label: 'THD current', cells: { L1: 'thdCurrentL1Pct', N: 'thdCurrentNPct' } }] }]);
});

test('harmonics are a table by rank, one column per quantity and phase', () => {
  const m: MeasureDef[] = [];
  for (const q of ['Voltage', 'Current']) for (const p of ['L1', 'L2'] as const) for (const n of [3, 5]) {
    m.push(M(`harmonic${q}${p}H${n}Pct`, `${q} ${p} harmonic ${n}`, 'harmonics', '%', p));
  }
  const [section] = layoutMeasures(m);
  const table = section!.tables[0]!;
  assert.equal(table.kind, 'harmonics');
  if (table.kind !== 'harmonics') return;
  assert.deepEqual(table.columns.map((c) => [c.label, c.phase]), [
    ['Voltage harmonic', 'L1'], ['Voltage harmonic', 'L2'], ['Current harmonic', 'L1'], ['Current harmonic', 'L2'],
  ]);
  assert.deepEqual(table.rows.map((r) => r.rank), [3, 5]);
  assert.equal(table.rows[1]!.cells[table.columns[3]!.id], 'harmonicCurrentL2H5Pct');
});
