import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumptionResult } from '@ews/shared';
import { drawnBars, overallQueries, stackedChart } from './consumption';
import {
  costChart, costStateOf, costTypeOfCounter, costTypeOfEnergy, currencySymbol, equivalentChart, equivalentWh, formatMoney, groupedCostChart,
  moneyTick, periodCosts, pickUnit, pieShares, recomputeOf, tariffEnergyChart, tariffRows, toggled, unitsFor,
} from './costs-view';

const tariff = (id: string, name: string, color: string, unit: string, values: Array<number | null>) => ({
  key: `tariff:${id}`, label: name, unit, tariffId: id, color, values,
});

/** A day of three bars: 35 Wh recorded, 30 Wh of it under two tariffs (5 Wh in no rule). */
const result = (over: Partial<ConsumptionResult> = {}): ConsumptionResult => ({
  scope: 'type:electricity', period: 'day', date: '2026-11-21', timezone: 'Europe/Paris', counter: 'activeEnergyImport',
  x: [0, 3600, 7200],
  series: [{ key: 'type:electricity', label: 'Electricity', unit: 'Wh', values: [15, 20, null] }],
  costs: [tariff('t1', 'Peak', '#d62728', 'EUR', [0.5, 1, null]), tariff('t2', 'Off-peak', '#1f77b4', 'EUR', [0.25, null, null])],
  byTariff: [tariff('t1', 'Peak', '#d62728', 'Wh', [10, 10, null]), tariff('t2', 'Off-peak', '#1f77b4', 'Wh', [10, null, null])] as ConsumptionResult['byTariff'],
  previous: {
    x: [0, 3600, 7200, 10800],
    series: [{ key: 'type:electricity', label: 'Electricity', unit: 'Wh', values: [1, 2, 3, 4] }],
    costs: [tariff('t1', 'Peak', '#d62728', 'EUR', [0.1, 0.1, 0.1, 0.1]), tariff('t2', 'Off-peak', '#1f77b4', 'EUR', [null, 0.2, null, null])],
    byTariff: [tariff('t1', 'Peak', '#d62728', 'Wh', [1, 2, 3, 4])] as ConsumptionResult['byTariff'],
  },
  currency: 'EUR', recompute: null,
  ...over,
});

test('units offered: energy, gas equivalent, cost; different kinds in currency only (CON-4)', () => {
  assert.deepEqual(unitsFor(['electricity']), ['energy', 'cost']);
  assert.deepEqual(unitsFor(['electricity', 'electricity']), ['energy', 'cost']);
  assert.deepEqual(unitsFor(['electricity', 'gas']), ['cost']);
  assert.deepEqual(unitsFor(['gas'], { gasFactor: 10.5 }), ['energy', 'equivalent', 'cost']);
  assert.deepEqual(unitsFor(['gas'], { gasFactor: null }), ['energy', 'cost']);
  assert.deepEqual(unitsFor(['electricity'], { exportCounter: true }), ['energy']);
  assert.equal(pickUnit('cost', ['energy', 'cost']), 'cost');
  assert.equal(pickUnit('energy', ['cost']), 'cost');
  assert.equal(pickUnit('equivalent', ['energy', 'cost']), 'energy');
  assert.equal(costTypeOfCounter('activeEnergyImport'), 'electricity');
  assert.equal(costTypeOfCounter('activeEnergyExport'), null);
  assert.equal(costTypeOfCounter('gas'), 'gas');
  assert.equal(costTypeOfEnergy('none'), null);
  assert.equal(costTypeOfEnergy('water'), 'water');
});

test('gas in equivalent Wh: dm³ × kWh/m³', () => {
  assert.equal(equivalentWh(1000, 10.5), 10_500, '1 m³ at 10.5 kWh/m³ is 10.5 kWh');
  assert.equal(equivalentWh(null, 10.5), null);
  const gas = stackedChart(result({
    scope: 'type:gas', counter: 'gas', series: [{ key: 'type:gas', label: 'Gas', unit: 'dm3', values: [100, null, 50] }],
    previous: { x: [0], series: [{ key: 'type:gas', label: 'Gas', unit: 'dm3', values: [10] }] },
  }));
  const eq = equivalentChart(gas, 10);
  assert.equal(eq.unit, 'Wh');
  assert.deepEqual(eq.series[0].values, [1000, null, 500]);
  assert.equal(eq.series[0].sum, 1500);
  assert.deepEqual(eq.previous, [100, null, null]);
  assert.equal(eq.previousSum, 100);
  const elec = stackedChart(result());
  assert.equal(equivalentChart(elec, 10), elec, 'electricity is left as is');
});

test('money in the display language', () => {
  assert.equal(formatMoney(12.5, 'EUR', 'en'), '€12.50');
  assert.equal(formatMoney(12.5, 'EUR', 'fr').replace(/\s/g, ' '), '12,50 €');
  assert.equal(formatMoney(null, 'EUR', 'en'), '—');
  assert.equal(formatMoney(3, 'XYZ1', 'en'), '3.00 XYZ1', 'not a currency code: the number and the code');
  assert.equal(moneyTick(20, 'EUR', 'en', 120), '€20');
  assert.equal(moneyTick(0.25, 'EUR', 'en', 1), '€0.25');
  assert.equal(moneyTick(2.5, 'USD', 'en', 10), '$2.5');
  assert.match(moneyTick(150_000, 'EUR', 'en', 200_000), /^€150K$/);
  assert.equal(currencySymbol('EUR', 'en'), '€');
  assert.equal(currencySymbol('CHF', 'en'), 'CHF');
});

