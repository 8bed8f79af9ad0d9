import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumptionResult } from '@ews/shared';
import { containsToday, isAfterToday, isLocalDate as isDate, stepDate } from '@ews/shared';
import {
  axisUnit, barLabel, drawnBars, groupedChart, kioskLink, kioskViewId, parseKioskEvery, parseKioskViews,
  periodTitle, periodTotals, stack, stackedChart, sumOf, todayIn, totalsPerBar,
} from './consumption';
import { parseHash } from './router';

test('consumption and kiosk routes', () => {
  assert.deepEqual(parseHash('#/consumption'), { name: 'consumption', view: 'total' });
  assert.deepEqual(parseHash('#/consumption/overall'), { name: 'consumption', view: 'overall' });
  assert.deepEqual(parseHash('#/consumption/details/12'), { name: 'consumption', view: 'details', deviceId: 12 });
  assert.deepEqual(parseHash('#/consumption/details'), { name: 'consumption', view: 'details' });
  for (const bad of ['#/consumption/nope', '#/consumption/total/3', '#/consumption/details/x', '#/consumption/details/1/2']) {
    assert.deepEqual(parseHash(bad), { name: 'notFound' }, bad);
  }
  assert.deepEqual(parseHash('#/kiosk?token=k_ab-C&views=total-day,overall&every=30'), {
    name: 'kiosk', query: { token: 'k_ab-C', views: 'total-day,overall', every: '30' },
  });
  assert.deepEqual(parseHash('#/kiosk'), { name: 'kiosk', query: {} });
  // A query does not break the other routes.
  assert.deepEqual(parseHash('#/panel?x=1'), { name: 'panel' });
});

test('stepping periods on calendar dates', () => {
  assert.equal(stepDate('2026-03-01', 'day', -1), '2026-02-28');
  assert.equal(stepDate('2024-02-28', 'day', 1), '2024-02-29');
  assert.equal(stepDate('2026-01-31', 'month', 1), '2026-02-28');
  assert.equal(stepDate('2026-01-15', 'month', -1), '2025-12-15');
  assert.equal(stepDate('2024-02-29', 'year', 1), '2025-02-28');
  assert.equal(stepDate('2026-06-10', 'decade', -1), '2016-06-10');
  assert.ok(isDate('2024-02-29'));
  assert.ok(!isDate('2026-02-29'));
  assert.ok(!isDate('2026-1-2'));
  assert.ok(isAfterToday('2026-12-01', 'month', '2026-11-21'));
  assert.ok(!isAfterToday('2026-11-30', 'month', '2026-11-21'));
  assert.ok(isAfterToday('2026-11-22', 'day', '2026-11-21'));
  assert.ok(containsToday('2026-11-01', 'month', '2026-11-21'));
  assert.ok(containsToday('2030-01-01', 'decade', '2026-11-21'));
  assert.ok(!containsToday('2036-01-01', 'decade', '2026-11-21'));
  assert.equal(todayIn('Pacific/Kiritimati', new Date('2026-11-21T12:00:00Z')), '2026-11-22');
  assert.equal(todayIn('America/Los_Angeles', new Date('2026-11-21T05:00:00Z')), '2026-11-20');
  assert.equal(periodTitle('2026-11-21', 'decade', 'en'), '2017 – 2026');
  assert.equal(periodTitle('2026-11-21', 'year', 'fr'), '2026');
  assert.match(periodTitle('2026-11-21', 'month', 'fr'), /novembre 2026/);
});

test('bar labels in the installation zone, across a DST change', () => {
  // 2026-10-25 in Paris: 25 hours, 02:00 twice.
  const start = Date.UTC(2026, 9, 24, 22) / 1000;
  const labels = Array.from({ length: 25 }, (_, i) => barLabel(start + i * 3600, 'day', 'Europe/Paris', 'en'));
  assert.deepEqual(labels.slice(0, 5), ['0h', '1h', '2h', '2h', '3h']);
  assert.equal(labels[24], '23h');
  assert.equal(barLabel(Date.UTC(2026, 10, 20, 23) / 1000, 'month', 'Europe/Paris', 'en'), '21');
  assert.equal(barLabel(Date.UTC(2025, 11, 31, 23) / 1000, 'decade', 'Europe/Paris', 'en'), '2026');
});

test('units and sums', () => {
  assert.deepEqual(axisUnit(950, 'Wh'), { div: 1, label: 'Wh' });
  assert.deepEqual(axisUnit(12_500, 'Wh'), { div: 1e3, label: 'kWh' });
  assert.deepEqual(axisUnit(3.2e6, 'Wh'), { div: 1e6, label: 'MWh' });
  assert.deepEqual(axisUnit(9000, 'dm3'), { div: 1, label: 'dm³' });
  assert.deepEqual(axisUnit(25_000, 'dm3'), { div: 1000, label: 'm³' });
  assert.equal(sumOf([null, null]), null);
  assert.equal(sumOf([1, null, 2.5]), 3.5);
});

