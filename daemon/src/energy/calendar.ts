/**
 * @module energy/calendar
 * Days, months and years in the installation's IANA time zone (STO-5) with the platform's
 * `Intl.DateTimeFormat`: a day starts at its first local instant, so a DST day has 23 or 25
 * hours; bars are cut at local boundaries and stored slots stay in UTC.
 */
import { EnergyError } from './errors';

export type Period = 'day' | 'month' | 'year' | 'decade';
export const PERIODS: readonly Period[] = ['day', 'month', 'year', 'decade'];

export interface LocalDate { year: number; month: number; day: number }
export interface LocalTime extends LocalDate { hour: number; minute: number; second: number }

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch (cause) {
      throw new EnergyError('bad-timezone', `unknown time zone "${tz}"`, { cause });
    }
    formatters.set(tz, f);
  }
  return f;
}

export function assertTimezone(tz: string): void { formatter(tz); }

export function localTime(tz: string, ms: number): LocalTime {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0;
  return out;
}

/** Local minus UTC at instant `ms`. */
export function offsetMs(tz: string, ms: number): number {
  const l = localTime(tz, ms);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(ms / 1000) * 1000;
}

const sameDate = (a: LocalDate, b: LocalDate) => a.year === b.year && a.month === b.month && a.day === b.day;
const dayStarts = new Map<string, number>();

/** First instant (epoch ms) of a local calendar day. */
export function dayStartMs(tz: string, date: LocalDate): number {
  const key = `${tz}|${date.year}-${date.month}-${date.day}`;
  const cached = dayStarts.get(key);
  if (cached !== undefined) return cached;
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  const t1 = guess - offsetMs(tz, guess);
  const t2 = guess - offsetMs(tz, t1);
  let best = Infinity;
  for (const t of [t1, t2]) if (sameDate(localTime(tz, t), date)) best = Math.min(best, t);
  if (best === Infinity) { // midnight skipped and both guesses fell on the day before
    for (let t = Math.min(t1, t2); t < guess + 2 * 86_400_000; t += 15 * 60_000) if (sameDate(localTime(tz, t), date)) { best = t; break; }
  }
  if (dayStarts.size > 20_000) dayStarts.clear();
  dayStarts.set(key, best);
  return best;
}

export function parseDate(text: string): LocalDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) return { year, month, day };
  }
  throw new EnergyError('bad-date', `"${text}" is not a date (YYYY-MM-DD)`);
}

/** Calendar arithmetic (no zone involved). */
export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export const formatDate = (d: LocalDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Bar boundaries (N+1 instants for N bars) of the period containing `date`. */
export function periodBoundaries(tz: string, period: Period, date: LocalDate): number[] {
  const { year, month } = date;
  const out: number[] = [];
  switch (period) {
    case 'day': {
      const start = dayStartMs(tz, date), end = dayStartMs(tz, addDays(date, 1));
      for (let t = start; t < end; t += HOUR_MS) out.push(t);
      out.push(end);
      return out;
    }
    case 'month': {
      for (let d: LocalDate = { year, month, day: 1 }; d.month === month; d = addDays(d, 1)) out.push(dayStartMs(tz, d));
      out.push(dayStartMs(tz, month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 }));
      return out;
    }
    case 'year':
      for (let m = 1; m <= 12; m++) out.push(dayStartMs(tz, { year, month: m, day: 1 }));
      out.push(dayStartMs(tz, { year: year + 1, month: 1, day: 1 }));
      return out;
    case 'decade':
      for (let y = year - 9; y <= year + 1; y++) out.push(dayStartMs(tz, { year: y, month: 1, day: 1 }));
      return out;
    default:
      throw new EnergyError('bad-period', `unknown period "${String(period)}" (day, month, year, decade)`);
  }
}

/** The same kind of period just before: yesterday, last month, last year, the 10 years before. */
export function previousDate(period: Period, d: LocalDate): LocalDate {
  switch (period) {
    case 'day': return addDays(d, -1);
    case 'month': return d.month === 1 ? { year: d.year - 1, month: 12, day: 1 } : { year: d.year, month: d.month - 1, day: 1 };
    case 'year': return { year: d.year - 1, month: 1, day: 1 };
    default: return { year: d.year - 10, month: 1, day: 1 };
  }
}

/** A bar's start as shown in tables and CSV: `YYYY-MM-DD HH:mm`, `YYYY-MM-DD`, `YYYY-MM`, `YYYY`. */
export function barLabel(tz: string, period: Period, ms: number): string {
  const l = localTime(tz, ms);
  const date = formatDate(l);
  if (period === 'day') return `${date} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
  if (period === 'month') return date;
  if (period === 'year') return date.slice(0, 7);
  return String(l.year);
}
