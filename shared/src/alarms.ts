/**
 * @module alarms
 * The alarm log (NOTE-5: every event of the box and of the devices, persistent, filterable) and
 * e-mail notifications (NOTE-1, NOTE-6: settings, test, the outbox), with their routes.
 */
import { z } from 'zod';
import { ALARM_TYPES, SMTP_SECURITY } from './constants';

export const alarmTypeSchema = z.enum(ALARM_TYPES);
export type AlarmType = z.infer<typeof alarmTypeSchema>;

export const alarmSchema = z.object({
  /** Opaque, sortable by time. */
  id: z.string(),
  at: z.string(),
  type: alarmTypeSchema,
  deviceId: z.number().int().optional(),
  /** The device's and gateway's names when the event happened (a device may be renamed or deleted later). */
  deviceName: z.string().optional(),
  gatewayId: z.string().optional(),
  gatewayName: z.string().optional(),
  /** Modbus address of the device. */
  address: z.number().int().optional(),
  message: z.string(),
  /** The alert rule whose threshold raised it (threshold events). */
  ruleId: z.string().optional(),
});
export type Alarm = z.infer<typeof alarmSchema>;

const isoDateTime = z.iso.datetime({ offset: true, error: 'an ISO date-time, e.g. 2026-12-04T10:00:00Z' });

export const alarmQuerySchema = z.object({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  deviceId: z.coerce.number({ error: 'a device id is a number' }).int().min(1).max(9999).optional(),
  type: alarmTypeSchema.optional(),
  /** The `next` of the previous page. */
  cursor: z.string().regex(/^[0-9]{13}-[0-9]{6}$/, 'the "next" of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlarmQuery = z.infer<typeof alarmQuerySchema>;

export const alarmPageSchema = z.object({ items: z.array(alarmSchema), next: z.string().optional() });
export type AlarmPage = z.infer<typeof alarmPageSchema>;

export const alarmSettingsSchema = z.object({
  /** A device that does not answer for this long raises a communication error (NOTE-4). */
  communicationDelayS: z.number().int().min(1).max(86_400),
  /** Events older than this are deleted. */
  retentionDays: z.number().int().min(1).max(3650),
});
export type AlarmSettings = z.infer<typeof alarmSettingsSchema>;
export const DEFAULT_ALARM_SETTINGS: AlarmSettings = { communicationDelayS: 60, retentionDays: 365 };

// ─── E-mail (NOTE-1) ───────────────────────────────────────────────────────────────────────────

const EMAIL_RE = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
export const emailAddressSchema = z.string().trim().max(254).regex(EMAIL_RE, 'an e-mail address, e.g. name@example.com');
/** Comma-separated recipients, each validated. */
export const recipientsSchema = z.string().max(2000).transform((s, ctx) => {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const a of list) if (!EMAIL_RE.test(a)) ctx.addIssue({ code: 'custom', message: `"${a}" is not an e-mail address` });
  return list.join(', ');
});

export const smtpSecuritySchema = z.enum(SMTP_SECURITY);

/** What the API shows: the password is write-only (`passwordSet` says whether one is stored). */
export const emailSettingsViewSchema = z.object({
  sender: z.string(),
  user: z.string(),
  passwordSet: z.boolean(),
  server: z.string(),
  port: z.number().int(),
  security: smtpSecuritySchema,
});
export type EmailSettingsView = z.infer<typeof emailSettingsViewSchema>;

export const emailSettingsInputSchema = z.object({
  sender: z.union([z.literal(''), emailAddressSchema]),
  user: z.string().max(254),
  /** Absent: keep the stored password; "" clears it. */
  password: z.string().max(512).optional(),
  server: z.string().trim().max(253).regex(/^$|^[A-Za-z0-9.-]+$/, 'a host name or an IP address'),
  port: z.number().int().min(1).max(65535).default(465),
  security: smtpSecuritySchema.default('ssl'),
}).strict();
export type EmailSettingsInput = z.input<typeof emailSettingsInputSchema>;

export const emailTestResultSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
export type EmailTestResult = z.infer<typeof emailTestResultSchema>;

// ─── Outbox (NOTE-6) ───────────────────────────────────────────────────────────────────────────

export const outboxItemSchema = z.object({
  id: z.string(),
  channel: z.enum(['email', 'telegram']),
  to: z.string(),
  subject: z.string(),
  createdAt: z.string(),
  /** Names of the attached files (automatic reports). */
  attachments: z.array(z.string()).optional(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().optional(),
  state: z.enum(['pending', 'sent', 'expired']),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The routes (spread into `endpoints`). */
export const alarmEndpoints = {
  'GET /api/alarms': { summary: 'The alarm log (NOTE-5), newest first: filter by date, device and type; page with `next`', right: 'alarms', query: alarmQuerySchema, response: alarmPageSchema },
  'GET /api/settings/alarms': { summary: 'Alarm settings: communication-error delay, retention', right: 'webServerConfig', response: alarmSettingsSchema },
  'PUT /api/settings/alarms': { summary: 'Change the alarm settings', right: 'webServerConfig', body: alarmSettingsSchema.strict(), response: alarmSettingsSchema },
} as const; // checked where it is spread into `endpoints`

/** The e-mail and outbox routes (spread into `endpoints`). */
export const notifyEndpoints = {
  'GET /api/notify/email': { summary: 'E-mail settings (NOTE-1); the password is write-only', right: 'webServerConfig', response: emailSettingsViewSchema },
  'PUT /api/notify/email': { summary: 'Change the e-mail settings (password absent: kept)', right: 'webServerConfig', body: emailSettingsInputSchema, response: emailSettingsViewSchema },
  'POST /api/notify/email/test': { summary: 'Send a test e-mail to the sender address now; the SMTP server\'s error verbatim when it fails', right: 'webServerConfig', response: emailTestResultSchema },
  'GET /api/notify/outbox': { summary: 'Notifications pending, sent and expired, newest first, with their attempts and last error (NOTE-6)', right: 'webServerConfig', response: z.array(outboxItemSchema) },
} as const; // checked where it is spread into `endpoints`
