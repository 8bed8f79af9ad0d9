/**
 * STO-4 on recorded scenarios (test-fixtures/counters): a reset, a meter replaced by one starting
 * at 1234 Wh, a 16-bit rollover, a 6-hour outage, one reading of 0, a noise dip. For each: no
 * negative bar and no spike, the flagged slots, and February's total equal to the true
 * consumption (what the register could tell; the replaced meter's swap slot is estimated).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Energy } from './index';
import { FLAG } from '../store/index';
import { tempStore, energyRegister, tick, byDay } from '../store/history/testkit';

interface Fixture {
  name: string; timezone: string; month: string; intervalMin: number; firstSlotUtc: string;
  register: { type: 'u16' | 'u32' | 'u64'; scale: number };
  readings: Array<number | null>; consumptionWh: number[];
  expect: { toleranceWh?: number; estimated?: [string, string]; flags?: Record<string, Array<keyof typeof FLAG>> };
}

const dir = new URL('../../../test-fixtures/counters/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture);

test('the recorded scenarios are all there', () => {
  assert.deepEqual(fixtures.map((f) => f.name).sort(), ['dip', 'outage', 'replaced', 'reset', 'rollover', 'zero']);
});

for (const fx of fixtures) {
  test(`scenario ${fx.name}: no negative bar, no spike, flags, true month total`, async () => {
    const slotMs = fx.intervalMin * 60_000;
    const first = Date.parse(fx.firstSlotUtc);
    const t = tempStore({ sampleIntervalMs: slotMs, scopesOf: () => ['load:lighting', 'type:electricity', 'total'] });
    try {
      const regs = [energyRegister(fx.register)];
      const ticks = fx.readings.map((v, i) => tick(first + i * slotMs, { 1: v }));
      // the first day tick by tick (the live path), the rest a day per transaction (back-fill path)
      const [day0, ...rest] = byDay(ticks);
      for (const k of day0) t.store.ingest(k, () => regs);
      for (const batch of rest) t.store.ingestBatch(batch, () => regs);

      const energy = new Energy({ store: t.store, timezone: fx.timezone });
      const monthStart = Date.parse('2026-01-31T23:00:00Z'), monthEnd = Date.parse('2026-02-28T23:00:00Z');
      const truth = fx.consumptionWh.reduce((a, c, i) => (first + i * slotMs > monthStart && first + i * slotMs <= monthEnd ? a + c : a), 0);
      let maxHour = 0;
      for (let i = 0; i + 4 <= fx.consumptionWh.length; i += 4) maxHour = Math.max(maxHour, fx.consumptionWh.slice(i + 1, i + 5).reduce((a, b) => a + b, 0));

      const year = energy.consumption({ scope: 'device:1', period: 'year', date: '2026-02-01' });
      const feb = year.series[0].values[1]!;
      assert.ok(Math.abs(feb - truth) <= (fx.expect.toleranceWh ?? 0), `February: ${feb} Wh, true ${truth} Wh`);

      const month = energy.consumption({ scope: 'device:1', period: 'month', date: '2026-02-01' });
      assert.equal(month.x.length, 28);
      const days = month.series[0].values as number[];
      assert.equal(days.reduce((a, b) => a + b, 0), feb, 'days add up to the month');
      for (let d = 1; d <= 28; d++) {
        const date = `2026-02-${String(d).padStart(2, '0')}`;
        const hours = energy.consumption({ scope: 'device:1', period: 'day', date }).series[0].values as number[];
        assert.equal(hours.length, 24);
        for (const h of hours) assert.ok(h >= 0 && h <= 1.5 * maxHour, `${date}: hourly bar ${h} Wh outside 0…${1.5 * maxHour}`);
        assert.equal(hours.reduce((a, b) => a + b, 0), days[d - 1], `${date}: hours add up to the day`);
      }
      // the aggregates got the same increments
      const total = energy.consumption({ scope: 'total', period: 'year', date: '2026-02-01', byLoad: false }).series[0].values[1];
      assert.equal(total, feb);

      const series = t.store.series('device:1', 'activeEnergyImport')!;
      const slots = t.store.counterSlots(series.id, first, first + fx.readings.length * slotMs);
      const at = (iso: string) => slots.find((s) => s.slotMs === Date.parse(iso));
      for (const [iso, names] of Object.entries(fx.expect.flags ?? {})) {
        const s = at(iso);
        assert.ok(s, `slot ${iso} stored`);
        for (const n of names) assert.ok(s.flags & FLAG[n], `${iso} flagged ${n} (flags ${s.flags})`);
      }
      const flagged = slots.filter((s) => s.flags & FLAG.ESTIMATED).map((s) => s.slotMs);
      if (fx.expect.estimated) {
        const [from, to] = fx.expect.estimated.map(Date.parse);
        const want = [];
        for (let x = from; x < to; x += slotMs) want.push(x);
        assert.deepEqual(flagged, want, 'exactly the missing slots are estimated');
        for (const s of slots.filter((x) => x.slotMs >= from && x.slotMs < to)) assert.ok(s.value !== null);
      }
      for (let i = 1; i < slots.length; i++) {
        if (slots[i].value !== null && slots[i - 1].value !== null) assert.ok(slots[i].value! >= slots[i - 1].value!, 'monotonic');
      }
      // the raw register is kept: a plain slot's raw is what was read
      const plain = slots.find((s) => s.flags === 0 && s.slotMs > first + 10 * slotMs)!;
      assert.equal(plain.raw, fx.readings[(plain.slotMs - first) / slotMs]);
    } finally {
      await t.dispose();
    }
  });
}