test('state of costs in an answer, and a recomputation under way', () => {
  assert.equal(costStateOf(result()), 'ok');
  assert.equal(costStateOf(result({ costs: [] })), 'noTariffs');
  assert.equal(costStateOf(result({ costs: undefined, currency: undefined })), 'unsupported');
  assert.equal(costStateOf(result({ counter: 'activeEnergyExport', costs: undefined })), 'export');
  assert.equal(recomputeOf([result()]), null);
  const rc = { types: ['electricity' as const], percent: 42, startedAt: '2026-11-21T10:00:00Z' };
  assert.deepEqual(recomputeOf([result(), result({ recompute: rc })]), rc);
  assert.equal(recomputeOf(null), null);
});

test('cost chart: stacked per tariff in their colours, previous period cost by index', () => {
  const c = costChart(result())!;
  assert.equal(c.currency, 'EUR');
  assert.equal(c.stacked, true);
  assert.deepEqual(c.series.map((s) => [s.label, s.color, s.sum]), [['Peak', '#d62728', 1.5], ['Off-peak', '#1f77b4', 0.25]]);
  assert.deepEqual(c.previous, [0.1, 0.30000000000000004, 0.1]);
  assert.ok(Math.abs(c.previousSum! - 0.6) < 1e-9, 'the whole previous period, even its extra bar');
  assert.equal(drawnBars(c), 2);
  assert.equal(costChart(result({ costs: undefined })), null);
  const p = periodCosts(result())!;
  assert.equal(p.current, 1.75);
  assert.ok(Math.abs(p.previous! - 0.6) < 1e-9);
  assert.equal(periodCosts(result({ costs: undefined })), null);
});

test('energy per tariff chart from byTariff, and tariffs toggled off', () => {
  const c = tariffEnergyChart(result())!;
  assert.equal(c.unit, 'Wh');
  assert.equal(c.currency, undefined);
  assert.deepEqual(c.series.map((s) => s.sum), [20, 10]);
  assert.deepEqual(c.previous, [1, 2, 3]);
  assert.deepEqual(c.series.map((s) => s.key), ['t1', 't2'], 'keyed by tariff id');
  const one = tariffEnergyChart(result(), true, new Set(['t1']))!;
  assert.deepEqual(one.series.map((s) => s.key), ['t2']);
  assert.deepEqual(one.previous, [null, null, null], 'the hidden tariff is left out of the previous period too');
  const cost = costChart(result(), true, new Set(['t2']))!;
  assert.deepEqual(cost.series.map((s) => s.sum), [1.5]);
  assert.ok(Math.abs(cost.previousSum! - 0.4) < 1e-9);
  assert.deepEqual(toggled(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(toggled(['a', 'b'], 'a'), ['b']);
});

test('costs side by side (two devices of different kinds compare in currency)', () => {
  const a = result({ scope: 'device:1' });
  const b = result({
    scope: 'device:2', counter: 'gas', series: [{ key: 'device:2', label: 'Gas', unit: 'dm3', values: [1000, 0, 0] }],
    costs: [tariff('g1', 'Gas', '#2ca02c', 'EUR', [2, null, 1])],
  });
  const c = groupedCostChart([a, b], ['Main meter', 'Gas meter'])!;
  assert.equal(c.currency, 'EUR');
  assert.equal(c.stacked, false);
  assert.deepEqual(c.series.map((s) => [s.label, s.values, s.sum]), [['Main meter', [0.75, 1, null], 1.75], ['Gas meter', [2, null, 1], 3]]);
  assert.equal(groupedCostChart([a, result({ costs: undefined })], ['x', 'y']), null);
});

test('tariffs total: energy and cost per tariff, energy no rule covers', () => {
  const t = tariffRows(result());
  assert.equal(t.unit, 'Wh');
  assert.deepEqual(t.rows.map((r) => [r.tariffId, r.label, r.energy, r.cost]), [['t1', 'Peak', 20, 1.5], ['t2', 'Off-peak', 10, 0.25]]);
  assert.ok(Math.abs(t.rows[0].previousCost! - 0.4) < 1e-9);
  assert.equal(t.energy, 35);
  assert.equal(t.uncovered, 5, '35 Wh consumed, 30 Wh under a tariff');
  const full = tariffRows(result({ series: [{ key: 'type:electricity', label: 'Electricity', unit: 'Wh', values: [20, 10, null] }] }));
  assert.equal(full.uncovered, null);
});

test('pie shares: whole percentages of the shown slices adding up to 100', () => {
  const slices = [
    { key: 'a', label: 'A', color: '#1', value: 1 },
    { key: 'b', label: 'B', color: '#2', value: 1 },
    { key: 'c', label: 'C', color: '#3', value: 1 },
    { key: 'd', label: 'D', color: '#4', value: null },
  ];
  const all = pieShares(slices);
  assert.equal(all.total, 3);
  assert.deepEqual(all.slices.map((s) => s.share), [34, 33, 33, null]);
  const two = pieShares(slices, new Set(['c']));
  assert.deepEqual(two.slices.map((s) => [s.hidden, s.share]), [[false, 50], [false, 50], [true, null], [false, null]]);
  assert.equal(two.total, 2);
  const none = pieShares(slices, new Set(['a', 'b', 'c']));
  assert.equal(none.total, 0);
  assert.deepEqual(none.slices.map((s) => s.share), [null, null, null, null]);
  const uneven = pieShares([{ key: 'x', label: 'x', color: '', value: 2 }, { key: 'y', label: 'y', color: '', value: 1 }]);
  assert.deepEqual(uneven.slices.map((s) => s.share), [67, 33]);
});

test('overall queries ask for costs', () => {
  assert.deepEqual(overallQueries('month', '2026-11-21').map((q) => [q.scope, q.costs]), [
    ['type:electricity', true], ['type:gas', true], ['type:water', true],
  ]);
});
