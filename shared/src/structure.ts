/**
 * @module structure
 * The installation's structure (SPEC §2): panel boards, loads, measure groups, the edition's
 * limits, and the API inputs that create and edit gateways and devices.
 */
import { z } from 'zod';
import { EDITIONS } from './constants';
import { familySchema } from './catalog';
import { genericRegisterSchema, gatewaySchema } from './config';

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
export const MAX_USER_LOADS = 8;
export const MAX_LOADS = 14;
export const PREDEFINED_LOADS: Array<{ id: string; name: string }> = [
  { id: 'lighting', name: 'Lighting' }, { id: 'heating', name: 'Heating' },
  { id: 'air-conditioning', name: 'Air conditioning' }, { id: 'ventilation', name: 'Ventilation' },
  { id: 'power-sockets', name: 'Power sockets' }, { id: 'ev-charging', name: 'EV charging' },
];

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
  groupIds: z.array(z.string()).max(5, 'at most 5 measure groups').default([]),
  excludeFromTotals: z.boolean().default(false),
  excludeAlerts: z.boolean().default(false),
  labels: z.record(z.string(), z.string().max(40)).default({}),
}).strict();
export type DeviceInput = z.input<typeof deviceInputSchema>;

/** `GET /api/catalog`: the models a device can be. */
export interface CatalogModel {
  family: import('./catalog').Family;
  model: string;
  label: string;
  energyType: import('./catalog').EnergyType;
  capabilities: import('./catalog').Capability[];
  parameters: import('./catalog').DeviceParameter[];
  /** Inputs of a pulse concentrator (positions 1…n). */
  positions?: number;
  /** The model's quantities, for labels (Test results, custom I/O labels on `io`/`state` keys). */
  measures: import('./api').MeasureDef[];
}

/** `GET /api/gateways`: the configuration with the live status. */
export type GatewayView = import('./config').Gateway & import('./api').GatewaySummary;

/** `GET /api/devices/:id`: the whole configuration, its address label and Remote ID (MS-2). */
export type DeviceDetail = import('./config').DeviceConfig & { addressLabel: string; remoteId: number };

/** CAT-3 bus scan: proposals and progress. */
export interface ScanFound { address: number; position?: number; family: import('./catalog').Family; model: string; label: string }
export interface ScanState {
  id: string;
  gatewayId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  from: number;
  to: number;
  /** Addresses probed so far. */
  done: number;
  total: number;
  found: ScanFound[];
  error?: string;
}

/** BUS-3 Test: `reason` says why the gateway is not reachable. */
export interface GatewayTestResult { ok: boolean; reason?: string }
/** CAT-2 Test: the values read now, or the reason of failure (BUS-5). */
export type DeviceTestResult =
  | { ok: true; values?: Record<string, import('./api').LiveValue> }
  | { ok: false; reason: import('./api').StatusReason; detail?: string };
