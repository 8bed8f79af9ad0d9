/**
 * @module consumption
 * The consumption query and answer (CON-1…6): `GET /api/consumption` bars in uPlot's columnar
 * shape, with the previous period.
 */
import { z } from 'zod';
import { counterKindSchema } from './catalog';
import { PERIODS } from './calendar';
import { costRecomputeSchema, costSeriesSchema, localDateSchema, tariffEnergySeriesSchema } from './costs';

export const periodSchema = z.enum(PERIODS);

/** `total` | `type:electricity|water|gas` | `load:<id>` | `group:<id>` | `device:<id>` */
export const scopeSchema = z.string().regex(
  /^(total|type:(electricity|water|gas)|load:[A-Za-z0-9_.-]{1,64}|group:[A-Za-z0-9_.-]{1,64}|device:\d{1,5})$/,
  'total, type:electricity|water|gas, load:<id>, group:<id> or device:<id>',
);

/** A boolean in a query string: `1`/`0`, `true`/`false`. */
const queryFlag = z.stringbool({ truthy: ['1', 'true'], falsy: ['0', 'false'] });

export const consumptionQuerySchema = z.object({
  scope: scopeSchema,
  period: periodSchema,
  /** A day of the period, `YYYY-MM-DD` in the installation's zone. */
  date: localDateSchema,
  /** Which counter; default: active energy import, or the water/gas counter of such scopes. */
  counter: counterKindSchema.optional(),
  /** `total` only: one series per load (default) or the total alone. */
  byLoad: queryFlag.optional(),
  /** COST-5: add cost series and energy per tariff (one series per tariff of the scope's type). */
  costs: queryFlag.optional(),
});
export type ConsumptionQuery = z.output<typeof consumptionQuerySchema>;

export const barSeriesSchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.enum(['Wh', 'dm3']),
  /** One value per bar; null where nothing was recorded (before the first value, future). */
  values: z.array(z.number().nullable()),
});
export type BarSeries = z.infer<typeof barSeriesSchema>;

export const barsSchema = z.object({
  /** Bar starts, epoch seconds. */
  x: z.array(z.number()),
  series: z.array(barSeriesSchema),
  /** With `costs=1`: the cost of each bar per tariff (none for export counters). */
  costs: z.array(costSeriesSchema).optional(),
  /** With `costs=1`: the energy (or volume) of each bar per tariff. */
  byTariff: z.array(tariffEnergySeriesSchema).optional(),
});
export type Bars = z.infer<typeof barsSchema>;

export const consumptionResultSchema = barsSchema.extend({
  scope: z.string(),
  period: periodSchema,
  date: z.string(),
  timezone: z.string(),
  counter: counterKindSchema,
  previous: barsSchema,
  /** With `costs=1`: the currency (ISO 4217) and a recomputation under way, if any. */
  currency: z.string().optional(),
  recompute: costRecomputeSchema.nullable().optional(),
});
export type ConsumptionResult = z.infer<typeof consumptionResultSchema>;
