/**
 * @module costs
 * Bill of consumptions (COST-1…5): cost settings, tariffs with dated prices, ordered cost rules
 * per energy type, and what the API answers about them.
 *
 * Rule semantics (the engine in daemon/src/costs follows them, the pages explain them):
 * - `from` alone is one day; `from` + `to` an inclusive period; neither: always.
 * - `repeatEveryYear` compares month and day only (a period may wrap the year end).
 * - `timeFrom`–`timeTo` is inclusive to the minute (19:00–23:59 covers 23:59); a frame whose
 *   end is before its start runs over midnight (22:00–05:59).
 * - Days of the week and dates are those of the minute itself, in the installation's zone.
 * - Rules are read top-down; the first true rule gives the tariff; a minute no rule covers has
 *   no tariff and no cost.
 */
import { z } from 'zod';
import { COST_TYPES, MAX_PRICES_PER_TARIFF, MAX_RULES_PER_TYPE, WEEKDAYS, type CostType } from './constants';
import { isCurrency } from './currencies';
import { isLocalDate } from './calendar';



export const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine(isLocalDate, 'not a calendar date');
export const hhmmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (00:00 to 23:59)');

export const costTypeSchema = z.enum(COST_TYPES);

export const costSettingsSchema = z.object({
  currency: z.string().trim().toUpperCase().refine(isCurrency, 'an ISO 4217 currency code such as EUR, USD, GBP'),
  /** COST-1: kWh per m³ of gas, from the gas supplier ("equivalent Wh"). */
  gasKwhPerM3: z.number().positive('more than 0').max(100, 'at most 100 kWh/m³'),
}).strict();
export type CostSettings = z.infer<typeof costSettingsSchema>;
export const DEFAULT_COST_SETTINGS: CostSettings = { currency: 'EUR', gasKwhPerM3: 10.5 };

export const priceSchema = z.object({
  /** Per kWh (electricity) or per m³ (gas, water), in the configured currency. */
  price: z.number().finite().min(0, '0 or more').max(1_000_000),
  /** First day this price is in force; not needed when the tariff has one price. */
  from: localDateSchema.optional(),
}).strict();
export type Price = z.infer<typeof priceSchema>;

export const tariffInputSchema = z.object({
  type: costTypeSchema,
  name: z.string().trim().min(1, 'a name is needed').max(32, 'at most 32 characters'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour #rrggbb'),
  prices: z.array(priceSchema).min(1, 'at least one price').max(MAX_PRICES_PER_TARIFF, `at most ${MAX_PRICES_PER_TARIFF} prices`),
}).strict().superRefine((t, ctx) => {
  if (t.prices.length < 2) return;
  const seen = new Set<string>();
  t.prices.forEach((p, i) => {
    if (!p.from) ctx.addIssue({ code: 'custom', path: ['prices', i, 'from'], message: 'with several prices, each needs the date it starts' });
    else if (seen.has(p.from)) ctx.addIssue({ code: 'custom', path: ['prices', i, 'from'], message: `two prices start on ${p.from}` });
    else seen.add(p.from);
  });
});
export type TariffInput = z.input<typeof tariffInputSchema>;
export const tariffSchema = z.object({
  id: z.string(),
  type: costTypeSchema,
  name: z.string(),
  color: z.string(),
  /** Sorted by start date. */
  prices: z.array(priceSchema),
});
export type Tariff = z.infer<typeof tariffSchema>;

export const costRuleSchema = z.object({
  tariffId: z.string().min(1, 'choose a tariff'),
  from: localDateSchema.optional(),
  to: localDateSchema.optional(),
  repeatEveryYear: z.boolean().default(false),
  timeFrom: hhmmSchema.default('00:00'),
  timeTo: hhmmSchema.default('23:59'),
  days: z.array(z.enum(WEEKDAYS)).min(1, 'at least one day of the week').default([...WEEKDAYS])
    .refine((d) => new Set(d).size === d.length, 'a day is listed twice'),
}).strict().superRefine((r, ctx) => {
  if (r.to && !r.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a period needs its first day' });
  if (r.from && r.to && r.to < r.from && !r.repeatEveryYear) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'the period ends before it starts (tick "repeat every year" for a period over the year end)' });
  }
});
export type CostRuleInput = z.input<typeof costRuleSchema>;
export type CostRule = z.output<typeof costRuleSchema>;
export const costRulesSchema = z.array(costRuleSchema).max(MAX_RULES_PER_TYPE, `at most ${MAX_RULES_PER_TYPE} rules`);

/** Background recomputation of the energy per tariff after a rule change (COST-5). */
export const costRecomputeSchema = z.object({
  /** Energy types being recomputed. */
  types: z.array(costTypeSchema),
  /** 0–100. */
  percent: z.number(),
  startedAt: z.string(),
});
export type CostRecompute = z.infer<typeof costRecomputeSchema>;
export const costStatusSchema = z.object({ recompute: costRecomputeSchema.nullable() });

/** A stretch of time that no rule covers, in the installation's zone (`YYYY-MM-DD HH:MM`, inclusive). */
export const uncoveredPeriodSchema = z.object({ from: z.string(), to: z.string() });
export type UncoveredPeriod = z.infer<typeof uncoveredPeriodSchema>;

export const costRulesViewSchema = z.object({
  type: costTypeSchema,
  rules: z.array(costRuleSchema),
  /** Index of the rule in force now; null when no rule covers this minute. */
  activeRule: z.number().int().nullable(),
  /** COST-3: the periods of the coming 7 days that no rule covers. */
  uncovered: z.array(uncoveredPeriodSchema),
  recompute: costRecomputeSchema.nullable(),
});
export type CostRulesView = z.infer<typeof costRulesViewSchema>;

/** A series of costs per bar, one per tariff, in the consumption answer (`costs=1`). */
export const costSeriesSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** The currency (ISO 4217). */
  unit: z.string(),
  tariffId: z.string(),
  color: z.string(),
  values: z.array(z.number().nullable()),
});
export type CostSeries = z.infer<typeof costSeriesSchema>;

/** Energy or volume per tariff (the histograms split per tariff, COST-5). */
export const tariffEnergySeriesSchema = costSeriesSchema.extend({ unit: z.enum(['Wh', 'dm3']) });
export type TariffEnergySeries = z.infer<typeof tariffEnergySeriesSchema>;
