/**
 * The cost ledger and cost bars against a brute-force bill: for every slot, its consumption ×
 * the price in force at each of its minutes, with the tariff from the schedule read minute by
 * minute through Intl. Live accounting, background recomputation after a rule change (with
 * progress), gaps filled in the past, weekends without a tariff, reopening.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostRule, Tariff } from '@ews/shared';
import { tempStore, energyRegister, tick } from '../store/history/testkit';
import type { ProfileOf } from '../store/history/index';
import { dayStartMs, periodBoundaries, parseDate } from '../energy/calendar';
import { NO_TARIFF, TariffSchedule } from './schedule';
import { tariffBars, priceSpans } from './bars';

const MIN = 60_000, DAY = 86_400_000, SLOT = 15 * MIN;
const TZ = 'Europe/Paris';
const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as CostRule['days'];
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri'] as CostRule['days'];
const rule = (r: Partial<CostRule> & { tariffId: string }): CostRule => ({ repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ALL, ...r });

const TARIFFS: Tariff[] = [
  { id: 'peak', type: 'electricity', name: 'Peak', color: '#d62728', prices: [{ price: 0.2, from: '2026-01-01' }, { price: 0.25, from: '2026-03-15' }] },
  { id: 'off', type: 'electricity', name: 'Off-peak', color: '#1f77b4', prices: [{ price: 0.1 }] },
];
/** Weekdays: peak 07:00–21:59, off-peak 22:00–06:59; Saturday 10:07–12:52 off-peak (not on slot boundaries); Sunday: nothing. */
const RULES_A: CostRule[] = [
  rule({ tariffId: 'peak', timeFrom: '07:00', timeTo: '21:59', days: WEEK }),
  rule({ tariffId: 'off', timeFrom: '22:00', timeTo: '06:59', days: WEEK }),
  rule({ tariffId: 'off', timeFrom: '10:07', timeTo: '12:52', days: ['sat'] }),
];
/** After the change: all week peak 08:00–19:59, off-peak otherwise. */
const RULES_B: CostRule[] = [
  rule({ tariffId: 'peak', timeFrom: '08:00', timeTo: '19:59' }),
  rule({ tariffId: 'off' }),
];

const schedule = (rules: CostRule[]) => new TariffSchedule({ tariffIds: TARIFFS.map((t) => t.id), rules, timezone: TZ });
const profilesOf = (s: TariffSchedule): ProfileOf => (kind) => (kind === 'electricity' ? s : new TariffSchedule({ tariffIds: [], rules: [], timezone: TZ }));

/** A pseudo-random but repeatable meter: 0–400 Wh per slot, more in the evening. */
function meter(fromMs: number, toMs: number, skip?: (ms: number) => boolean): Array<{ ms: number; value: number | null }> {
  let v = 1_000_000, seed = 7;
  const out: Array<{ ms: number; value: number | null }> = [];
  for (let ms = fromMs; ms < toMs; ms += SLOT) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    v += (seed % 300) + (new Date(ms).getUTCHours() >= 17 ? 100 : 0);
    out.push({ ms, value: skip?.(ms) ? null : v });
  }
  return out;
}

/** The bill the slow way: each slot's consumption spread over its 15 minutes, each minute at its tariff's price that day. */
function bruteForce(store: ReturnType<typeof tempStore>['store'], s: TariffSchedule, fromMs: number, toMs: number): { cost: number; energy: Record<string, number> } {
  const id = store.series('device:1', 'activeEnergyImport')!.id;
  const slots = store.counterSlots(id, fromMs - DAY, toMs + 1).filter((x) => x.value !== null);
  const spans = Object.fromEntries(TARIFFS.map((t) => [t.id, priceSpans(t, TZ)]));
  let cost = 0;
  const energy: Record<string, number> = {};
  for (let k = 1; k < slots.length; k++) {
    const t = slots[k].slotMs;
    if (t <= fromMs || t > toMs) continue;
    const d = slots[k].value! - slots[k - 1].value!;
    const len = (t - slots[k - 1].slotMs) / MIN;
    for (let m = 1; m <= len; m++) {
      const at = t - m * MIN;
      const x = s.tariffAt(at);
      if (x === NO_TARIFF) continue;
      const tid = s.tariffIds[x];
      energy[tid] = (energy[tid] ?? 0) + d / len;
      const price = spans[tid].find((p) => at >= p.startMs && at < p.endMs)?.price ?? 0;
      cost += (d / len / 1000) * price;
    }
  }
  return { cost, energy };
}

const MARCH = periodBoundaries(TZ, 'month', parseDate('2026-03-01'));
const regs = [energyRegister()];
const scopesOf = () => ['load:heating', 'total'];

