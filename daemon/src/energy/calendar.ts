/**
 * @module energy/calendar
 * Days, months and years in the installation's IANA time zone (STO-5) with the platform's
 * system's tz database (energy/zoneinfo; `Intl.DateTimeFormat` when the zone has no file there):
 * a day starts at its first local instant, so a DST day has 23 or 25 hours; bars are cut at local
 * boundaries and stored slots stay in UTC.
 */
import { addDays, formatDate, parseLocalDate, previousDate, PERIODS, type LocalDate, type Period } from '@ews/shared';
import { EnergyError } from './errors';
import { zoneOffsets } from './zoneinfo';

export { addDays, formatDate, previousDate, PERIODS, type LocalDate, type Period };
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

export function assertTimezone(tz: string): void { if (!zoneOffsets(tz)) formatter(tz); }

/** Whether `tz` names a zone: the tz database first, Intl when the zone has no file there. */
export function knowsTimeZone(tz: string): boolean {
  try { assertTimezone(tz); return true; } catch { return false; }
}

export function localTime(tz: string, ms: number): LocalTime {
  const zone = zoneOffsets(tz);
  if (zone) {
    const s = Math.floor(ms / 1000);
    const d = new Date((s + zone(s)) * 1000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0;
  return out;
}

/** Local minus UTC at instant `ms`. */
export function offsetMs(tz: string, ms: number): number {
  const zone = zoneOffsets(tz);
  if (zone) return zone(Math.floor(ms / 1000)) * 1000;
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
  const d = parseLocalDate(text);
  if (!d) throw new EnergyError('bad-date', `"${text}" is not a date (YYYY-MM-DD)`);
  return d;
}

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

/** A bar's start as shown in tables and CSV: `YYYY-MM-DD HH:mm`, `YYYY-MM-DD`, `YYYY-MM`, `YYYY`. */
export function barLabel(tz: string, period: Period, ms: number): string {
  const l = localTime(tz, ms);
  const date = formatDate(l);
  if (period === 'day') return `${date} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
  if (period === 'month') return date;
  if (period === 'year') return date.slice(0, 7);
  return String(l.year);
}
