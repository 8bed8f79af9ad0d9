/**
 * @module costs/bars
 * Costs of consumption bars (COST-5): per tariff, the energy of the bar that fell in the tariff
 * (two reads of the ledger) times the price in force. Prices start at local days, so a bar that
 * contains a price change is cut there and each part takes its own price: a change on the 15th
 * splits the month exactly. Energy in no tariff (no rule covered its minutes) has no cost.
 */
import type { BarSeries, CostSeries, CounterKind, Tariff, TariffEnergySeries } from '@ews/shared';
import type { HistoryStore } from '../store/index';
import { dayStartMs, parseDate } from '../energy/index';

/** A price and the instants it is in force: [startMs, endMs). */
export interface PriceSpan { price: number; startMs: number; endMs: number }

/** The spans of a tariff's prices in a zone: each from its start day until the next one's. */
export function priceSpans(tariff: Pick<Tariff, 'prices'>, timezone: string): PriceSpan[] {
  const starts = tariff.prices.map((p) => ({ price: p.price, startMs: p.from ? dayStartMs(timezone, parseDate(p.from)) : -Infinity }))
    .sort((a, b) => a.startMs - b.startMs);
  return starts.map((p, i) => ({ ...p, endMs: i + 1 < starts.length ? starts[i + 1].startMs : Infinity }));
}

/** Price units: per kWh of Wh counters, per m³ of dm³ counters. */
const PER_UNIT = 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface TariffBars { costs: CostSeries[]; byTariff: TariffEnergySeries[] }

/**
 * Cost and energy per tariff for each bar [bounds[i], bounds[i+1]) of a scope's counter.
 * `consumption` gives which bars have data: the others are null.
 */
export function tariffBars(
  store: HistoryStore, scope: string, counter: CounterKind, bounds: number[], tariffs: readonly Tariff[],
  opts: { timezone: string; currency: string; consumption: readonly BarSeries[] },
): TariffBars {
  const n = bounds.length - 1;
  const hasData = (i: number) => opts.consumption.some((s) => s.values[i] !== null && s.values[i] !== undefined);
  const unit = counter === 'water' || counter === 'gas' ? 'dm3' : 'Wh';
  const costs: CostSeries[] = [];
  const byTariff: TariffEnergySeries[] = [];
  for (const t of tariffs) {
    const at = (ms: number) => store.tariffEnergyAt(scope, counter, t.id, ms);
    const edges = store.tariffEnergyAtEach(scope, counter, t.id, bounds);
    const spans = priceSpans(t, opts.timezone);
    const energy: Array<number | null> = [];
    const cost: Array<number | null> = [];
    for (let i = 0; i < n; i++) {
      if (!hasData(i)) { energy.push(null); cost.push(null); continue; }
      const a = bounds[i], b = bounds[i + 1];
      energy.push(Math.round((edges[i + 1] - edges[i]) * 1000) / 1000);
      let c = 0;
      for (const s of spans) {
        const lo = Math.max(a, s.startMs), hi = Math.min(b, s.endMs);
        if (lo >= hi) continue;
        const e = (hi === b ? edges[i + 1] : at(hi)) - (lo === a ? edges[i] : at(lo));
        c += (e / PER_UNIT) * s.price;
      }
      cost.push(round6(c));
    }
    costs.push({ key: `tariff:${t.id}`, label: t.name, unit: opts.currency, tariffId: t.id, color: t.color, values: cost });
    byTariff.push({ key: `tariff:${t.id}`, label: t.name, unit, tariffId: t.id, color: t.color, values: energy });
  }
  return { costs, byTariff };
}
