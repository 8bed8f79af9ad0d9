/**
 * @module structure
 * The installation's structure (SPEC §2): panel boards, loads, measure groups, the edition's
 * limits, and the API inputs that create and edit gateways and devices.
 */
import { z } from 'zod';
import { EDITIONS, MAX_GROUPS_PER_DEVICE } from './constants';
import { capabilitySchema, commandKindSchema, deviceParameterSchema, energyTypeSchema, familySchema } from './catalog';
import { deviceConfigSchema, genericRegisterSchema, gatewaySchema, remoteIdSchema } from './config';
import { catalogLabelFields, gatewaySummarySchema, liveValueSchema, measureDefSchema, statusReasonSchema } from './api';

const name = z.string().trim().min(1, 'a name is required').max(40, 'at most 40 characters');
const description = z.string().trim().max(200, 'at most 200 characters');

export const panelBoardSchema = z.object({
  id: z.string(),
  name,
  description: description.default(''),
  enabled: z.boolean().default(true),
});
export type PanelBoard = z.infer<typeof panelBoardSchema>;
export const panelBoardInputSchema = panelBoardSchema.omit({ id: true }).strict();
export type PanelBoardInput = z.input<typeof panelBoardInputSchema>;

/** CFG-2: 6 predefined loads, "Others", up to 8 user loads (14 in all); water and gas are fixed. */
export const loadKindSchema = z.enum(['predefined', 'others', 'user', 'water', 'gas']);
export const loadSchema = z.object({
  /** Numeric ID shown in the UI and used as Remote ID 2YYYY (MS-1). */
  id: z.string(),
  remoteId: z.number().int().min(1).max(9999),
  name,
  kind: loadKindSchema,
  enabled: z.boolean().default(true),
});
export type Load = z.infer<typeof loadSchema>;
export const loadInputSchema = z.object({ name, enabled: z.boolean().default(true) }).strict();
export type LoadInput = z.input<typeof loadInputSchema>;
export const MAX_USER_LOADS = 8;
export const MAX_LOADS = 14;

export const groupSchema = z.object({
  id: z.string(),
  /** Remote ID 3ZZZZ (MS-1). */
  remoteId: z.number().int().min(1).max(9999),
  name,
  description: description.default(''),
  enabled: z.boolean().default(true),
});
export type Group = z.infer<typeof groupSchema>;
export const groupInputSchema = groupSchema.omit({ id: true, remoteId: true }).strict();
export type GroupInput = z.input<typeof groupInputSchema>;

/** BUS-6: the edition is a setting; its limits are checked with a clear message. */
export const editionSchema = z.enum(EDITIONS);

/** POST /api/gateways, PUT /api/gateways/:id (IP gateways; Local accepts name, description, panel board, ON/OFF). */
export const gatewayInputSchema = gatewaySchema.omit({ id: true, kind: true }).extend({
  name,
  description: description.default(''),
}).strict();
export type GatewayInput = z.input<typeof gatewayInputSchema>;

/** POST /api/devices, PUT /api/devices/:id (CAT-2). An empty name gets the default name. */
export const deviceInputSchema = z.object({
  gatewayId: z.string().min(1, 'choose a gateway'),
  family: familySchema,
  model: z.string().min(1, 'choose a model'),
  address: z.number({ error: 'the Modbus address is required' }).int().min(1, 'from 1 to 247').max(247, 'from 1 to 247'),
  position: z.number().int().min(1).max(32).optional(),
  side: z.enum(['A', 'B']).optional(),
  phase: z.enum(['L1', 'L2', 'L3']).optional(),
  supply: z.enum(['upstream', 'downstream']).default('upstream'),
  name: z.string().trim().max(40, 'at most 40 characters').default(''),
  enabled: z.boolean().default(true),
  generic: genericRegisterSchema.optional(),
  loadId: z.string().nullable().default(null),
  groupIds: z.array(z.string()).max(MAX_GROUPS_PER_DEVICE, `at most ${MAX_GROUPS_PER_DEVICE} measure groups`).default([]),
  excludeFromTotals: z.boolean().default(false),
  excludeAlerts: z.boolean().default(false),
  labels: z.record(z.string(), z.string().max(40)).default({}),
  /** WSMEASURE only: the Remote ID on the slave web server (29999 = All). */
  remoteAddress: remoteIdSchema.optional(),
}).strict();
export type DeviceInput = z.input<typeof deviceInputSchema>;

