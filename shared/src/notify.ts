/**
 * @module notify
 * Telegram (NOTE-2), automatic reports (NOTE-3) and alert rules (NOTE-4): their settings and
 * routes. E-mail and the outbox are in `alarms.ts`.
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';
import { recipientsSchema } from './alarms';
import { REPORT_LANGUAGES } from './reports';

// ─── Telegram (NOTE-2) ─────────────────────────────────────────────────────────────────────────

/** What the API shows: the token is write-only (`tokenSet`). */
export const telegramSettingsViewSchema = z.object({
  enabled: z.boolean(),
  /** The bot's name as set at its creation (shown to people, e.g. `@my_ews_bot`). */
  botName: z.string(),
  tokenSet: z.boolean(),
  /** What people send to the bot to be listed. */
  password: z.string(),
  /** The Bot API's base URL (`https://api.telegram.org`); tests point it at a local server. */
  apiUrl: z.string(),
  /** The long polling's state: `off` (disabled or no token), `polling`, `error` (with `lastError`). */
  state: z.enum(['off', 'polling', 'error']),
  lastError: z.string().optional(),
});
export type TelegramSettingsView = z.infer<typeof telegramSettingsViewSchema>;

export const telegramSettingsInputSchema = z.object({
  enabled: z.boolean().default(true),
  botName: z.string().trim().max(64),
  /** Absent: keep the stored token; "" clears it. */
  token: z.string().trim().max(128).regex(/^$|^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token as BotFather gives it, e.g. 123456:ABC-DEF…').optional(),
  password: z.string().trim().max(64).refine((p) => p === '' || p.length >= 6, 'at least 6 characters'),
  apiUrl: z.string().trim().max(200).regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'an http(s) URL, e.g. https://api.telegram.org').default('https://api.telegram.org'),
}).strict();
export type TelegramSettingsInput = z.input<typeof telegramSettingsInputSchema>;

/** A person who sent the password to the bot. */
export const telegramPersonSchema = z.object({
  /** Telegram chat id (a private chat's id is the person's id). */
  chatId: z.string(),
  name: z.string(),
  username: z.string().optional(),
  enabled: z.boolean(),
  joinedAt: z.string(),
});
export type TelegramPerson = z.infer<typeof telegramPersonSchema>;

export const telegramPersonParams = z.object({ chatId: z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id') });
export const telegramPersonUpdateSchema = z.object({ enabled: z.boolean() }).strict();

export const telegramTestResultSchema = z.object({
  ok: z.boolean(),
  /** How many enabled people received it. */
  sent: z.number().int(),
  /** The Bot API's answer verbatim when a message failed. */
  error: z.string().optional(),
});
export type TelegramTestResult = z.infer<typeof telegramTestResultSchema>;

// ─── Alert rules (NOTE-4) ──────────────────────────────────────────────────────────────────────

/** What a rule reacts to. `communication-error`, `threshold` and `fail-safe` have a recovery. */
export const ALERT_EVENTS = ['state-change', 'threshold', 'configuration-error', 'communication-error', 'fail-safe', 'configuration-change', 'box-started'] as const;
export const alertEventSchema = z.enum(ALERT_EVENTS);
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const thresholdSchema = z.object({
  deviceId: z.number().int().min(1).max(9999),
  /** A measure key of the device's model (e.g. `activePower`), in its unit (W, A, V…). */
  quantity: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a measure of the device'),
  direction: z.enum(['above', 'below']),
  value: z.number().finite(),
  /** How long the measure must stay beyond the value before the alert (0: at once). */
  forS: z.number().int().min(0).max(86_400),
}).strict();
export type Threshold = z.infer<typeof thresholdSchema>;

const alertRuleFields = {
  name: z.string().trim().min(1, 'a name').max(64),
  enabled: z.boolean().default(true),
  events: z.array(alertEventSchema).min(1, 'choose at least one event').max(ALERT_EVENTS.length),
  /** Also tell when it is over (communication restored, measure back, fail-safe ended). */
  recovery: z.boolean().default(true),
  /** Only these devices' events (empty: every device and the box). */
  deviceIds: z.array(z.number().int().min(1).max(9999)).max(600).default([]),
  threshold: thresholdSchema.optional(),
  email: z.object({
    enabled: z.boolean(),
    recipients: recipientsSchema,
    /** The e-mail's subject (empty: the event's name and device). */
    subject: z.string().trim().max(200).default(''),
  }).strict(),
  telegram: z.boolean().default(false),
};

export const alertRuleInputSchema = z.object(alertRuleFields).strict().superRefine((r, ctx) => {
  if (r.events.includes('threshold') && !r.threshold) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a threshold event needs its device, measure and value' });
  if (!r.events.includes('threshold') && r.threshold) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'only for a threshold event' });
  if (r.email.enabled && r.email.recipients === '') ctx.addIssue({ code: 'custom', path: ['email', 'recipients'], message: 'at least one recipient' });
});
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;

export const alertRuleSchema = z.object({ id: z.string(), ...alertRuleFields });
export type AlertRule = z.infer<typeof alertRuleSchema>;

