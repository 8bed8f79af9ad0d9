/**
 * @module calendar
 * Calendar periods on `YYYY-MM-DD` dates, with no time zone involved: the daemon cuts bars at
 * local boundaries with these (energy/calendar adds the zone), the SPA steps through periods
 * with the same functions. No zod, no DOM, no node: both sides import it at run time.
 */

export const PERIODS = ['day', 'month', 'year', 'decade'] as const;
export type Period = (typeof PERIODS)[number];

export interface LocalDate { year: number; month: number; day: number }

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A real calendar date `YYYY-MM-DD`, or undefined. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) ? { year, month, day } : undefined;
}

export const isLocalDate = (text: string): boolean => parseLocalDate(text) !== undefined;

export const formatDate = (d: LocalDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Calendar arithmetic (no zone involved). */
export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The first day of the same kind of period just before: yesterday, last month, last year, the 10 years before. */
export function previousDate(period: Period, d: LocalDate): LocalDate {
  switch (period) {
    case 'day': return addDays(d, -1);
    case 'month': return d.month === 1 ? { year: d.year - 1, month: 12, day: 1 } : { year: d.year, month: d.month - 1, day: 1 };
    case 'year': return { year: d.year - 1, month: 1, day: 1 };
    default: return { year: d.year - 10, month: 1, day: 1 };
  }
}

/** The date `n` periods after `date` (before when negative); the day is kept where it exists. */
export function stepDate(date: string, period: Period, n: number): string {
  const { year: y, month: m, day: d } = parseLocalDate(date) ?? { year: 1970, month: 1, day: 1 };
  if (period === 'day') return formatDate(addDays({ year: y, month: m, day: d }, n));
  if (period === 'month') {
    const months = y * 12 + (m - 1) + n;
    const ny = Math.floor(months / 12);
    const nm = months - ny * 12 + 1;
    return formatDate({ year: ny, month: nm, day: Math.min(d, daysIn(ny, nm)) });
  }
  const ny = y + (period === 'year' ? n : 10 * n);
  return formatDate({ year: ny, month: m, day: Math.min(d, daysIn(ny, m)) });
}

/** A comparable key of the period that contains `date` (`2026-11`, `2026`…). */
function periodKey(date: string, period: Period): string {
  if (period === 'day') return date;
  if (period === 'month') return date.slice(0, 7);
  return date.slice(0, 4);
}

/** True when the period of `date` is after the one containing `today` (nothing to show there). */
export function isAfterToday(date: string, period: Period, today: string): boolean {
  if (period === 'decade') return Number(date.slice(0, 4)) > Number(today.slice(0, 4));
  return periodKey(date, period) > periodKey(today, period);
}

/** True when the period of `date` contains `today` (its bars still grow). */
export function containsToday(date: string, period: Period, today: string): boolean {
  if (period === 'decade') {
    const y = Number(date.slice(0, 4));
    const t = Number(today.slice(0, 4));
    return t <= y && t > y - 10;
  }
  return periodKey(date, period) === periodKey(today, period);
}
