/**
 * STO-5: local calendar periods with Intl (DST days of 23 and 25 hours, zones with half-hour
 * offsets, a DST change at midnight).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayStartMs, localTime, parseDate, periodBoundaries, previousDate, barLabel, assertTimezone } from './calendar';
import { EnergyError } from './errors';

const iso = (ms: number) => new Date(ms).toISOString();

test('Europe/Paris: 29 March 2026 has 23 hourly bars, 25 October 2026 has 25', () => {
  const spring = periodBoundaries('Europe/Paris', 'day', parseDate('2026-03-29'));
  assert.equal(spring.length - 1, 23);
  assert.equal(iso(spring[0]), '2026-03-28T23:00:00.000Z');
  assert.equal(iso(spring[23]), '2026-03-29T22:00:00.000Z');
  const autumn = periodBoundaries('Europe/Paris', 'day', parseDate('2026-10-25'));
  assert.equal(autumn.length - 1, 25);
  assert.equal(iso(autumn[0]), '2026-10-24T22:00:00.000Z');
  assert.equal(iso(autumn[25]), '2026-10-25T23:00:00.000Z');
  assert.deepEqual([2, 3].map((i) => barLabel('Europe/Paris', 'day', autumn[i])), ['2026-10-25 02:00', '2026-10-25 02:00']);
  assert.equal(periodBoundaries('Europe/Paris', 'day', parseDate('2026-06-01')).length - 1, 24);
});

test('New York, Kolkata (+05:30) and Santiago (DST at midnight)', () => {
  assert.equal(periodBoundaries('America/New_York', 'day', parseDate('2026-03-08')).length - 1, 23);
  assert.equal(periodBoundaries('America/New_York', 'day', parseDate('2026-11-01')).length - 1, 25);
  const k = periodBoundaries('Asia/Kolkata', 'day', parseDate('2026-03-29'));
  assert.equal(k.length - 1, 24);
  assert.equal(iso(k[0]), '2026-03-28T18:30:00.000Z');
  // Chile skips from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00
  const start = dayStartMs('America/Santiago', parseDate('2026-09-06'));
  assert.deepEqual([localTime('America/Santiago', start).day, localTime('America/Santiago', start).hour], [6, 1]);
  assert.equal(localTime('America/Santiago', start - 1).day, 5);
  assert.equal(periodBoundaries('America/Santiago', 'day', parseDate('2026-09-06')).length - 1, 23);
});

test('month, year and decade boundaries; previous periods', () => {
  const tz = 'Europe/Paris';
  assert.equal(periodBoundaries(tz, 'month', parseDate('2026-02-14')).length, 29);
  assert.equal(periodBoundaries(tz, 'month', parseDate('2024-02-14')).length, 30);
  const year = periodBoundaries(tz, 'year', parseDate('2026-07-01'));
  assert.equal(year.length, 13);
  assert.equal(iso(year[3]), '2026-03-31T22:00:00.000Z');
  const decade = periodBoundaries(tz, 'decade', parseDate('2026-07-01'));
  assert.equal(decade.length, 11);
  assert.equal(localTime(tz, decade[0]).year, 2017);
  assert.deepEqual(previousDate('day', parseDate('2026-03-01')), { year: 2026, month: 2, day: 28 });
  assert.deepEqual(previousDate('month', parseDate('2026-01-31')), { year: 2025, month: 12, day: 1 });
  assert.deepEqual(previousDate('decade', parseDate('2026-01-31')), { year: 2016, month: 1, day: 1 });
});

test('bad dates and zones are domain errors with a code', () => {
  assert.throws(() => parseDate('2026-02-30'), (e: unknown) => e instanceof EnergyError && e.code === 'bad-date');
  assert.throws(() => parseDate('26-2-3'), (e: unknown) => e instanceof EnergyError && e.code === 'bad-date');
  assert.throws(() => assertTimezone('Mars/Olympus'), (e: unknown) => e instanceof EnergyError && e.code === 'bad-timezone');
});
