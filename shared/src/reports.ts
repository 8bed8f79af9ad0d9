/**
 * @module reports
 * PDF reports (HIST-6): Summary (overall electricity, gas, water) or Detailed (chosen devices),
 * monthly or yearly, in the user's language; answered as the PDF, named
 * `monthly-report_YYYY-MM.pdf`, `yearly-report_YYYY.pdf`, `detailed-monthly-report_YYYY-MM.pdf`
 * or `detailed-yearly-report_YYYY.pdf` (Content-Disposition).
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';
import { localDateSchema } from './costs';

export const REPORT_TYPES = ['summary', 'detailed'] as const;
export const REPORT_PERIODS = ['month', 'year'] as const;
/** Languages the reports are written in (the others get English). */
export const REPORT_LANGUAGES = ['en', 'fr'] as const;

export const reportRequestSchema = z.object({
  type: z.enum(REPORT_TYPES),
  period: z.enum(REPORT_PERIODS),
  /** A day of the month or year reported, `YYYY-MM-DD` in the installation's zone. */
  date: localDateSchema,
  /** Detailed: the devices (default: every metering device). */
  deviceIds: z.array(z.number().int().min(1).max(9999)).min(1, 'choose at least one device').max(255).optional(),
  language: z.enum(REPORT_LANGUAGES).default('en'),
}).strict();
export type ReportRequest = z.input<typeof reportRequestSchema>;

export const reportEndpoints = {
  'POST /api/reports': {
    summary: 'A PDF report (HIST-6): summary or detailed, monthly or yearly',
    description: 'Figures are the consumption API\'s (`GET /api/consumption?costs=1`) for the same period: totals, bars, costs per tariff. The file name (Content-Disposition) is `[detailed-]monthly-report_YYYY-MM.pdf` or `[detailed-]yearly-report_YYYY.pdf`.',
    right: 'reports', body: reportRequestSchema, response: z.string(), produces: 'application/pdf',
  },
} as const satisfies Record<string, EndpointDef>;