const result = (over: Partial<ConsumptionResult> = {}): ConsumptionResult => ({
  scope: 'total', period: 'day', date: '2026-11-21', timezone: 'Europe/Paris', counter: 'activeEnergyImport',
  x: [0, 3600, 7200],
  series: [
    { key: 'load:lighting', label: 'Lighting', unit: 'Wh', values: [10, 20, null] },
    { key: 'load:others', label: 'Others', unit: 'Wh', values: [5, null, null] },
  ],
  previous: { x: [0, 3600, 7200, 10800], series: [
    { key: 'load:lighting', label: 'Lighting', unit: 'Wh', values: [1, 2, 3, 4] },
    { key: 'load:others', label: 'Others', unit: 'Wh', values: [1, 1, 1, 1] },
  ] },
  ...over,
});

test('stacked chart: running sums per bar, previous totals by index, legend sums', () => {
  const r = result();
  assert.deepEqual(stack(r.series, 3), [[10, 20, null], [15, 20, null]]);
  assert.deepEqual(totalsPerBar(r.series, 3), [15, 20, null]);
  const c = stackedChart(r, (k, l) => (k === 'load:others' ? 'Autres' : l));
  assert.equal(c.stacked, true);
  assert.deepEqual(c.series.map((s) => [s.label, s.sum]), [['Lighting', 30], ['Autres', 5]]);
  assert.deepEqual(c.previous, [2, 3, 4]);
  assert.equal(c.previousSum, 14, 'the whole previous period, even its extra bar');
  assert.equal(drawnBars(c), 2);
  assert.deepEqual(periodTotals(r), { current: 35, previous: 14, unit: 'Wh' });
});

test('side-by-side chart of several answers', () => {
  const a = result({ scope: 'group:group-1', series: [{ key: 'group:group-1', label: 'A', unit: 'Wh', values: [1, 2, 3] }] });
  const b = result({ scope: 'group:group-2', series: [{ key: 'group:group-2', label: 'B', unit: 'Wh', values: [null, 5, null] }] });
  const c = groupedChart([a, b], ['Building A', 'Building B']);
  assert.equal(c.stacked, false);
  assert.equal(c.previous, null);
  assert.deepEqual(c.series.map((s) => [s.label, s.sum]), [['Building A', 6], ['Building B', 5]]);
  assert.notEqual(c.series[0].color, c.series[1].color);
});

test('kiosk views and rotation period', () => {
  assert.deepEqual(parseKioskViews(undefined).map((v) => [v.what, v.period]), [['total', 'day'], ['total', 'month'], ['overall', 'month']]);
  const v = parseKioskViews('total-decade, overall-day,group:group-2-year,device:3,bogus,type:water-month');
  assert.deepEqual(v.map((x) => [x.what, x.scope ?? '', x.period]), [
    ['total', '', 'decade'], ['overall', '', 'day'], ['scope', 'group:group-2', 'year'], ['scope', 'device:3', 'day'], ['scope', 'type:water', 'month'],
  ]);
  assert.equal(parseKioskViews('bogus').length, 3, 'nothing valid: the defaults');
  assert.equal(parseKioskEvery('45'), 45);
  assert.equal(parseKioskEvery('1'), 20);
  assert.equal(parseKioskEvery(undefined), 20);
});

test('kiosk link of the kiosk page: views in order, every, language; read back by the kiosk', () => {
  const views = [kioskViewId('group:group-3', 'month'), kioskViewId('total', 'day'), kioskViewId('device:12', 'year'), kioskViewId('load:ev-charging', 'decade')];
  const url = kioskLink({ origin: 'http://ews.local', token: 'k_ab-C', views, everyS: 30, lang: 'fr' });
  assert.equal(url, 'http://ews.local/#/kiosk?token=k_ab-C&views=group:group-3-month,total-day,device:12-year,load:ev-charging-decade&every=30&lang=fr');
  const route = parseHash(url.slice(url.indexOf('#')));
  assert.ok(route.name === 'kiosk');
  const back = parseKioskViews(route.query.views);
  assert.deepEqual(back.map((v) => [v.what, v.scope ?? null, v.period]), [
    ['scope', 'group:group-3', 'month'], ['total', null, 'day'], ['scope', 'device:12', 'year'], ['scope', 'load:ev-charging', 'decade'],
  ]);
  assert.equal(parseKioskEvery(route.query.every), 30);
  assert.match(kioskLink({ origin: 'http://x', token: 't', views: [], everyS: 2 }), /every=20$/, 'out of range: the default period');
});
