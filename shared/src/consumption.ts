/**
 * @module consumption
 * The consumption answer (CON-1…6): `GET /api/consumption` bars in uPlot's columnar shape, and
 * kiosk tokens (BEY-1).
 */
import type { CounterKind } from './catalog';

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
}

export interface ConsumptionResult extends Bars {
  scope: string;
  period: Period;
  date: string;
  timezone: string;
  counter: CounterKind;
  previous: Bars;
}

/** BEY-1 kiosk tokens. The token itself is only in the answer to the creation. */
export interface KioskToken { id: string; name: string; createdBy: string; created: string }
export interface NewKioskToken { id: string; name: string; token: string; url: string }