function monthBars(store: ReturnType<typeof tempStore>['store'], scope = 'device:1') {
  const id = store.series(scope, 'activeEnergyImport')!.id;
  const consumption = [{ key: scope, label: scope, unit: 'Wh' as const, values: MARCH.slice(0, -1).map((a, i) => (store.counterAt(id, MARCH[i + 1]) ?? 0) - (store.counterAt(id, a) ?? 0)) }];
  return { consumption, ...tariffBars(store, scope, 'activeEnergyImport', MARCH, TARIFFS, { timezone: TZ, currency: 'EUR', consumption }) };
}
const sum = (xs: Array<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

test('live accounting: the cost of every day of March (DST, a price change on the 15th) equals the slot-by-slot bill', async () => {
  const s = schedule(RULES_A);
  const t = tempStore({ scopesOf, profiles: profilesOf(s) });
  try {
    // from the last days of February, so that March 1st has a slot before it
    for (const { ms, value } of meter(Date.UTC(2026, 1, 27), MARCH.at(-1)! + DAY)) t.store.ingest(tick(ms, { 1: value }), () => regs);
    await t.store.checkCosts();
    const bars = monthBars(t.store);
    for (let i = 0; i < MARCH.length - 1; i++) {
      const want = bruteForce(t.store, s, MARCH[i], MARCH[i + 1]);
      const got = sum(bars.costs.map((c) => c.values[i]));
      assert.ok(Math.abs(got - want.cost) < 1e-6, `March ${i + 1}: ${got} vs ${want.cost}`);
      for (const b of bars.byTariff) assert.ok(Math.abs((b.values[i] ?? 0) - (want.energy[b.tariffId] ?? 0)) < 0.01, `March ${i + 1} ${b.tariffId}`);
    }
    // the month: the peak price is 0.20 up to the 14th and 0.25 from the 15th, exactly
    const month = bruteForce(t.store, s, MARCH[0], MARCH.at(-1)!);
    assert.ok(Math.abs(sum(bars.costs.flatMap((c) => c.values)) - month.cost) < 1e-5);
    const before15 = bruteForce(t.store, s, MARCH[0], dayStartMs(TZ, parseDate('2026-03-15')));
    assert.ok(Math.abs(sum(bars.costs[0].values.slice(0, 14)) - (before15.energy.peak / 1000) * 0.2) < 1e-6, 'the 1st–14th at 0.20');
    for (let i = 0; i < 31; i++) {
      const price = i < 14 ? 0.2 : 0.25;
      assert.ok(Math.abs(bars.costs[0].values[i]! - (bars.byTariff[0].values[i]! / 1000) * price) < 1e-6, `March ${i + 1} peak at ${price}`);
    }
    assert.ok(bars.costs[0].values[15]! > 0, 'Monday 16th has peak hours');
    // Sundays: energy, but no tariff and no cost (March 1st 2026 is a Sunday)
    assert.ok(bars.consumption[0].values[0]! > 0);
    assert.equal(bars.costs[0].values[0], 0);
    assert.equal(bars.costs[1].values[0], 0);
    // Saturday 7th: only the 10:07–12:52 stretch, partly in the 10:00 and 12:45 slots
    assert.ok(bars.byTariff[1].values[6]! > 0 && bars.byTariff[0].values[6] === 0);
    assert.ok(!Number.isInteger(bars.byTariff[1].values[6]), 'slots cut by the rule are shared by minutes');
    // aggregates: the load and the total have the same bill as their one device
    const total = monthBars(t.store, 'total');
    assert.ok(Math.abs(sum(total.costs.flatMap((c) => c.values)) - month.cost) < 1e-5);
  } finally { await t.dispose(); }
});

test('a rule change recomputes history in the background with progress; the new figures match the new rules', async () => {
  const a = schedule(RULES_A);
  const t = tempStore({ scopesOf, profiles: profilesOf(a) });
  try {
    for (const { ms, value } of meter(Date.UTC(2026, 1, 27), MARCH.at(-1)!)) t.store.ingest(tick(ms, { 1: value }), () => regs);
    await t.store.checkCosts();
    const before = monthBars(t.store);
    const b = schedule(RULES_B);
    const done = t.store.setProfiles(profilesOf(b), ['electricity']);
    const first = t.store.costProgress();
    assert.ok(first && first.percent === 0 && first.kinds.includes('electricity'), 'progress shows at once');
    const seen: number[] = [];
    const timer = setInterval(() => { const p = t.store.costProgress(); if (p) seen.push(p.percent); }, 0);
    await done;
    clearInterval(timer);
    assert.equal(t.store.costProgress(), null, 'done');
    assert.ok(seen.length > 0, 'progress was visible while it ran');
    const after = monthBars(t.store);
    assert.notDeepEqual(after.costs, before.costs);
    for (let i = 0; i < MARCH.length - 2; i++) {
      const want = bruteForce(t.store, b, MARCH[i], MARCH[i + 1]);
      assert.ok(Math.abs(sum(after.costs.map((c) => c.values[i])) - want.cost) < 1e-6, `March ${i + 1}`);
      // every minute is covered now: the tariffs' energies add up to the consumption
      assert.ok(Math.abs(sum(after.byTariff.map((x) => x.values[i])) - after.consumption[0].values[i]!) < 0.01);
    }
    // a second check finds nothing to do
    const again = t.store.checkCosts();
    await again;
    assert.equal(t.store.costProgress(), null);
  } finally { await t.dispose(); }
});

test('a gap filled in the past, a restart, and ticks after it: the tariffs still add up to the consumption', async () => {
  const b = schedule(RULES_B);
  let t = tempStore({ scopesOf, profiles: profilesOf(b) });
  try {
    const from = Date.UTC(2026, 2, 20), to = Date.UTC(2026, 3, 10);
    // the meter is silent from March 28 to April 2 (over a block boundary and the DST change)
    const series = meter(from, to, (ms) => ms >= Date.UTC(2026, 2, 28) && ms < Date.UTC(2026, 3, 2));
    const half = series.findIndex((x) => x.ms >= Date.UTC(2026, 3, 5));
    for (const { ms, value } of series.slice(0, half)) t.store.ingest(tick(ms, { 1: value }), () => regs);
    await t.store.checkCosts();
    t = t.reopen();
    await t.store.setProfiles(profilesOf(b));
    for (const { ms, value } of series.slice(half)) t.store.ingest(tick(ms, { 1: value }), () => regs);
    await t.store.checkCosts();
    const bounds = [from, dayStartMs(TZ, parseDate('2026-04-01')), to - SLOT]; // the rest of March, April
    for (const scope of ['device:1', 'load:heating', 'total']) {
      const id = t.store.series(scope, 'activeEnergyImport')!.id;
      for (let i = 0; i < bounds.length - 1; i++) {
        const consumption = (t.store.counterAt(id, bounds[i + 1]) ?? 0) - (t.store.counterAt(id, bounds[i]) ?? 0);
        const byTariff = TARIFFS.map((x) => t.store.tariffEnergyAt(scope, 'activeEnergyImport', x.id, bounds[i + 1]) - t.store.tariffEnergyAt(scope, 'activeEnergyImport', x.id, bounds[i]));
        assert.ok(consumption > 0);
        assert.ok(Math.abs(sum(byTariff) - consumption) < 0.05, `${scope} month ${i}: ${sum(byTariff)} vs ${consumption}`);
      }
      // day by day, no negative energy in any tariff
      for (let day = from; day < to; day += DAY) {
        for (const x of TARIFFS) assert.ok(t.store.tariffEnergyAt(scope, 'activeEnergyImport', x.id, day + DAY) - t.store.tariffEnergyAt(scope, 'activeEnergyImport', x.id, day) >= -1e-9);
      }
    }
  } finally { await t.dispose(); }
});

test('no rules: no tariff series are written and the check only records fingerprints', async () => {
  const t = tempStore({ scopesOf });
  try {
    for (const { ms, value } of meter(Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 3))) t.store.ingest(tick(ms, { 1: value }), () => regs);
    await t.store.checkCosts();
    assert.equal(t.store.listSeries({ kind: 'tariff' }).length, 0);
    assert.equal(t.store.tariffEnergyAt('device:1', 'activeEnergyImport', 'peak', Date.UTC(2026, 2, 3)), 0);
    assert.equal((t.dbs.history.tariffs.getStats() as { entryCount: number }).entryCount, 0);
  } finally { await t.dispose(); }
});

