/**
 * @module eq
 * EN 50160 weekly check of the supply (EQ-1): per gateway one "EQ device" (a meter with THD and
 * harmonics); its 10-minute values of a week are checked against the low-voltage limits.
 */
import { z } from 'zod';
import type { Edition } from './constants';
import type { EndpointDef } from './endpoints';

/** EN 50160 limits for low-voltage supply, as EQ-1 states them. */
export const EN50160 = {
  nominalVoltageV: 230,
  /** 95 % of the 10-minute mean voltages within ±10 % of nominal. */
  voltageTolerancePct: 10, voltageSharePct: 95,
  nominalFrequencyHz: 50,
  /** 99.5 % of the 10-minute mean frequencies within ±1 %. */
  frequencyTolerancePct: 1, frequencySharePct: 99.5,
  /** 95 % of the 10-minute THD values at most 8 %. */
  thdMaxPct: 8, thdSharePct: 95,
  /** 95 % of the 10-minute values of each harmonic within its limit (% of the fundamental, EN 50160 table 1). */
  harmonicSharePct: 95,
  harmonicMaxPct: {
    2: 2, 3: 5, 4: 1, 5: 6, 6: 0.5, 7: 5, 8: 0.5, 9: 1.5, 10: 0.5, 11: 3.5, 12: 0.5, 13: 3, 14: 0.5, 15: 0.5, 16: 0.5,
    17: 2, 18: 0.5, 19: 1.5, 20: 0.5, 21: 0.5, 22: 0.5, 23: 1.5, 24: 0.5, 25: 1.5,
  } as Record<number, number>,
  /** Below this share of the week's 1008 ten-minute values the week cannot be judged. */
  minCoveragePct: 50,
  windowMs: 600_000,
} as const;

/** The editions that offer the EN 50160 check (EQ-1). */
export const EQ_EDITIONS: readonly Edition[] = ['PM1WS32', 'PM1WS255'];

export const eqCriterionSchema = z.enum(['coverage', 'voltage', 'frequency', 'thd', 'harmonics']);
export type EqCriterion = z.infer<typeof eqCriterionSchema>;

export const eqCriterionResultSchema = z.object({
  criterion: eqCriterionSchema,
  ok: z.boolean(),
  /** Share of the week's 10-minute values within the limit (the worst phase / rank). */
  sharePct: z.number(),
  requiredPct: z.number(),
  /** Where the worst share was found (phase, rank). */
  detail: z.string().optional(),
});
export type EqCriterionResult = z.infer<typeof eqCriterionResultSchema>;

export const eqCheckSchema = z.object({
  deviceId: z.number().int(),
  /** Monday 00:00 UTC that starts the checked week (ISO), and its end. */
  weekStart: z.string(),
  weekEnd: z.string(),
  ok: z.boolean(),
  /** 10-minute values available (1008 in a full week). */
  windows: z.number().int(),
  criteria: z.array(eqCriterionResultSchema),
  /** The failed criteria, in the order of `criteria`. */
  failed: z.array(eqCriterionSchema),
});
export type EqCheck = z.infer<typeof eqCheckSchema>;

export const eqViewSchema = z.object({
  /** The edition offers the check. */
  available: z.boolean(),
  /** The device is its gateway's EQ device. */
  eqDevice: z.boolean(),
  /** "LAST WEEK EN50160 CHECK: OK/KO". */
  lastCheck: eqCheckSchema.nullable(),
  /** Earlier weekly results, newest first. */
  checks: z.array(eqCheckSchema),
  /** 10-minute values of the running week so far. */
  windowsThisWeek: z.number().int(),
});
export type EqView = z.infer<typeof eqViewSchema>;

const deviceIdParam = z.object({ id: z.coerce.number({ error: 'a device id is a number' }).int().min(1, 'device ids go from 1 to 9999').max(9999, 'device ids go from 1 to 9999') });

export const eqEndpoints = {
  'GET /api/devices/:id/eq': {
    summary: 'EN 50160 weekly checks of an EQ device: the last week OK/KO with the failed criteria, and the earlier weeks (EQ-1)',
    right: 'myPanelBoard', params: deviceIdParam, response: eqViewSchema,
  },
} as const satisfies Record<string, EndpointDef>;
