/**
 * @module energy
 * Scopes (device, load, group, energy type, total) over the history store: which aggregates a
 * device feeds, consumption bars per calendar period in the installation's zone, and their CSV.
 */
import type { HistoryStore } from '../store/index';
import { assertTimezone } from './calendar';
import { consumption, type ConsumptionQuery, type ConsumptionResult } from './consumption';
import { dataloggerCsv, type CsvOptions } from './csv';
import { scopesOf, type ScopeProvider } from './scopes';

export { EnergyError, type EnergyErrorCode } from './errors';
export { scopesOf, parseScope, scopeKey, defaultLabel, energyOfCounter, OTHERS_LOAD, type Scope, type ScopeProvider, type DeviceScope, type EnergyKind } from './scopes';
export { knowsTimeZone } from './calendar';
export { PERIODS, periodBoundaries, previousDate, dayStartMs, localTime, offsetMs, parseDate, formatDate, barLabel, type Period, type LocalDate } from './calendar';
export { consumption, type ConsumptionQuery, type ConsumptionResult, type ConsumptionOptions, type Bars, type BarSeries } from './consumption';
export { dataloggerCsv, type CsvOptions } from './csv';

export interface EnergyOptions {
  store: HistoryStore;
  /** IANA zone of the installation (STO-5). */
  timezone: string;
  /** Loads, groups and exclusions of each device; installed into the store's ingest. */
  scopes?: ScopeProvider;
  /** Display names of `load:<id>`, `group:<id>`, `device:<id>` (default: the id). */
  labelOf?: (scope: string) => string | undefined;
}

/** What the daemon composes: the store's scopes, the zone, queries and CSV in one place. */
export class Energy {
  readonly store: HistoryStore;
  private tz: string;
  private labelOf: EnergyOptions['labelOf'];

  constructor(opts: EnergyOptions) {
    assertTimezone(opts.timezone);
    this.store = opts.store;
    this.tz = opts.timezone;
    this.labelOf = opts.labelOf;
    if (opts.scopes) this.setScopes(opts.scopes);
  }

  get timezone(): string { return this.tz; }
  setTimezone(tz: string): void { assertTimezone(tz); this.tz = tz; }
  /** New structure (loads, groups, exclusions): applies to the ticks to come. */
  setScopes(provider: ScopeProvider): void { this.store.setScopes(scopesOf(provider)); }
  setLabels(labelOf: EnergyOptions['labelOf']): void { this.labelOf = labelOf; }

  consumption(q: ConsumptionQuery): ConsumptionResult {
    return consumption(this.store, q, { timezone: this.tz, ...(this.labelOf ? { labelOf: this.labelOf } : {}) });
  }

  csv(result: ConsumptionResult, opts?: CsvOptions): string { return dataloggerCsv(result, opts); }
}
export { scopeProvider, scopeLabels } from './from-config';