// ─── Automatic reports (NOTE-3) ────────────────────────────────────────────────────────────────

export const AUTO_REPORT_KINDS = ['summary', 'detailed'] as const;
export const AUTO_REPORT_PERIODS = ['monthly', 'yearly'] as const;
export const AUTO_REPORT_FORMATS = ['pdf', 'csv'] as const;
export const AUTO_REPORT_DELIVERIES = ['monthly', 'weekly', 'daily'] as const;

const autoReportFields = {
  name: z.string().trim().min(1, 'a name').max(64),
  enabled: z.boolean().default(true),
  /** Summary: overall electricity, gas and water; detailed: the chosen devices. */
  kind: z.enum(AUTO_REPORT_KINDS),
  /** The report covers the month (or year) before the delivery moment. */
  period: z.enum(AUTO_REPORT_PERIODS),
  format: z.enum(AUTO_REPORT_FORMATS),
  /** Sent at local midnight on the 1st of the month, on Monday, or every day. */
  delivery: z.enum(AUTO_REPORT_DELIVERIES),
  deviceIds: z.array(z.number().int().min(1).max(9999)).max(600).default([]),
  recipients: recipientsSchema.refine((s) => s !== '', 'at least one recipient'),
  /** The report's language. */
  language: z.enum(REPORT_LANGUAGES).default('en'),
};

export const autoReportInputSchema = z.object(autoReportFields).strict().superRefine((r, ctx) => {
  if (r.kind === 'detailed' && r.deviceIds.length === 0) ctx.addIssue({ code: 'custom', path: ['deviceIds'], message: 'choose at least one device' });
});
export type AutoReportInput = z.input<typeof autoReportInputSchema>;

export const autoReportSchema = z.object({
  id: z.string(),
  ...autoReportFields,
  /** The last delivery moment whose report was queued on schedule (ISO), or null. */
  lastDeliveredAt: z.string().nullable(),
  /** The next delivery moment (ISO). */
  nextAt: z.string(),
  lastError: z.string().optional(),
});
export type AutoReport = z.infer<typeof autoReportSchema>;

// ─── Routes ────────────────────────────────────────────────────────────────────────────────────

const idParam = z.object({ id: z.string().regex(/^[a-z0-9]{1,32}$/, 'an id') });
const noContent = z.null();

export const notifyMoreEndpoints = {
  'GET /api/notify/telegram': { summary: 'Telegram settings (NOTE-2); the token is write-only', right: 'webServerConfig', response: telegramSettingsViewSchema },
  'PUT /api/notify/telegram': { summary: 'Change the Telegram settings (token absent: kept); polling restarts at once', right: 'webServerConfig', body: telegramSettingsInputSchema, response: telegramSettingsViewSchema },
  'POST /api/notify/telegram/test': { summary: 'Send a test message to every enabled person now', right: 'webServerConfig', response: telegramTestResultSchema },
  'GET /api/notify/telegram/people': { summary: 'People who sent the password to the bot', right: 'webServerConfig', response: z.array(telegramPersonSchema) },
  'PUT /api/notify/telegram/people/:chatId': { summary: 'Enable or disable a person', right: 'webServerConfig', params: telegramPersonParams, body: telegramPersonUpdateSchema, response: telegramPersonSchema },
  'DELETE /api/notify/telegram/people/:chatId': { summary: 'Remove a person from the list', right: 'webServerConfig', params: telegramPersonParams, response: noContent, status: 204 },

  'GET /api/alert-rules': { summary: 'Alert rules (NOTE-4): which events send e-mail or Telegram messages', right: 'webServerConfig', response: z.array(alertRuleSchema) },
  'POST /api/alert-rules': { summary: 'Create an alert rule', right: 'webServerConfig', body: alertRuleInputSchema, response: alertRuleSchema, status: 201 },
  'PUT /api/alert-rules/:id': { summary: 'Change an alert rule', right: 'webServerConfig', params: idParam, body: alertRuleInputSchema, response: alertRuleSchema },
  'DELETE /api/alert-rules/:id': { summary: 'Delete an alert rule', right: 'webServerConfig', params: idParam, response: noContent, status: 204 },

  'GET /api/notify/reports': { summary: 'Automatic reports (NOTE-3) with their last and next delivery', right: 'webServerConfig', response: z.array(autoReportSchema) },
  'POST /api/notify/reports': { summary: 'Create an automatic report (first delivery at the next moment)', right: 'webServerConfig', body: autoReportInputSchema, response: autoReportSchema, status: 201 },
  'PUT /api/notify/reports/:id': { summary: 'Change an automatic report', right: 'webServerConfig', params: idParam, body: autoReportInputSchema, response: autoReportSchema },
  'DELETE /api/notify/reports/:id': { summary: 'Delete an automatic report', right: 'webServerConfig', params: idParam, response: noContent, status: 204 },
  'POST /api/notify/reports/:id/send': { summary: 'Build the report of the last delivery moment now and queue it (does not move the schedule)', right: 'webServerConfig', params: idParam, response: autoReportSchema, status: 202 },
} as const satisfies Record<string, EndpointDef>;
