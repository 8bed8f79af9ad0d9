/**
 * Consumption bars over a store filled with a year of three loads, a group, an excluded meter
 * and water: every day's hourly bars add up to its bar in the month view, every month's daily
 * bars to its bar in the year view, the total equals the sum of its loads at every period, and
 * the DST days have 23 and 25 bars. Plus the CSV of an answer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Energy, EnergyError, dataloggerCsv, type ScopeProvider } from './index';
import { tempStore, byDay, type TempStore } from '../store/history/testkit';
import type { IngestRegister, Tick } from '../store/history/index';

const SLOT = 900_000;
const FROM = Date.UTC(2025, 11, 31, 0, 0), TO = Date.UTC(2027, 0, 1, 1, 0);
const scopes: ScopeProvider = (id) => ({
  1: { energyType: 'electricity', loadId: 'lighting', groupIds: ['floor1'], excludeFromTotals: false },
  2: { energyType: 'electricity', loadId: 'heating', groupIds: ['floor1'], excludeFromTotals: false },
  3: { energyType: 'electricity', loadId: null, groupIds: [], excludeFromTotals: false },
  4: { energyType: 'electricity', loadId: null, groupIds: ['floor1'], excludeFromTotals: true },
  5: { energyType: 'water', loadId: null, groupIds: [], excludeFromTotals: false },
} as const)[id as 1];
const elec: IngestRegister[] = [{ key: 'e', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyImport' }];
const water: IngestRegister[] = [{ key: 'w', type: 'u32', scale: 1, unit: 'dm3', counter: 'water' }];

let t: TempStore;
let energy: Energy;
before(() => {
  t = tempStore();
  energy = new Energy({ store: t.store, timezone: 'Europe/Paris', scopes, labelOf: (s) => (s === 'load:lighting' ? 'Éclairage; LED' : undefined) });
  const counters = [0, 1e6, 2e6, 3e6, 4e6, 5e4];
  const ticks: Tick[] = [];
  for (let ms = FROM, k = 0; ms < TO; ms += SLOT, k++) {
    const h = new Date(ms).getUTCHours();
    for (let id = 1; id <= 5; id++) counters[id] += ((k * (id + 3)) % 17) + (h > 6 && h < 19 ? 40 * id : 5);
    // device 2 is offline for a day in October (gap spread over the DST change)
    const off = ms > Date.UTC(2026, 9, 24, 12) && ms < Date.UTC(2026, 9, 25, 12);
    ticks.push({ slotMs: ms, readings: [1, 2, 3, 4, 5].map((id) => (id === 2 && off ? { deviceId: id, ok: false } : { deviceId: id, ok: true, values: { [id === 5 ? 'w' : 'e']: { value: counters[id] } } })) });
  }
  for (const day of byDay(ticks)) t.store.ingestBatch(day, (id) => (id === 5 ? water : elec));
});
after(() => t.dispose());

const sum = (xs: Array<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('day bars add up to the month bar, month bars to the year bar (devices, loads, groups, total)', () => {
  for (const scope of ['device:2', 'load:others', 'group:floor1', 'total']) {
    const year = energy.consumption({ scope, period: 'year', date: '2026-05-05', byLoad: false }).series[0].values;
    for (let m = 1; m <= 12; m++) {
      const month = energy.consumption({ scope, period: 'month', date: `2026-${String(m).padStart(2, '0')}-10`, byLoad: false }).series[0].values;
      close(sum(month), year[m - 1]!, `${scope} month ${m}`);
      if (m !== 3 && m !== 10) continue;
      month.forEach((v, d) => {
        const date = `2026-${String(m).padStart(2, '0')}-${String(d + 1).padStart(2, '0')}`;
        const day = energy.consumption({ scope, period: 'day', date, byLoad: false }).series[0].values;
        close(sum(day), v!, `${scope} ${date}`);
        for (const h of day) assert.ok(h! >= 0);
      });
    }
  }
});

test('the DST days have 23 and 25 hourly bars, with their previous day beside them', () => {
  const spring = energy.consumption({ scope: 'total', period: 'day', date: '2026-03-29' });
  assert.equal(spring.x.length, 23);
  assert.equal(spring.previous.x.length, 24);
  assert.equal(energy.consumption({ scope: 'device:1', period: 'day', date: '2026-10-25' }).x.length, 25);
});

test('the total equals the sum of its loads (others included, excluded meter left out)', () => {
  for (const [period, date] of [['day', '2026-10-25'], ['month', '2026-10-01'], ['year', '2026-01-01'], ['decade', '2026-01-01']] as const) {
    const byLoad = energy.consumption({ scope: 'total', period, date });
    assert.deepEqual(byLoad.series.map((s) => s.key), ['load:heating', 'load:lighting', 'load:others']);
    const total = energy.consumption({ scope: 'total', period, date, byLoad: false }).series[0].values;
    total.forEach((v, i) => close(sum(byLoad.series.map((s) => s.values[i])), v ?? 0, `${period} bar ${i}`));
    byLoad.previous.x.forEach((_, i) => assert.ok(byLoad.previous.series.every((s) => s.values[i] === null || s.values[i]! >= 0)));
  }
  const dev = (id: number) => sum(energy.consumption({ scope: `device:${id}`, period: 'year', date: '2026-01-01' }).series[0].values);
  close(sum(energy.consumption({ scope: 'total', period: 'year', date: '2026-01-01', byLoad: false }).series[0].values), dev(1) + dev(2) + dev(3), 'total = devices 1+2+3');
  close(sum(energy.consumption({ scope: 'group:floor1', period: 'year', date: '2026-01-01' }).series[0].values), dev(1) + dev(2) + dev(4), 'the group keeps the excluded meter');
});

test('water has its own type scope and unit; the decade view has ten yearly bars', () => {
  const w = energy.consumption({ scope: 'type:water', period: 'decade', date: '2026-06-01' });
  assert.equal(w.counter, 'water');
  assert.equal(w.series[0].unit, 'dm3');
  assert.equal(w.x.length, 10);
  assert.deepEqual(w.series[0].values.slice(0, 8), Array(8).fill(null), 'no data before 2025');
  assert.ok(w.series[0].values[9]! > 0);
  assert.equal(energy.consumption({ scope: 'device:5', period: 'day', date: '2026-06-01' }).counter, 'water');
});

test('future bars are null; unknown scopes are domain errors', () => {
  const v = energy.consumption({ scope: 'total', period: 'year', date: '2027-01-01', byLoad: false }).series[0].values;
  assert.ok(v[0]! > 0 && v[1] === null);
  assert.throws(() => energy.consumption({ scope: 'room:1', period: 'day', date: '2026-01-01' }), (e: unknown) => e instanceof EnergyError && e.code === 'bad-scope');
  assert.equal(energy.consumption({ scope: 'group:nope', period: 'day', date: '2026-01-01' }).series[0].values.every((x) => x === null), true);
});

test('datalogger.csv: ; and decimal comma by default, Excel-friendly, options honoured', () => {
  const r = energy.consumption({ scope: 'total', period: 'day', date: '2026-10-25' });
  const csv = dataloggerCsv(r);
  assert.ok(csv.startsWith('\uFEFFDate;heating (Wh);"Éclairage; LED (Wh)";Others (Wh);Total (Wh)\r\n'));
  const lines = csv.slice(1).trimEnd().split('\r\n');
  assert.equal(lines.length, 26);
  assert.match(lines[3], /^2026-10-25 02:00;\d+;\d+;\d+;\d+$/);
  const half = dataloggerCsv({ ...r, series: [{ ...r.series[0], values: r.series[0].values.map((x) => x! + 0.5) }] }, { decimalSeparator: ',', fieldSeparator: ';', bom: false });
  assert.match(half.split('\r\n')[1], /^2026-10-25 00:00;\d+,5$/);
  const dot = dataloggerCsv({ ...r, series: [{ ...r.series[0], values: r.series[0].values.map((x) => x! + 0.25) }] }, { decimalSeparator: '.', fieldSeparator: ',', includePrevious: true });
  assert.match(dot.split('\r\n')[1], /^2026-10-25 00:00,\d+\.25,Previous|^2026-10-25 00:00,\d+\.25,2026-10-24 00:00,/);
  assert.throws(() => dataloggerCsv(r, { decimalSeparator: ',', fieldSeparator: ',' }), (e: unknown) => e instanceof EnergyError && e.code === 'bad-csv-options');
});

test('datalogger.csv with costs: a column per tariff in the currency and their total, the previous period too', () => {
  const r = energy.consumption({ scope: 'device:1', period: 'day', date: '2026-10-25' });
  const cost = (key: string, label: string, f: number, bars: typeof r) => ({ key, label, unit: 'EUR', tariffId: key, color: '#000', values: bars.series[0].values.map((v) => (v === null ? null : v * f)) });
  const withCosts = {
    ...r, currency: 'EUR', costs: [cost('peak', 'Peak', 0.0003, r), cost('off', 'Off-peak', 0.0001, r)],
    previous: { ...r.previous, costs: [cost('peak', 'Peak', 0.0003, { ...r, ...r.previous }), cost('off', 'Off-peak', 0.0001, { ...r, ...r.previous })] },
  };
  const lines = dataloggerCsv(withCosts, { decimalSeparator: '.', fieldSeparator: ';', includePrevious: true, bom: false }).trimEnd().split('\r\n');
  const head = lines[0].split(';');
  assert.deepEqual(head.slice(-4), ['Previous ' + head[1], 'Previous Peak (EUR)', 'Previous Off-peak (EUR)', 'Previous Total cost (EUR)']);
  assert.deepEqual(head.slice(1, 5), [head[1], 'Peak (EUR)', 'Off-peak (EUR)', 'Total cost (EUR)']);
  const i = r.series[0].values.findIndex((v) => v !== null && v > 0);
  const row = lines[1 + i].split(';').map(Number);
  const wh = r.series[0].values[i]!;
  assert.deepEqual(row.slice(1, 5), [wh, Math.round(wh * 0.3) / 1000, Math.round(wh * 0.1) / 1000, Math.round(wh * 0.4) / 1000]);
  assert.ok(!dataloggerCsv(r).includes('EUR'), 'no currency without costs');
});
