/**
 * @module statistics
 * Statistics of the instantaneous quantities a device records (STO-1, issue "statistics in the
 * views"): avg/min/max per slot as the store keeps them (at the sample rate for its retention,
 * hourly before), or merged per hour or per day of the installation's calendar.
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';
import { localDateSchema } from './costs';

export const STATISTIC_PERIODS = ['day', 'month', 'year'] as const;
export const STATISTIC_RESOLUTIONS = ['slot', 'hour', 'day'] as const;
export type StatisticResolution = (typeof STATISTIC_RESOLUTIONS)[number];
/** What each period is drawn at unless the query says otherwise. */
export const DEFAULT_STATISTIC_RESOLUTION: Record<(typeof STATISTIC_PERIODS)[number], StatisticResolution> = { day: 'slot', month: 'hour', year: 'day' };

export const statisticsQuerySchema = z.object({
  deviceId: z.coerce.number({ error: 'a device id is a number' }).int('a device id is a whole number').min(1, 'device ids go from 1 to 9999').max(9999, 'device ids go from 1 to 9999'),
  /** The register key (`activePowerW`, `voltageL1V`…); default: the device's first power, else its first quantity. */
  quantity: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a register key (letters, digits, _ . -)').optional(),
  period: z.enum(STATISTIC_PERIODS),
  /** A day of the period, `YYYY-MM-DD` in the installation's zone. */
  date: localDateSchema,
  /** `slot`: as stored; `hour`, `day`: merged (time-weighted mean of the averages, min of the minima, max of the maxima). */
  resolution: z.enum(STATISTIC_RESOLUTIONS).optional(),
});
export type StatisticsQuery = z.output<typeof statisticsQuerySchema>;

export const statisticQuantitySchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string(),
  /** The measure group of the register (`power`, `voltage`, `current`, `powerFactor`, `thd`…), when the catalogue gives one. */
  group: z.string().optional(),
});
export type StatisticQuantity = z.infer<typeof statisticQuantitySchema>;

export const statisticsResultSchema = z.object({
  deviceId: z.number().int(),
  period: z.enum(STATISTIC_PERIODS),
  date: z.string(),
  timezone: z.string(),
  resolution: z.enum(STATISTIC_RESOLUTIONS),
  /** Every quantity the device has statistics of. */
  quantities: z.array(statisticQuantitySchema),
  /** The quantity answered (null: the device has no statistics). */
  quantity: statisticQuantitySchema.nullable(),
  /** Period start and end, epoch seconds. */
  from: z.number(),
  to: z.number(),
  /** Point starts, epoch seconds (uPlot's x); only points with a value. */
  x: z.array(z.number()),
  /** Minutes each point covers as stored (15 at a 15-minute rate, 60 once thinned to hourly; with `hour`/`day`, the finest merged). */
  rateMin: z.array(z.number()),
  avg: z.array(z.number()),
  min: z.array(z.number()),
  max: z.array(z.number()),
});
export type StatisticsResult = z.infer<typeof statisticsResultSchema>;

export const statisticEndpoints = {
  'GET /api/statistics': {
    summary: 'Avg/min/max of a quantity a device records over a day, month or year',
    description: 'Per slot as the store keeps them (at the sample rate for the statistics retention, then hourly), or merged per hour or day of the installation\'s calendar (`resolution`; default slot for a day, hour for a month, day for a year).',
    right: 'consumptions', query: statisticsQuerySchema, response: statisticsResultSchema,
  },
} as const satisfies Record<string, EndpointDef>;
