/**
 * @module energy/consumption
 * Consumption bars for a scope and a calendar period: consumption over a bar is
 * counter(end) − counter(start) of the scope's corrected running counter, so N bars are N+1
 * reads whatever their span (day: hourly bars, month: daily, year: monthly, decade: yearly).
 * The answer is uPlot's columnar shape, with the previous period beside it. For `total`, one
 * series per load (stacked; devices without a load are in "others"): they add up to the total.
 */
import type { CounterKind, ConsumptionQuery, Bars, BarSeries, ConsumptionResult } from '@ews/shared';
import type { HistoryStore } from '../store/index';
import { counterUnit } from '../store/index';
import { PERIODS, parseDate, periodBoundaries, previousDate, formatDate, type Period } from './calendar';
import { OTHERS_LOAD, defaultLabel, parseScope, scopeKey } from './scopes';
import { EnergyError } from './errors';
import { compareText } from '../util/compare';

export type { ConsumptionQuery, BarSeries, Bars, ConsumptionResult } from '@ews/shared';

export interface ConsumptionOptions {
  timezone: string;
  labelOf?: (scope: string) => string | undefined;
}

const DEFAULT_ORDER: CounterKind[] = ['activeEnergyImport', 'water', 'gas', 'activeEnergyExport'];

function defaultCounter(store: HistoryStore, scope: string): CounterKind {
  if (scope === 'type:water') return 'water';
  if (scope === 'type:gas') return 'gas';
  if (scope === 'total' || scope === 'type:electricity') return 'activeEnergyImport';
  return DEFAULT_ORDER.find((k) => store.series(scope, k)) ?? 'activeEnergyImport';
}

interface Source { key: string; label: string; seriesId: number | undefined }

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function bars(store: HistoryStore, sources: Source[], unit: 'Wh' | 'dm3', bounds: number[]): Bars {
  const latest = store.latestSlotMs();
  const n = bounds.length - 1;
  const series = sources.map(({ key, label, seriesId }): BarSeries => {
    const values: Array<number | null> = new Array(n).fill(null);
    const span = seriesId === undefined ? undefined : store.counterSpan(seriesId);
    if (span && latest !== undefined) {
      let start = store.counterAt(seriesId!, bounds[0]) ?? NaN;
      for (let i = 0; i < n; i++) {
        const end = bounds[i + 1] <= span.firstSlotMs ? NaN : store.counterAt(seriesId!, bounds[i + 1]) ?? NaN;
        if (bounds[i] <= latest && bounds[i + 1] > span.firstSlotMs && !Number.isNaN(end)) {
          values[i] = round3(end - (Number.isNaN(start) ? span.firstValue : start));
        }
        start = end;
      }
    }
    return { key, label, unit, values };
  });
  return { x: bounds.slice(0, -1).map((ms) => Math.floor(ms / 1000)), series };
}

export function consumption(store: HistoryStore, q: ConsumptionQuery, opts: ConsumptionOptions): ConsumptionResult {
  const scope = scopeKey(parseScope(q.scope));
  if (!PERIODS.includes(q.period)) throw new EnergyError('bad-period', `unknown period "${String(q.period)}" (day, month, year, decade)`);
  const date = parseDate(q.date);
  const counter = q.counter ?? defaultCounter(store, scope);
  const label = (s: string) => opts.labelOf?.(s) ?? defaultLabel(s);
  let sources: Source[];
  if (scope === 'total' && q.byLoad !== false) {
    const loads = store.listSeries({ kind: 'counter', scopePrefix: 'load:', counter })
      .sort((a, b) => Number(a.scope === `load:${OTHERS_LOAD}`) - Number(b.scope === `load:${OTHERS_LOAD}`) || compareText(a.scope, b.scope));
    sources = loads.map((s) => ({ key: s.scope, label: label(s.scope), seriesId: s.id }));
  } else sources = [];
  if (sources.length === 0) sources = [{ key: scope, label: label(scope), seriesId: store.series(scope, counter)?.id }];
  const unit = counterUnit(counter);
  const current = bars(store, sources, unit, periodBoundaries(opts.timezone, q.period, date));
  const previous = bars(store, sources, unit, periodBoundaries(opts.timezone, q.period, previousDate(q.period, date)));
  return { scope, period: q.period, date: formatDate(date), timezone: opts.timezone, counter, ...current, previous };
}
