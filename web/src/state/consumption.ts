/**
 * @module state/consumption
 * Pure helpers of the Consumptions pages and the kiosk (CON-1…6, BEY-1): calendar stepping on
 * `YYYY-MM-DD` dates, period titles and bar labels in the installation's time zone, the chart
 * data built from `GET /api/consumption` answers (stacked per load, side by side, previous
 * period), units for the axis, colours, and the kiosk's view list. No DOM, no fetch: tested
 * with node.
 */
import { ENERGY_COLORS, formatDate, parseLocalDate } from '@ews/shared';
import type { BarSeries, Bars, ConsumptionQuery, ConsumptionResult, Period } from '@ews/shared';

export { ENERGY_COLORS };


const pad = (n: number) => String(n).padStart(2, '0');

/** Today in `timezone` (the installation's), or in the browser's zone when unknown. */
export function todayIn(timezone?: string, now: Date = new Date()): string {
  if (timezone) {
    try {
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now);
      const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
      const ymd = { year: get('year'), month: get('month'), day: get('day') };
      if (ymd.year && ymd.month && ymd.day) return formatDate(ymd);
    } catch { /* unknown zone: the browser's */ }
  }
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The title of a period: "Saturday 21 November 2026", "November 2026", "2026", "2017 – 2026". */
export function periodTitle(date: string, period: Period, lang: string): string {
  const { year: y, month: m, day: d } = parseLocalDate(date) ?? { year: 1970, month: 1, day: 1 };
  const at = new Date(Date.UTC(y, m - 1, d, 12));
  try {
    if (period === 'day') return at.toLocaleDateString(lang, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    if (period === 'month') return at.toLocaleDateString(lang, { timeZone: 'UTC', month: 'long', year: 'numeric' });
  } catch { /* fall through */ }
  if (period === 'day') return date;
  if (period === 'month') return date.slice(0, 7);
  if (period === 'year') return String(y);
  return `${y - 9} – ${y}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string, timezone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${timezone}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    try { f = new Intl.DateTimeFormat(lang, { ...opts, timeZone: timezone }); } catch { f = new Intl.DateTimeFormat(lang, opts); }
    formatters.set(key, f);
  }
  return f;
}

/** The short label of a bar on the axis: `14h`, `21`, `Nov`, `2026`. */
export function barLabel(xSec: number, period: Period, timezone: string, lang: string): string {
  const at = new Date(xSec * 1000);
  if (period === 'day') {
    const h = formatter('en-GB', timezone, { hour: '2-digit', hourCycle: 'h23' }).format(at).replace(/\D/g, '');
    return `${Number(h)}h`;
  }
  if (period === 'month') return formatter('en-GB', timezone, { day: 'numeric' }).format(at);
  if (period === 'year') return formatter(lang, timezone, { month: 'short' }).format(at).replace(/\.$/, '');
  return formatter('en-GB', timezone, { year: 'numeric' }).format(at);
}

/** The full label of a bar (hover, tables): `14:00 – 15:00`, `Sat 21 Nov 2026`, `November 2026`, `2026`. */
export function barTitle(xSec: number, nextSec: number | undefined, period: Period, timezone: string, lang: string): string {
  const at = new Date(xSec * 1000);
  if (period === 'day') {
    const f = formatter(lang, timezone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return nextSec === undefined ? f.format(at) : `${f.format(at)} – ${f.format(new Date(nextSec * 1000))}`;
  }
  if (period === 'month') return formatter(lang, timezone, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(at);
  if (period === 'year') return formatter(lang, timezone, { month: 'long', year: 'numeric' }).format(at);
  return formatter('en-GB', timezone, { year: 'numeric' }).format(at);
}

// #endregion
// #region units

export type EnergyUnit = BarSeries['unit'];

/** The unit of an axis whose largest value is `max`: a divisor and its label (kWh, MWh, m³…). */
export function axisUnit(max: number, unit: EnergyUnit): { div: number; label: string } {
  const abs = Math.abs(max);
  if (unit === 'dm3') return abs >= 10_000 ? { div: 1000, label: 'm³' } : { div: 1, label: 'dm³' };
  if (abs >= 1e9) return { div: 1e9, label: 'GWh' };
  if (abs >= 1e6) return { div: 1e6, label: 'MWh' };
  if (abs >= 1e3) return { div: 1e3, label: 'kWh' };
  return { div: 1, label: 'Wh' };
}

/** A number for an axis tick: few digits. */
export function tickText(v: number): string {
  const a = Math.abs(v);
  return a >= 100 || v === 0 ? String(Math.round(v)) : a >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '');
}

/** Sum of the recorded values; null when none is recorded. */
export function sumOf(values: ReadonlyArray<number | null>): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) sum = (sum ?? 0) + v;
  return sum;
}

// #endregion
// #region colours

const LOAD_COLORS: Record<string, string> = {
  lighting: '#f2c12e', heating: '#d9534f', 'air-conditioning': '#3ba7d9', ventilation: '#5cb8a5',
  'power-sockets': '#8e6fc1', 'ev-charging': '#43a047', others: '#9aa5b1', water: ENERGY_COLORS.water, gas: ENERGY_COLORS.gas,
};
const PALETTE = ['#1f4e79', '#f08a00', '#c2185b', '#00897b', '#6d4c41', '#3949ab', '#7cb342', '#f06292', '#546e7a', '#e6862a'];

/** A stable colour for a series key (`load:lighting`, `group:group-2`…); `index` for the others. */
export function seriesColor(key: string, index: number): string {
  const load = key.startsWith('load:') ? key.slice(5) : null;
  if (load && LOAD_COLORS[load]) return LOAD_COLORS[load];
  if (key === 'type:electricity' || key === 'total') return ENERGY_COLORS.electricity;
  if (key === 'type:gas') return ENERGY_COLORS.gas;
  if (key === 'type:water') return ENERGY_COLORS.water;
  return PALETTE[index % PALETTE.length];
}

// #endregion
// #region chart data

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  values: Array<number | null>;
  /** Sum over the period; null when nothing is recorded. */
  sum: number | null;
}

export interface ChartData {
  /** Bar starts, epoch seconds. */
  x: number[];
  /** The start of the bar after the last one (for the last bar's title), when known. */
  end?: number;
  period: Period;
  timezone: string;
  /** The energy unit of the scope (of the values unless `currency` is set). */
  unit: EnergyUnit;
  /** Set when the values are costs: the currency (ISO 4217). */
  currency?: string;
  /** true: one bar per x, stacked by series; false: the series side by side. */
  stacked: boolean;
  series: ChartSeries[];
  /** The previous period's total per bar (same index), or null when not shown. */
  previous: Array<number | null> | null;
  /** The previous period's total. */
  previousSum: number | null;
}

/** Per bar, the sum of the series' values (null where none is recorded). */
export function totalsPerBar(series: ReadonlyArray<{ values: ReadonlyArray<number | null> }>, n: number): Array<number | null> {
  const out: Array<number | null> = new Array(n).fill(null);
  for (const s of series) {
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (v !== null && v !== undefined) out[i] = (out[i] ?? 0) + v;
    }
  }
  return out;
}

/** Running sums for stacked bars: row `j` is series 0…j added up (null where nothing is recorded). */
export function stack(series: ReadonlyArray<{ values: ReadonlyArray<number | null> }>, n: number): Array<Array<number | null>> {
  const acc: number[] = new Array(n).fill(0);
  const any: boolean[] = new Array(n).fill(false);
  return series.map((s) => {
    const row: Array<number | null> = new Array(n).fill(null);
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (v !== null && v !== undefined) { acc[i] += v; any[i] = true; }
      row[i] = any[i] ? acc[i] : null;
    }
    return row;
  });
}

/** Number of bars with at least one recorded value. */
export function drawnBars(data: ChartData): number {
  let n = 0;
  for (let i = 0; i < data.x.length; i++) if (data.series.some((s) => s.values[i] !== null && s.values[i] !== undefined)) n++;
  return n;
}

function endOf(r: ConsumptionResult): number | undefined {
  const n = r.x.length;
  if (n < 2) return undefined;
  // Bars of a period are contiguous: the next period starts where the pattern continues.
  if (r.period === 'day') return r.x[n - 1] + 3600;
  return undefined;
}

/**
 * One answer as a chart: its series stacked (one per load for the grand total, or a single
 * series), with the previous period's totals behind the bars.
 */
export function stackedChart(r: ConsumptionResult, labelOf: (key: string, label: string) => string = (_k, l) => l, withPrevious = true): ChartData {
  const n = r.x.length;
  const series = r.series.map((s, i): ChartSeries => ({
    key: s.key, label: labelOf(s.key, s.label), color: seriesColor(s.key, i), values: s.values.slice(0, n), sum: sumOf(s.values),
  }));
  const prevTotals = totalsPerBar(r.previous.series, r.previous.x.length);
  return {
    x: r.x, end: endOf(r), period: r.period, timezone: r.timezone, unit: r.series[0]?.unit ?? 'Wh', stacked: true, series,
    previous: withPrevious ? Array.from({ length: n }, (_, i) => prevTotals[i] ?? null) : null,
    previousSum: withPrevious ? sumOf(prevTotals) : null,
  };
}

/**
 * Several answers of the same period side by side (measure groups, two devices): one series
 * each, their totals when an answer has several. They must share a unit. `pick`: which series
 * of an answer are added up (its consumption, or its costs per tariff).
 */
export function groupedChart(
  results: ConsumptionResult[], labels: string[],
  pick: (r: ConsumptionResult) => Bars['series'] | NonNullable<Bars['costs']> = (r) => r.series,
): ChartData {
  const r0 = results[0];
  const n = r0.x.length;
  const series = results.map((r, i): ChartSeries => {
    const values = totalsPerBar(pick(r), n);
    // Groups and devices take the palette in order (so two devices never share a colour).
    const color = r.scope.startsWith('type:') || r.scope.startsWith('load:') ? seriesColor(r.scope, i) : PALETTE[i % PALETTE.length];
    return { key: r.scope, label: labels[i] ?? r.scope, color, values, sum: sumOf(values) };
  });
  return { x: r0.x, end: endOf(r0), period: r0.period, timezone: r0.timezone, unit: r0.series[0]?.unit ?? 'Wh', stacked: false, series, previous: null, previousSum: null };
}

/** This period's and the previous period's totals of one answer. */
export function periodTotals(r: ConsumptionResult): { current: number | null; previous: number | null; unit: EnergyUnit } {
  return {
    current: sumOf(totalsPerBar(r.series, r.x.length)),
    previous: sumOf(totalsPerBar(r.previous.series, r.previous.x.length)),
    unit: r.series[0]?.unit ?? (r.counter === 'water' || r.counter === 'gas' ? 'dm3' : 'Wh'),
  };
}

// #endregion
// #region kiosk

/** What a kiosk view shows: the grand total, the overall table, or one scope. */
export interface KioskView { id: string; what: 'total' | 'overall' | 'scope'; scope?: string; period: Period }

export const DEFAULT_KIOSK_VIEWS = 'total-day,total-month,overall';
export const DEFAULT_KIOSK_EVERY_S = 20;

/**
 * `total-day,total-month,overall,group:group-1-month,device:3-year` → views. A view without a
 * period shows a day (grand total, scopes) or a month (overall); unknown ones are skipped.
 */
export function parseKioskViews(text: string | undefined): KioskView[] {
  const out: KioskView[] = [];
  for (const raw of (text || DEFAULT_KIOSK_VIEWS).split(',')) {
    const id = raw.trim();
    if (!id) continue;
    const m = /^(.*?)(?:-(day|month|year|decade))?$/.exec(id);
    if (!m) continue;
    const head = m[1];
    const period = m[2] as Period | undefined;
    if (head === 'total') out.push({ id, what: 'total', period: period ?? 'day' });
    else if (head === 'overall') out.push({ id, what: 'overall', period: period ?? 'month' });
    else if (/^(type:(electricity|water|gas)|load:[A-Za-z0-9-]+|group:[A-Za-z0-9-]+|device:\d+)$/.test(head)) {
      out.push({ id, what: 'scope', scope: head, period: period ?? 'day' });
    }
  }
  return out.length ? out : parseKioskViews(DEFAULT_KIOSK_VIEWS);
}

/** The rotation period in seconds (5 s to 1 h; 20 s by default). */
export function parseKioskEvery(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) && n >= 5 && n <= 3600 ? Math.round(n) : DEFAULT_KIOSK_EVERY_S;
}

/** Kiosk views a kiosk page offers, beside the scopes: the grand total and the Overall table. */
export type KioskWhat = 'total' | 'overall' | `${'type' | 'load' | 'group' | 'device'}:${string}`;

/** A kiosk view's id in the link: `total-day`, `overall-month`, `group:group-1-year`. */
export function kioskViewId(what: KioskWhat, period: Period): string {
  return `${what}-${period}`;
}

/** Keeps `:` and `,` readable in a kiosk link (both are safe in a hash query). */
const linkPart = (v: string) => encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/**
 * The kiosk link built on the administrator's kiosk page (BEY-1):
 * `<origin>/#/kiosk?token=…&views=…&every=…[&lang=…]`; the views in the order chosen.
 */
export function kioskLink(o: { origin: string; token: string; views: readonly string[]; everyS: number; lang?: string }): string {
  const q = [`token=${linkPart(o.token)}`];
  if (o.views.length) q.push(`views=${linkPart(o.views.join(','))}`);
  q.push(`every=${parseKioskEvery(String(o.everyS))}`);
  if (o.lang) q.push(`lang=${linkPart(o.lang)}`);
  return `${o.origin}/#/kiosk?${q.join('&')}`;
}

// #endregion

/** The queries of the three energies of the Overall page (CON-2), with their costs. */
export function overallQueries(period: Period, date: string): ConsumptionQuery[] {
  return (['electricity', 'gas', 'water'] as const).map((e) => ({ scope: `type:${e}`, period, date, costs: true }));
}
