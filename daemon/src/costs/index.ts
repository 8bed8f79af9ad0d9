/**
 * @module costs
 * Bill of consumptions (COST-1…5): the configured rules become a tariff schedule per energy
 * type, installed into the history store's cost ledger (which recomputes history in the
 * background when they change); consumption answers get cost and per-tariff energy series; the
 * rules page gets the rule in force and the uncovered periods of the coming week.
 */
import { COST_TYPES, costTypeOfCounter, type ConsumptionResult, type CostRecompute, type CostRulesView, type CostType } from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { HistoryStore, ProfileOf } from '../store/index';
import { parseDate, periodBoundaries, previousDate } from '../energy/index';
import type { Clock } from '../util/clock';
import { TariffSchedule } from './schedule';
import { tariffBars } from './bars';

export { TariffSchedule, NO_TARIFF } from './schedule';
export { tariffBars, priceSpans, type PriceSpan, type TariffBars } from './bars';

const WEEK_MS = 7 * 86_400_000;

export interface CostsOptions {
  config: ConfigStore;
  store: HistoryStore;
  clock: Clock;
}

export class Costs {
  private schedules = new Map<CostType, TariffSchedule>();
  private readonly config: ConfigStore;
  private readonly store: HistoryStore;
  private readonly clock: Clock;

  constructor(opts: CostsOptions) {
    this.config = opts.config;
    this.store = opts.store;
    this.clock = opts.clock;
    this.build();
  }

  /** The schedule of each type from the configuration (rules, tariffs, zone). */
  private build(): CostType[] {
    const changed: CostType[] = [];
    const timezone = this.config.time().timezone;
    for (const type of COST_TYPES) {
      const next = new TariffSchedule({ tariffIds: this.config.tariffs(type).map((t) => t.id), rules: this.config.costRules(type), timezone });
      if (this.schedules.get(type)?.key === next.key) continue;
      this.schedules.set(type, next);
      changed.push(type);
    }
    return changed;
  }

  readonly profiles: ProfileOf = (kind) => this.schedules.get(kind)!;

  /**
   * After a change of the costs or the time zone: new schedules, and history recomputed in the
   * background where they differ (its progress shows at once). The promise resolves when the
   * recomputation is over; failures are the store's to report.
   */
  refresh(): Promise<void> {
    const changed = this.build();
    return changed.length ? this.store.setProfiles(this.profiles, changed) : Promise.resolve();
  }

  /** Installs the schedules into the store (at start: history is checked in the background). */
  start(): Promise<void> { return this.store.setProfiles(this.profiles, []); }

  recompute(): CostRecompute | null {
    const p = this.store.costProgress();
    return p ? { types: p.kinds, percent: p.percent, startedAt: new Date(p.startedAtMs).toISOString() } : null;
  }

  rulesView(type: CostType): CostRulesView {
    const s = this.schedules.get(type)!;
    const now = this.clock.now();
    const { dayNum, minute } = s.local(now);
    return {
      type,
      rules: this.config.costRules(type),
      activeRule: s.ruleAt(dayNum, minute),
      uncovered: s.empty ? [] : s.uncovered(now, now + WEEK_MS),
      recompute: this.recompute(),
    };
  }

  /** Adds cost and per-tariff energy series to a consumption answer (none for export counters). */
  addCosts(result: ConsumptionResult): ConsumptionResult {
    const kind = costTypeOfCounter(result.counter);
    const { currency } = this.config.costSettings();
    const tariffs = kind ? this.config.tariffs(kind) : [];
    const date = parseDate(result.date);
    const opts = { timezone: result.timezone, currency };
    const current = tariffBars(this.store, result.scope, result.counter, periodBoundaries(result.timezone, result.period, date), tariffs, { ...opts, consumption: result.series });
    const previous = tariffBars(this.store, result.scope, result.counter, periodBoundaries(result.timezone, result.period, previousDate(result.period, date)), tariffs, { ...opts, consumption: result.previous.series });
    return {
      ...result,
      ...current,
      previous: { ...result.previous, ...previous },
      currency,
      recompute: this.recompute(),
    };
  }
}
