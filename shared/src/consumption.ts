/**
 * @module consumption
 * The consumption answer (CON-1…6): `GET /api/consumption` bars in uPlot's columnar shape, and
 * kiosk tokens (BEY-1).
 */
import type { CounterKind } from './catalog';
import type { CostRecompute, CostSeries, TariffEnergySeries } from './costs';

export type Period = 'day' | 'month' | 'year' | 'decade';

export interface ConsumptionQuery {
  /** `total` | `type:electricity|water|gas` | `load:<id>` | `group:<id>` | `device:<id>` */
  scope: string;
  period: Period;
  /** A day of the period, `YYYY-MM-DD` in the installation's zone. */
  date: string;
  /** Which counter; default: active energy import, or the water/gas counter of such scopes. */
  counter?: CounterKind;
  /** `total` only: one series per load (default) or the total alone. */
  byLoad?: boolean;
  /** COST-5: add cost series and energy per tariff (one series per tariff of the scope's type). */
  costs?: boolean;
}

export interface BarSeries {
  key: string;
  label: string;
  unit: 'Wh' | 'dm3';
  /** One value per bar; null where nothing was recorded (before the first value, future). */
  values: Array<number | null>;
}

export interface Bars {
  /** Bar starts, epoch seconds. */
  x: number[];
  series: BarSeries[];
  /** With `costs=1`: the cost of each bar per tariff (none for export counters). */
  costs?: CostSeries[];
  /** With `costs=1`: the energy (or volume) of each bar per tariff. */
  byTariff?: TariffEnergySeries[];
}

export interface ConsumptionResult extends Bars {
  scope: string;
  period: Period;
  date: string;
  timezone: string;
  counter: CounterKind;
  previous: Bars;
  /** With `costs=1`: the currency (ISO 4217) and a recomputation under way, if any. */
  currency?: string;
  recompute?: CostRecompute | null;
}

/** BEY-1 kiosk tokens. The token itself is only in the answer to the creation. */
export interface KioskToken { id: string; name: string; createdBy: string; created: string }
export interface NewKioskToken { id: string; name: string; token: string; url: string }
