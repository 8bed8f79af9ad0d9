import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostRule } from '@ews/shared';
import { NO_TARIFF, TariffSchedule } from './schedule';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as CostRule['days'];
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri'] as CostRule['days'];
const rule = (r: Partial<CostRule> & { tariffId: string }): CostRule => ({ repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ALL, ...r });

/** SPEC COST-3, the manual's example, exceptions first. */
const MANUAL: CostRule[] = [
  rule({ tariffId: 't3', from: '2020-03-01', to: '2020-03-31' }),
  rule({ tariffId: 't2', from: '2020-12-25', repeatEveryYear: true }),
  rule({ tariffId: 't1', timeFrom: '00:00', timeTo: '18:59', days: WEEK }),
  rule({ tariffId: 't2', timeFrom: '19:00', timeTo: '23:59', days: WEEK }),
];
const IDS = ['t1', 't2', 't3'];
const TZ = 'Europe/Paris';

/** An independent reading of the example: wall-clock time from Intl, minute by minute. */
const fmt = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
function expected(ms: number): string | null {
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const year = Number(p.year), month = Number(p.month), day = Number(p.day), minute = Number(p.hour) * 60 + Number(p.minute);
  if (year === 2020 && month === 3) return 't3';
  if (month === 12 && day === 25) return 't2';
  if (p.weekday === 'Sat' || p.weekday === 'Sun') return null;
  return minute <= 18 * 60 + 59 ? 't1' : 't2';
}

function checkYear(year: number): { minutes: number; christmasWeekday: string; counts: Record<string, number> } {
  const s = new TariffSchedule({ tariffIds: IDS, rules: MANUAL, timezone: TZ });
  const from = Date.UTC(year - 1, 11, 31), to = Date.UTC(year + 1, 0, 2);
  const counts: Record<string, number> = {};
  let minutes = 0;
  for (let day = from / 86_400_000; day * 86_400_000 < to; day++) {
    const prof = s.utcDay(day);
    for (let m = 0; m < 1440; m++) {
      const ms = day * 86_400_000 + m * 60_000;
      const want = expected(ms);
      const got = prof[m] === NO_TARIFF ? null : IDS[prof[m]];
      if (got !== want) assert.fail(`${new Date(ms).toISOString()}: tariff ${got}, expected ${want}`);
      counts[String(got)] = (counts[String(got)] ?? 0) + 1;
      minutes++;
    }
  }
  const christmasWeekday = new Intl.DateTimeFormat('en-US', { timeZone: TZ, weekday: 'short' }).format(new Date(Date.UTC(year, 11, 25, 12)));
  return { minutes, christmasWeekday, counts };
}

test('COST-3 manual example: the right tariff at every minute of 2020 (Christmas on a Friday, March 2020 exception)', () => {
  const r = checkYear(2020);
  assert.equal(r.christmasWeekday, 'Fri');
  assert.ok(r.counts.t3 >= 31 * 1440 - 60, 'March 2020 is tariff 3 all month');
  assert.ok(r.counts.null > 90 * 1440, 'weekends have no tariff');
});

test('COST-3 manual example: every minute of 2026 and of 2022 (Christmas on a Sunday: tariff 2 all day)', () => {
  const r2026 = checkYear(2026);
  assert.equal(r2026.counts.t3, undefined, 'the March 2020 rule does not repeat');
  const r2022 = checkYear(2022);
  assert.equal(r2022.christmasWeekday, 'Sun');
  const s = new TariffSchedule({ tariffIds: IDS, rules: MANUAL, timezone: TZ });
  // 2022-12-25 is a Sunday: tariff 2 from 00:00 to 23:59 local; the Saturday before has none
  assert.ok(s.localDay(19351).every((x) => x === 1), 'Christmas 2022 all day tariff 2');
  assert.ok(s.localDay(19350).every((x) => x === NO_TARIFF), 'Saturday 24th: no tariff');
});

test('time frames are inclusive to the minute; a frame over midnight; a period over the year end', () => {
  const s = new TariffSchedule({
    tariffIds: ['night', 'holidays'], timezone: 'UTC', rules: [
      rule({ tariffId: 'holidays', from: '2025-12-24', to: '2026-01-02', repeatEveryYear: true, timeFrom: '08:00', timeTo: '08:00' }),
      rule({ tariffId: 'night', timeFrom: '22:00', timeTo: '05:59' }),
    ],
  });
  const at = (iso: string) => { const v = s.tariffAt(Date.parse(iso)); return v === NO_TARIFF ? null : s.tariffIds[v]; };
  assert.equal(at('2026-06-01T21:59:00Z'), null);
  assert.equal(at('2026-06-01T22:00:00Z'), 'night');
  assert.equal(at('2026-06-02T05:59:00Z'), 'night');
  assert.equal(at('2026-06-02T06:00:00Z'), null);
  assert.equal(at('2030-12-31T08:00:00Z'), 'holidays', 'every year, over the year end');
  assert.equal(at('2031-01-02T08:00:00Z'), 'holidays');
  assert.equal(at('2031-01-02T08:01:00Z'), null, 'a one-minute frame');
  assert.equal(at('2031-01-03T08:00:00Z'), null);
});

test('DST: wall-clock rules over the 23- and 25-hour days; the active rule; uncovered periods of a week', () => {
  const s = new TariffSchedule({ tariffIds: ['day'], timezone: TZ, rules: [rule({ tariffId: 'day', timeFrom: '02:00', timeTo: '02:59', days: WEEK })] });
  // 2026-10-25 (Sunday): not a weekday; 2026-10-26: 02:00–02:59 local = 01:00–01:59 UTC (winter time)
  assert.equal(s.tariffAt(Date.parse('2026-10-26T01:30:00Z')), 0);
  assert.equal(s.tariffAt(Date.parse('2026-10-26T00:30:00Z')), NO_TARIFF);
  // summer: 02:00 local = 00:00 UTC
  assert.equal(s.tariffAt(Date.parse('2026-07-01T00:00:00Z')), 0);
  assert.equal(s.ruleAt(20635, 150), 0);
  assert.equal(s.ruleAt(20635, 180), null);
  // a week from Monday 2026-11-23 00:00 local: uncovered = every day but 02:00–02:59 on weekdays
  const from = Date.parse('2026-11-22T23:00:00Z');
  const u = s.uncovered(from, from + 7 * 86_400_000);
  assert.deepEqual(u[0], { from: '2026-11-23 00:00', to: '2026-11-23 01:59' });
  assert.deepEqual(u[1], { from: '2026-11-23 03:00', to: '2026-11-24 01:59' });
  assert.deepEqual(u.at(-1), { from: '2026-11-27 03:00', to: '2026-11-29 23:59' }, 'the weekend in one stretch');
  assert.equal(u.length, 6);
});
