/**
 * @module state/costs-view
 * Pure helpers of costs in the consumption views and of the Tariffs views (CON-1…6 "cost in
 * the configured currency", CON-2, CON-4, COST-5): which unit a view may show, money
 * formatting, the cost and per-tariff charts built from a `costs=1` answer, totals per tariff,
 * pie shares of the shown tariffs, the gas "equivalent Wh" and the state of costs in an
 * answer (not answered, no tariff, a recomputation under way). No DOM, no fetch: tested with node.
 */
import type { CostRecompute, CostType, CostSeries, TariffEnergySeries } from '@ews/shared';
import type { ConsumptionResult } from '@ews/shared';
import { groupedChart, periodTotals, sumOf, totalsPerBar, type ChartData, type ChartSeries, type EnergyUnit } from './consumption';

// #region units

/**
 * What a chart or table shows: energy (Wh, dm³), the gas volume as "equivalent Wh" (COST-1
 * conversion factor), or the cost in the configured currency.
 */
export type DisplayUnit = 'energy' | 'equivalent' | 'cost';

export { costTypeOfCounter } from '@ews/shared';

/** An energy kind (`DeviceSummary.energyType`) as a cost type; null for `none`. */
export function costTypeOfEnergy(energy: string): CostType | null {
  return energy === 'electricity' || energy === 'gas' || energy === 'water' ? energy : null;
}

/**
 * The units a view may offer. CON-4: two devices of different kinds compare in currency only;
 * gas also in equivalent Wh when the conversion factor is known; an export counter has no cost.
 */
export function unitsFor(kinds: ReadonlyArray<string>, opts: { gasFactor?: number | null; exportCounter?: boolean } = {}): DisplayUnit[] {
  const distinct = [...new Set(kinds)];
  if (distinct.length > 1) return ['cost'];
  const out: DisplayUnit[] = ['energy'];
  if (distinct[0] === 'gas' && opts.gasFactor) out.push('equivalent');
  if (!opts.exportCounter) out.push('cost');
  return out;
}

/** The unit to show: the one chosen when it is offered, else the first offered. */
export function pickUnit(chosen: DisplayUnit, offered: ReadonlyArray<DisplayUnit>): DisplayUnit {
  return offered.includes(chosen) ? chosen : offered[0] ?? 'energy';
}

/** Gas volume as energy: dm³ × kWh/m³ = Wh (1 dm³ = 1/1000 m³, 1 kWh = 1000 Wh). */
export function equivalentWh(dm3: number | null, kwhPerM3: number): number | null {
  return dm3 === null ? null : dm3 * kwhPerM3;
}

/** A chart in dm³ as "equivalent Wh" (the values, sums and previous period multiplied). */
export function equivalentChart(c: ChartData, kwhPerM3: number): ChartData {
  if (c.unit !== 'dm3' || c.currency) return c;
  const conv = (v: number | null) => equivalentWh(v, kwhPerM3);
  return {
    ...c, unit: 'Wh',
    series: c.series.map((s) => ({ ...s, values: s.values.map(conv), sum: conv(s.sum) })),
    previous: c.previous ? c.previous.map(conv) : null,
    previousSum: conv(c.previousSum),
  };
}

