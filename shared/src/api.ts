/**
 * @module api
 * Request and response shapes of the JSON API. The daemon validates with them; the SPA types
 * its client with them.
 */
import { z } from 'zod';
import { capabilitySchema, familySchema, energyTypeSchema, quantityGroupSchema, unitSchema } from './catalog';
import { LANGUAGES } from './constants';

/** `defaultLanguage`: the box's "Default language" setting, which the login page opens in until the browser picks one (SYS-3). */
export const healthResponseSchema = z.object({ ok: z.literal(true), version: z.string(), defaultLanguage: z.enum(LANGUAGES) });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const pageSchema = z.enum([
  'webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp',
]);
export type Page = z.infer<typeof pageSchema>;

export const roleSchema = z.enum(['administrator', 'greenUp', 'installer', 'user']);
export type Role = z.infer<typeof roleSchema>;


/** PIN: 5 digits; PUK: 14 digits. Spaces are ignored (AUTH-1). */
export const pinSchema = z.string().transform((s) => s.replace(/\s+/g, '')).pipe(z.string().regex(/^\d{5}$/, 'the PIN has 5 digits'));
export const pukSchema = z.string().transform((s) => s.replace(/\s+/g, '')).pipe(z.string().regex(/^\d{14}$/, 'the PUK has 14 digits'));

export const loginRequestSchema = z.object({ pin: pinSchema, puk: pukSchema.optional() });
export type LoginRequest = z.input<typeof loginRequestSchema>;

export const sessionUserSchema = z.object({
  id: z.string(), name: z.string(), role: roleSchema, pages: z.array(pageSchema),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionResponseSchema = z.object({
  user: sessionUserSchema,
  mustChangeCodes: z.boolean(),
  defaultCodesInUse: z.boolean(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const loginRefusalSchema = z.object({
  error: z.string(), needPuk: z.boolean().optional(), retryAfterS: z.number().optional(),
});

export const deviceStatusSchema = z.enum(['on', 'off', 'error']);
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** Why a device is in "Communication error" (BUS-5). */
export const statusReasonSchema = z.enum([
  'timeout', 'crc', 'exception', 'garbage', 'closed', 'unreachable', 'configuration', 'pending',
]);
export type StatusReason = z.infer<typeof statusReasonSchema>;

export const breakerStateSchema = z.enum(['open', 'closed', 'tripped']);

export const deviceSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.number().int(),
  addressLabel: z.string(),
  position: z.number().int().optional(),
  side: z.string().optional(),
  gatewayId: z.string(),
  family: familySchema,
  model: z.string(),
  modelLabel: z.string(),
  energyType: energyTypeSchema,
  capabilities: z.array(capabilitySchema),
  status: deviceStatusSchema,
  statusReason: statusReasonSchema.optional(),
  /** Exception code when statusReason is `exception`. */
  statusDetail: z.string().optional(),
  breakerState: breakerStateSchema.optional(),
  /** DEV-4: the module takes part in a link between EMS modules (last read of the link tables). */
  linked: z.boolean().optional(),
  /** Structure, for consumption views filtered by load or group. */
  loadId: z.string().nullable(),
  groupIds: z.array(z.string()),
  excludeFromTotals: z.boolean(),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

export const liveValueSchema = z.object({
  value: z.union([z.number(), z.string()]),
  unit: unitSchema,
});
export type LiveValue = z.infer<typeof liveValueSchema>;

/** A catalogue label: English text, and the message key + parameters every language renders it with (SYS-3). */
export const catalogLabelFields = {
  label: z.string(),
  labelKey: z.string().optional(),
  labelParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
};
export interface CatalogLabel { label: string; labelKey?: string | undefined; labelParams?: Record<string, string | number> | undefined }

/** A resolved register's label fields (the register key when the catalogue gives no label). */
export function registerLabel(r: { key: string; label?: string | undefined; labelKey?: string | undefined; labelParams?: Record<string, string | number> | undefined }): CatalogLabel {
  return { label: r.label ?? r.key, ...(r.labelKey ? { labelKey: r.labelKey, labelParams: r.labelParams ?? {} } : {}) };
}

export const measureDefSchema = z.object({
  key: z.string(), ...catalogLabelFields, unit: unitSchema, group: quantityGroupSchema,
  phase: z.string().optional(),
});
export type MeasureDef = z.infer<typeof measureDefSchema>;

export const liveResponseSchema = z.object({
  status: deviceStatusSchema,
  statusReason: statusReasonSchema.optional(),
  statusDetail: z.string().optional(),
  /** ISO time of the reading the values come from (null before the first good read). */
  at: z.string().nullable(),
  values: z.record(z.string(), liveValueSchema),
  /** The device's quantities in table order, so the Measure page can lay them out (CON-7). */
  measures: z.array(measureDefSchema),
});
export type LiveResponse = z.infer<typeof liveResponseSchema>;

export const gatewaySummarySchema = z.object({
  id: z.string(), name: z.string(), kind: z.enum(['local', 'tcp']), host: z.string(),
  enabled: z.boolean(), status: deviceStatusSchema, statusReason: statusReasonSchema.optional(),
});
export type GatewaySummary = z.infer<typeof gatewaySummarySchema>;

/** Error body of every 4xx/5xx answer. */
export const apiErrorSchema = z.object({
  error: z.string(),
  code: z.string(),
  fields: z.record(z.string(), z.array(z.string())).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** AUTH-3: users page. Codes are write-only. */
export const userInputSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(40),
  role: roleSchema.default('user'),
  pages: z.array(pageSchema).default([]),
  enabled: z.boolean().default(true),
  pin: pinSchema.optional(),
  puk: pukSchema.optional(),
}).strict();
export const userUpdateSchema = userInputSchema.partial().strict();
export type UserInput = z.input<typeof userInputSchema>;
export type UserUpdate = z.input<typeof userUpdateSchema>;
export const userSummarySchema = z.object({
  id: z.string(), name: z.string(), role: roleSchema, pages: z.array(pageSchema), enabled: z.boolean(),
  /** The user still has the factory codes. */
  defaultCodes: z.boolean(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

/** BEY-1 kiosk tokens. The token itself is only in the answer to the creation. */
export const kioskTokenSchema = z.object({ id: z.string(), name: z.string(), createdBy: z.string(), created: z.string() });
export type KioskToken = z.infer<typeof kioskTokenSchema>;
export const kioskTokenInputSchema = z.object({ name: z.string().trim().min(1, 'a name is required').max(40) }).strict();
export const newKioskTokenSchema = z.object({ id: z.string(), name: z.string(), token: z.string(), url: z.string() });
export type NewKioskToken = z.infer<typeof newKioskTokenSchema>;
