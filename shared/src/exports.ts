/**
 * @module exports
 * Data download (HIST-5): `reportdata.zip` of chosen devices, groups or loads over a date range,
 * with or without costs, at 15 min, 1 h or 1 day; built in the background with its progress.
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';
import { localDateSchema } from './costs';

export const EXPORT_RATES = ['15min', '1h', '1day'] as const;
export const exportRateSchema = z.enum(EXPORT_RATES);
export type ExportRate = z.infer<typeof exportRateSchema>;

/** `device:<id>`, `group:<id>` or `load:<id>` (charging stations are devices). */
export const exportScopeSchema = z.string().regex(/^(device:\d{1,5}|group:[A-Za-z0-9_.-]{1,64}|load:[A-Za-z0-9_.-]{1,64})$/, 'device:<id>, group:<id> or load:<id>');

export const exportRequestSchema = z.object({
  kind: z.literal('data'),
  scopes: z.array(exportScopeSchema).min(1, 'choose at least one').max(600),
  /** First local day (YYYY-MM-DD), included. */
  from: localDateSchema,
  /** Last local day, included. */
  to: localDateSchema,
  costs: z.boolean().default(false),
  rate: exportRateSchema.default('15min'),
}).strict().refine((r) => r.from <= r.to, { message: 'the end date is before the start date', path: ['to'] });
export type ExportRequest = z.input<typeof exportRequestSchema>;

export const exportStateSchema = z.object({
  id: z.string(),
  percent: z.number(),
  done: z.boolean(),
  error: z.string().optional(),
  /** Size of the zip once done. */
  bytes: z.number().int().optional(),
});
export type ExportState = z.infer<typeof exportStateSchema>;

export const exportEndpoints = {
  'POST /api/exports': { summary: 'Start building reportdata.zip (HIST-5); follow it with GET /api/exports/:id', right: 'reports', body: exportRequestSchema, response: exportStateSchema, status: 202 },
  'GET /api/exports/:id': { summary: 'Progress of a data download', right: 'reports', params: z.object({ id: z.string().regex(/^[a-z0-9]{8,32}$/) }), response: exportStateSchema },
  'GET /api/exports/:id/file': { summary: 'reportdata.zip, once built', right: 'reports', params: z.object({ id: z.string().regex(/^[a-z0-9]{8,32}$/) }), response: z.string(), produces: 'application/zip' },
} as const satisfies Record<string, EndpointDef>;