/** `GET /api/catalog`: the models a device can be. */
export const catalogModelSchema = z.object({
  family: familySchema,
  model: z.string(),
  label: z.string(),
  energyType: energyTypeSchema,
  capabilities: z.array(capabilitySchema),
  parameters: z.array(deviceParameterSchema),
  /** Inputs of a pulse concentrator (positions 1…n). */
  positions: z.number().int().optional(),
  /** The model's quantities, for labels (Test results, custom I/O labels on `io`/`state` keys). */
  measures: z.array(measureDefSchema),
  /** Switching commands offered on the State/Com. page (DEV-2). */
  commands: z.array(z.object({ kind: commandKindSchema, ...catalogLabelFields })).optional(),
  /** Outputs that can be switched and configured (DEV-3). */
  outputs: z.number().int().optional(),
});
export type CatalogModel = z.infer<typeof catalogModelSchema>;

/** `GET /api/gateways`: the configuration with the live status. */
export const gatewayViewSchema = gatewaySchema.extend(gatewaySummarySchema.shape);
export type GatewayView = z.infer<typeof gatewayViewSchema>;

/** `GET /api/devices/:id`: the whole configuration, its address label and Remote ID (MS-2). */
export const deviceDetailSchema = deviceConfigSchema.extend({ addressLabel: z.string(), remoteId: z.number().int() });
export type DeviceDetail = z.infer<typeof deviceDetailSchema>;

/** CAT-3 bus scan: proposals and progress. */
export const scanFoundSchema = z.object({
  address: z.number().int(), position: z.number().int().optional(), family: familySchema, model: z.string(), label: z.string(),
});
export type ScanFound = z.infer<typeof scanFoundSchema>;
export const scanStateSchema = z.object({
  id: z.string(),
  gatewayId: z.string(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  from: z.number().int(),
  to: z.number().int(),
  /** Addresses probed so far. */
  done: z.number().int(),
  total: z.number().int(),
  found: z.array(scanFoundSchema),
  error: z.string().optional(),
  /** Time since the scan started (until it ended), ms. */
  elapsedMs: z.number().int().min(0),
  /**
   * RS485 line: how long a probe waits for a reply to start after its request (derived from the
   * baud rate and the slave's turnaround); null through a Modbus TCP gateway (its own timeout rules).
   */
  probeReplyStartMs: z.number().int().nullable(),
  /** Addresses that answered something unclear and were probed again with the full timeout. */
  retried: z.number().int().min(0),
});
export type ScanState = z.infer<typeof scanStateSchema>;
/** `POST /api/gateways/:id/scan`: the range of addresses to probe. */
export const scanRequestSchema = z.object({
  from: z.number().int().min(1).max(247).default(1),
  to: z.number().int().min(1).max(247).default(247),
}).strict().refine((r) => r.from <= r.to, { message: 'from must not be above to', path: ['to'] });

/** BUS-3 Test: `reason` says why the gateway is not reachable. */
export const gatewayTestResultSchema = z.object({ ok: z.boolean(), reason: z.string().optional() });
export type GatewayTestResult = z.infer<typeof gatewayTestResultSchema>;
/** CAT-2 Test: the values read now, or the reason of failure (BUS-5). */
export const deviceTestResultSchema = z.union([
  z.object({ ok: z.literal(true), values: z.record(z.string(), liveValueSchema).optional() }),
  z.object({ ok: z.literal(false), reason: statusReasonSchema, detail: z.string().optional() }),
]);
export type DeviceTestResult = z.infer<typeof deviceTestResultSchema>;

/** One line of the configuration's audit trail (CFG-6). */
export const auditEntrySchema = z.object({ at: z.string(), user: z.string(), action: z.string(), version: z.number().int() });
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditAnswerSchema = z.object({ version: z.number().int(), entries: z.array(auditEntrySchema) });