test('short gaps inside a block are accounted live, slot by slot, as the background check would: no block is invalidated', async () => {
  const s = schedule(RULES_A);
  const t = tempStore({ scopesOf, profiles: profilesOf(s) });
  try {
    // silent 1 to 3 hours each evening (a device that misses answers), across peak and off-peak
    const series = meter(Date.UTC(2026, 1, 27), MARCH.at(-1)! + DAY, (ms) => {
      const d = new Date(ms);
      return d.getUTCHours() >= 19 && d.getUTCHours() < 20 + (d.getUTCDate() % 3);
    });
    t.store.ingest(tick(series[0].ms, { 1: series[0].value }), () => regs);
    await t.store.checkCosts();
    // ingest is synchronous: no background check can run before the bars below are read
    for (const { ms, value } of series.slice(1)) t.store.ingest(tick(ms, { 1: value }), () => regs);
    assert.equal(t.store.costProgress(), null, 'no recomputation was started');
    const live = monthBars(t.store);
    for (let i = 0; i < MARCH.length - 1; i++) {
      const want = bruteForce(t.store, s, MARCH[i], MARCH[i + 1]);
      for (const b of live.byTariff) assert.ok(Math.abs((b.values[i] ?? 0) - (want.energy[b.tariffId] ?? 0)) < 0.01, `March ${i + 1} ${b.tariffId}: ${b.values[i]} vs ${want.energy[b.tariffId]}`);
    }
    await t.store.checkCosts();
    assert.deepEqual(monthBars(t.store).byTariff, live.byTariff, 'the check found nothing to rewrite');
  } finally { await t.dispose(); }
});