// #endregion
// #region money

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, lang: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat | null {
  const key = `${currency}|${lang}|${JSON.stringify(opts)}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try { f = new Intl.NumberFormat(lang, { style: 'currency', currency, ...opts }); } catch { return null; }
    moneyFormats.set(key, f);
  }
  return f;
}

/** An amount in `currency` (ISO 4217) the way `lang` writes it: `€12.50`, `12,50 €`; `—` for null. */
export function formatMoney(v: number | null | undefined, currency: string, lang: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const f = moneyFormat(currency, lang, {});
  return f ? f.format(v) : `${v.toFixed(2)} ${currency}`;
}

/** An axis tick in currency: few digits, fewer as the axis grows (`€0.25`, `€12`, `€1.2K`). */
export function moneyTick(v: number, currency: string, lang: string, max: number): string {
  const big = Math.abs(max) >= 100_000;
  const digits = big ? 1 : Math.abs(max) >= 50 ? 0 : Math.abs(max) >= 5 ? 1 : 2;
  const opts: Intl.NumberFormatOptions = { minimumFractionDigits: 0, maximumFractionDigits: digits };
  if (big) opts.notation = 'compact';
  const f = moneyFormat(currency, lang, opts) ?? moneyFormat(currency, lang, { minimumFractionDigits: 0, maximumFractionDigits: digits });
  return f ? f.format(v) : `${Number(v.toFixed(digits))} ${currency}`;
}

/** The symbol of a currency in `lang` (`€`, `$`, `CHF`); the code when Intl does not know it. */
export function currencySymbol(currency: string, lang: string): string {
  const f = moneyFormat(currency, lang, { minimumFractionDigits: 0, maximumFractionDigits: 0 });
  return f?.formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
}

// #endregion
// #region costs of an answer

/**
 * What an answer says about costs: `unsupported` (the daemon did not add them), `export` (an
 * export counter: no cost), `noTariffs` (no tariff for the scope's energy type), or `ok`.
 */
export type CostState = 'unsupported' | 'export' | 'noTariffs' | 'ok';

export function costStateOf(r: ConsumptionResult): CostState {
  if (r.counter === 'activeEnergyExport') return 'export';
  if (!r.costs || !r.currency) return 'unsupported';
  return r.costs.length === 0 ? 'noTariffs' : 'ok';
}

/** The recomputation under way reported by any of the answers (COST-5), or null. */
export function recomputeOf(results: ReadonlyArray<ConsumptionResult> | null | undefined): CostRecompute | null {
  for (const r of results ?? []) if (r.recompute) return r.recompute;
  return null;
}

/** This period's and the previous period's cost of one answer (all tariffs); null when not costed. */
export function periodCosts(r: ConsumptionResult): { current: number | null; previous: number | null } | null {
  if (!r.costs) return null;
  return {
    current: sumOf(totalsPerBar(r.costs, r.x.length)),
    previous: sumOf(totalsPerBar(r.previous.costs ?? [], r.previous.x.length)),
  };
}

type PerTariff = ReadonlyArray<CostSeries | TariffEnergySeries>;

/** Series per tariff keyed by tariff id, without the hidden tariffs. */
function tariffSeries(list: PerTariff, n: number, hidden: ReadonlySet<string>): ChartSeries[] {
  return list.filter((s) => !hidden.has(s.tariffId)).map((s) => ({
    key: s.tariffId, label: s.label, color: s.color, values: s.values.slice(0, n), sum: sumOf(s.values.slice(0, n)),
  }));
}

const shownOf = (list: PerTariff | undefined, hidden: ReadonlySet<string>) => (list ?? []).filter((s) => !hidden.has(s.tariffId));

/**
 * One answer's costs as a chart: bars stacked per tariff in the tariffs' colours (keyed by
 * tariff id), the previous period's cost behind. `hidden`: tariffs toggled off, left out of
 * both periods. Null when the answer has no costs.
 */
export function costChart(r: ConsumptionResult, withPrevious = true, hidden: ReadonlySet<string> = new Set()): ChartData | null {
  if (!r.costs) return null;
  const n = r.x.length;
  const prev = totalsPerBar(shownOf(r.previous.costs, hidden), r.previous.x.length);
  return {
    x: r.x, period: r.period, timezone: r.timezone, unit: periodTotals(r).unit, currency: r.currency ?? r.costs[0]?.unit ?? '',
    ...(r.period === 'day' && n > 1 ? { end: r.x[n - 1] + 3600 } : {}),
    stacked: true, series: tariffSeries(r.costs, n, hidden),
    previous: withPrevious ? Array.from({ length: n }, (_, i) => prev[i] ?? null) : null,
    previousSum: withPrevious ? sumOf(prev) : null,
  };
}

/** One answer's energy per tariff (`byTariff`) as bars stacked per tariff; null without it. */
export function tariffEnergyChart(r: ConsumptionResult, withPrevious = true, hidden: ReadonlySet<string> = new Set()): ChartData | null {
  if (!r.byTariff) return null;
  const n = r.x.length;
  const prev = totalsPerBar(shownOf(r.previous.byTariff, hidden), r.previous.x.length);
  return {
    x: r.x, period: r.period, timezone: r.timezone, unit: r.byTariff[0]?.unit ?? periodTotals(r).unit,
    ...(r.period === 'day' && n > 1 ? { end: r.x[n - 1] + 3600 } : {}),
    stacked: true, series: tariffSeries(r.byTariff, n, hidden),
    previous: withPrevious ? Array.from({ length: n }, (_, i) => prev[i] ?? null) : null,
    previousSum: withPrevious ? sumOf(prev) : null,
  };
}

/** Several answers' costs side by side (all groups, two devices): each one's cost per bar. */
export function groupedCostChart(results: ConsumptionResult[], labels: string[]): ChartData | null {
  if (results.length === 0 || results.some((r) => !r.costs)) return null;
  const c = groupedChart(results, labels, (r) => r.costs ?? []);
  return { ...c, currency: results[0].currency ?? results[0].costs?.[0]?.unit ?? '' };
}

// #endregion
// #region tariffs total

export interface TariffRow {
  key: string;
  tariffId: string;
  label: string;
  color: string;
  /** The period's energy (Wh) or volume (dm³) under this tariff. */
  energy: number | null;
  cost: number | null;
  previousCost: number | null;
}

/**
 * The Tariffs Total table (COST-5): per tariff its energy and cost for the period, in the
 * daemon's order, and the energy that no cost rule covers (no tariff, no cost).
 */
export function tariffRows(r: ConsumptionResult): { rows: TariffRow[]; unit: EnergyUnit; uncovered: number | null; energy: number | null } {
  const n = r.x.length;
  const prevN = r.previous.x.length;
  const rows: TariffRow[] = (r.costs ?? []).map((c) => {
    const e = r.byTariff?.find((b) => b.tariffId === c.tariffId);
    const pc = r.previous.costs?.find((p) => p.tariffId === c.tariffId);
    return {
      key: c.tariffId, tariffId: c.tariffId, label: c.label, color: c.color,
      energy: e ? sumOf(e.values.slice(0, n)) : null,
      cost: sumOf(c.values.slice(0, n)),
      previousCost: pc ? sumOf(pc.values.slice(0, prevN)) : null,
    };
  });
  const totals = periodTotals(r);
  const perTariff = sumOf(rows.map((x) => x.energy));
  // Σ byTariff may be less than the consumption: minutes no rule covers have no tariff.
  const gap = totals.current === null ? null : totals.current - (perTariff ?? 0);
  const uncovered = gap !== null && gap > Math.max(1e-6, Math.abs(totals.current ?? 0) * 1e-9) ? gap : null;
  return { rows, unit: r.byTariff?.[0]?.unit ?? totals.unit, uncovered, energy: totals.current };
}

// #endregion
// #region pie

export interface Slice { key: string; label: string; color: string; value: number | null }
export interface ShownSlice extends Slice {
  /** Toggled off: not drawn, not in the percentages. */
  hidden: boolean;
  /** Percent of the shown slices' total (whole numbers adding up to 100); null when hidden or empty. */
  share: number | null;
}

/**
 * Whole percentages of the shown, positive slices that add up to exactly 100 (largest
 * remainder), and the shown total. Hidden or empty slices have no share.
 */
export function pieShares(slices: ReadonlyArray<Slice>, hidden: ReadonlySet<string> = new Set()): { slices: ShownSlice[]; total: number } {
  const counted = (s: Slice) => !hidden.has(s.key) && s.value !== null && s.value > 0;
  const total = slices.reduce((a, s) => a + (counted(s) ? s.value! : 0), 0);
  const exact = slices.map((s) => (counted(s) && total > 0 ? (100 * s.value!) / total : null));
  const floors = exact.map((e) => (e === null ? null : Math.floor(e)));
  let left = 100 - floors.reduce<number>((a, f) => a + (f ?? 0), 0);
  if (total <= 0) left = 0;
  const order = exact
    .map((e, i) => ({ i, rem: e === null ? -1 : e - Math.floor(e) }))
    .filter((x) => x.rem >= 0)
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  const shares = [...floors];
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return { slices: slices.map((s, i) => ({ ...s, hidden: hidden.has(s.key), share: shares[i] })), total };
}

/** Adds or removes `key` from a set of hidden keys (a new array, for a signal). */
export function toggled(hidden: ReadonlyArray<string>, key: string): string[] {
  return hidden.includes(key) ? hidden.filter((k) => k !== key) : [...hidden, key];
}

// #endregion
