/**
 * HistoryStore behaviours: a sample-rate change leaves saved data as it was (STO-1), the store
 * reopens where it stopped, retention rings drop and thin, statistics keep avg/min/max, stale
 * ticks are skipped, an explicit re-baseline absorbs a new meter, scopes follow the provider.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore, energyRegister, tick, byDay } from './testkit';
import { FLAG } from './counter-bucket';
import type { IngestRegister } from './ingest';
import { isSealed } from './stat-bucket';
import { bucketKey } from './keys';

const MIN = 60_000, DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 4);
const regs = [energyRegister()];

test('changing the sample rate does not alter saved slots; counters stay continuous', async () => {
  const t = tempStore({ sampleIntervalMs: 15 * MIN });
  try {
    let e = 10_000;
    for (let ms = T0; ms < T0 + 10 * 60 * MIN; ms += 15 * MIN) t.store.ingest(tick(ms, { 1: (e += 150) }), () => regs);
    const id = t.store.series('device:1', 'activeEnergyImport')!.id;
    const before = t.store.counterSlots(id, T0, T0 + DAY);
    t.store.setSampleIntervalMs(5 * MIN);
    for (let ms = T0 + 10 * 60 * MIN; ms < T0 + 12 * 60 * MIN; ms += 5 * MIN) t.store.ingest(tick(ms, { 1: (e += 50) }), () => regs);
    t.store.setSampleIntervalMs(60 * MIN);
    for (let ms = T0 + 12 * 60 * MIN; ms < T0 + 2 * DAY; ms += 60 * MIN) t.store.ingest(tick(ms, { 1: (e += 600) }), () => regs);
    const after = t.store.counterSlots(id, T0, T0 + DAY);
    assert.deepEqual(after.slice(0, before.length), before, 'earlier slots untouched');
    assert.equal(after.filter((s) => s.slotMs >= T0 + 10 * 60 * MIN && s.slotMs < T0 + 12 * 60 * MIN).length, 24, '5-minute slots kept');
    assert.equal(t.store.counterSlots(id, T0 + DAY, T0 + 2 * DAY).length, 24, 'the next day is hourly');
    assert.equal(t.store.counterAt(id, T0 + 2 * DAY - 1), e);
    assert.equal(after.filter((s) => s.flags).length, 0, 'no gap, no event');
  } finally { await t.dispose(); }
});

test('the store reopens where it stopped: states, series and latest slot are persisted', async () => {
  let t = tempStore({ scopesOf: () => ['total'] });
  try {
    for (let k = 0; k < 10; k++) t.store.ingest(tick(T0 + k * 15 * MIN, { 1: 5000 + k * 100 }), () => regs);
    t = t.reopen();
    assert.equal(t.store.latestSlotMs(), T0 + 9 * 15 * MIN);
    t.store.ingest(tick(T0 + 10 * 15 * MIN, { 1: 6000 }), () => regs);
    const total = t.store.series('total', 'activeEnergyImport')!.id;
    assert.equal(t.store.counterAt(total, T0 + 11 * 15 * MIN), 1000);
    const r = t.store.ingest(tick(T0 + 5 * 15 * MIN, { 1: 9999 }), () => regs);
    assert.deepEqual([r.ticks, r.skipped], [0, 1], 'a tick at or before the latest slot is skipped');
  } finally { await t.dispose(); }
});

test('retention: counters beyond their ring are dropped; statistics are thinned to hourly', async () => {
  const stat: IngestRegister = { key: 'voltageV', type: 'u32', scale: 0.01, unit: 'V', statistic: true };
  const t = tempStore({ retention: { counterDays: 3, statDays: 2, hourlyStatDays: 4 } });
  try {
    const ticks = [];
    for (let ms = T0; ms < T0 + 6 * DAY; ms += 15 * MIN) {
      ticks.push({ slotMs: ms, readings: [{ deviceId: 1, ok: true, values: { e: { value: ms / 1000 }, voltageV: { value: 230 + ((ms / (15 * MIN)) % 4) } } }] });
    }
    for (const day of byDay(ticks)) t.store.ingestBatch(day, () => [...regs, stat]);
    const id = t.store.series('device:1', 'activeEnergyImport')!.id;
    assert.equal(t.store.counterAt(id, T0 + DAY), undefined, 'outside the counter ring');
    assert.equal(t.store.counterAt(id, T0 + 4 * DAY), (T0 + 4 * DAY) / 1000);
    // a week is thinned once all its days are past the ring (T0 + 3 starts a week)
    assert.equal(t.store.statistics(1, 'voltageV', T0 + 3 * DAY, T0 + 4 * DAY).length, 96);
    const thinned = t.store.statistics(1, 'voltageV', T0 + 2 * DAY, T0 + 3 * DAY);
    assert.equal(thinned.length, 24);
    assert.deepEqual([thinned[0].rateMin, thinned[0].min, thinned[0].max], [60, 230, 233]);
    assert.ok(Math.abs(thinned[0].avg - 231.5) <= 0.01);
    const recent = t.store.statistics(1, 'voltageV', T0 + 5 * DAY, T0 + 6 * DAY);
    assert.equal(recent.length, 96);
    // hourly statistics go by weekly blocks (HOURLY_BLOCK_DAYS), once every day of the block is past the ring
    assert.equal(t.store.statistics(1, 'voltageV', T0, T0 + DAY).length, 24, 'its block still has days in the ring');
    const more = [];
    for (let ms = T0 + 6 * DAY; ms < T0 + 13 * DAY; ms += 15 * MIN) {
      more.push({ slotMs: ms, readings: [{ deviceId: 1, ok: true, values: { e: { value: ms / 1000 }, voltageV: { value: 230 } } }] });
    }
    for (const day of byDay(more)) t.store.ingestBatch(day, () => [...regs, stat]);
    assert.equal(t.store.statistics(1, 'voltageV', T0, T0 + DAY).length, 0, 'hourly ring dropped too');
    assert.equal(t.store.statistics(1, 'voltageV', T0 + 9 * DAY, T0 + 10 * DAY).length, 24);
  } finally { await t.dispose(); }
});

test('statistics: values observed between ticks widen avg/min/max of the slot', async () => {
  const stat: IngestRegister = { key: 'activePowerW', type: 's32', scale: 1, unit: 'W', statistic: true };
  const t = tempStore();
  try {
    t.store.observe(1, { activePowerW: { value: 1000 }, name: { value: 'text ignored' } });
    t.store.observe(1, { activePowerW: { value: -200 } });
    t.store.ingest({ slotMs: T0, readings: [{ deviceId: 1, ok: true, values: { activePowerW: { value: 500 } } }] }, () => [stat]);
    t.store.ingest({ slotMs: T0 + 15 * MIN, readings: [{ deviceId: 1, ok: true, values: { activePowerW: { value: 400 } } }] }, () => [stat]);
    const s = t.store.statistics(1, 'activePowerW', T0, T0 + DAY);
    // (power is read on its companded grid: within 0.355 % of the reading plus a watt)
    const want = [[433, -200, 1000], [400, 400, 400]];
    assert.equal(s.length, 2);
    s.forEach((x, i) => [x.avg, x.min, x.max].forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) <= 0.00355 * Math.abs(want[i][j]) + 1.01, `${i}/${j}: ${v} for ${want[i][j]}`)));
  } finally { await t.dispose(); }
});

test('statistics of power and current read the same before and after their day is sealed (history files written live equal a rebuild)', async () => {
  const regs: IngestRegister[] = [
    { key: 'activePowerW', type: 's32', scale: 1, unit: 'W', statistic: true },
    { key: 'currentL1A', type: 'u32', scale: 0.001, unit: 'A', statistic: true },
  ];
  const t = tempStore();
  try {
    const day0 = Math.floor(T0 / DAY) * DAY;
    const at = (k: number) => ({ activePowerW: { value: Math.round(9000 + 8000 * Math.sin(k / 7) + ((k * 7919) % 613)) }, currentL1A: { value: (13_000 + ((k * 4567) % 9000)) / 1000 } });
    const id = () => t.store.statisticSeries(1, 'activePowerW')!.id;
    for (let k = 0; k < 90; k++) {
      t.store.observe(1, { activePowerW: { value: 12_345 + k * 17 }, currentL1A: { value: 17.654 } });
      t.store.ingest({ slotMs: day0 + k * 15 * MIN, readings: [{ deviceId: 1, ok: true, values: at(k) }] }, () => regs);
    }
    assert.ok(!isSealed(t.dbs.history.stats.getBinary(bucketKey(day0 / DAY, id()))!), 'day 0 is open');
    const open = regs.map((r) => t.store.statistics(1, r.key, day0, day0 + DAY));
    assert.equal(open[0].length, 90);
    for (let k = 90; k < 96 * 2 + 3; k++) t.store.ingest({ slotMs: day0 + k * 15 * MIN, readings: [{ deviceId: 1, ok: true, values: at(k) }] }, () => regs);
    assert.ok(isSealed(t.dbs.history.stats.getBinary(bucketKey(day0 / DAY, id()))!), 'day 0 is sealed');
    regs.forEach((r, j) => assert.deepEqual(t.store.statistics(1, r.key, day0, day0 + DAY).slice(0, 90), open[j], r.key));
  } finally { await t.dispose(); }
});

test('an explicit re-baseline absorbs a new meter without a spike', async () => {
  const t = tempStore();
  try {
    for (let k = 0; k < 20; k++) t.store.ingest(tick(T0 + k * 15 * MIN, { 1: 900_000 + k * 100 }), () => regs);
    t.store.rebaseline(1);
    t.store.ingest(tick(T0 + 20 * 15 * MIN, { 1: 5 }), () => regs);
    t.store.ingest(tick(T0 + 21 * 15 * MIN, { 1: 105 }), () => regs);
    const id = t.store.series('device:1', 'activeEnergyImport')!.id;
    const slots = t.store.counterSlots(id, T0 + 19 * 15 * MIN, T0 + DAY);
    assert.deepEqual(slots.map((s) => s.value! - 901_900), [0, 100, 200]);
    assert.ok(slots[1].flags & FLAG.REPLACED);
    assert.deepEqual(slots.map((s) => s.raw), [901_900, null, 105], 'raw kept; the estimated slot has none');
  } finally { await t.dispose(); }
});

test('a device moved to another load: history stays where it was, the total goes on', async () => {
  let load = 'a';
  const t = tempStore({ scopesOf: () => [`load:${load}`, 'total'] });
  try {
    for (let k = 0; k < 4; k++) t.store.ingest(tick(T0 + k * 15 * MIN, { 1: 100 * k }), () => regs);
    load = 'b';
    t.store.setScopes(() => [`load:${load}`, 'total']);
    for (let k = 4; k < 8; k++) t.store.ingest(tick(T0 + k * 15 * MIN, { 1: 100 * k }), () => regs);
    const at = (scope: string, k: number) => t.store.counterAt(t.store.series(scope, 'activeEnergyImport')!.id, T0 + k * 15 * MIN);
    assert.deepEqual([at('load:a', 3), at('load:a', 7), at('load:b', 7), at('total', 7)], [300, 300, 400, 700], 'a: up to the move, b: from it');
  } finally { await t.dispose(); }
});

test('a day with no ticks at all (box off) is spread when meters answer again', async () => {
  const t = tempStore({ scopesOf: () => ['total'] });
  try {
    t.store.ingest(tick(T0, { 1: 1000, 2: 5000 }), () => regs);
    t.store.ingest(tick(T0 + 15 * MIN, { 1: 1100, 2: 5100 }), () => regs);
    t.store.ingest(tick(T0 + 2 * DAY, { 1: 1100 + 19_200, 2: 5100 + 9_600 }), () => regs);
    const total = t.store.series('total', 'activeEnergyImport')!.id;
    const slots = t.store.counterSlots(total, T0, T0 + 3 * DAY);
    assert.equal(slots.length, 2 * 96 + 1);
    const inc = slots.slice(1).map((s, i) => s.value! - slots[i].value!);
    assert.equal(inc[0], 200);
    assert.ok(inc.slice(1).every((d) => d >= 150 && d <= 152), 'spread evenly');
    assert.equal(slots.at(-1)!.value, 28_800 + 200);
    assert.ok(slots.slice(2, -1).every((s) => s.flags & FLAG.ESTIMATED));
  } finally { await t.dispose(); }
});
