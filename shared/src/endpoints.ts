/**
 * @module endpoints
 * The API contract: every route of `/api` with the right it needs, the zod schemas of its path
 * parameters, query, body and answer, its success status and its body size limit. The daemon
 * registers its routes from this table (validated at the door, rights checked from it), the
 * OpenAPI document is generated from it, and the SPA's client is typed from it (type-only: the
 * schemas are not bundled into the SPA).
 */
import { z } from 'zod';
import {
  healthResponseSchema, kioskTokenInputSchema, kioskTokenSchema, liveResponseSchema, loginRequestSchema, newKioskTokenSchema,
  sessionResponseSchema, userInputSchema, userSummarySchema, userUpdateSchema, deviceSummarySchema,
} from './api';
import type { Right } from './roles';
import { deviceConfigSchema, gatewaySchema, modbusSettingsPatchSchema, modbusSettingsSchema } from './config';
import { interopEndpoints, SLAVE_MAP_DOC } from './interop';
import {
  auditAnswerSchema, catalogModelSchema, deviceDetailSchema, deviceInputSchema, deviceTestResultSchema, editionSchema, gatewayInputSchema,
  gatewayTestResultSchema, gatewayViewSchema, groupInputSchema, groupSchema, loadInputSchema, loadSchema, panelBoardInputSchema,
  panelBoardSchema, scanRequestSchema, scanStateSchema,
} from './structure';
import { csvSettingsAnswerSchema, csvSettingsPatchSchema, networkAnswerSchema, networkSettingsSchema, timeAnswerSchema, timeSettingsPatchSchema } from './settings';
import { consumptionQuerySchema, consumptionResultSchema } from './consumption';
import { commandEndpoints } from './commands';
import { eqEndpoints } from './eq';
import { linkEndpoints } from './links';
import { greenupEndpoints } from './greenup';
import { systemEndpoints } from './system';
import { alarmEndpoints, notifyEndpoints } from './alarms';
import { historyEndpoints } from './history';
import { exportEndpoints } from './exports';
import { reportEndpoints } from './reports';
import { costRulesSchema, costRulesViewSchema, costSettingsSchema, costStatusSchema, costTypeSchema, tariffInputSchema, tariffSchema } from './costs';

export interface EndpointDef {
  summary: string;
  /** Longer text for the OpenAPI document (register maps, formats). */
  description?: string;
  right: Right;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer on success (JSON unless `produces` says otherwise). */
  response: z.ZodType;
  /** Success status (200 by default). 204 answers carry no body. */
  status?: 200 | 201 | 202 | 204;
  /** Non-JSON answers (the CSV download, a backup download, files and zips of the history folder, PDF reports). */
  produces?: 'text/csv' | 'application/zip' | 'application/pdf' | 'application/octet-stream';
  /** A raw (non-JSON) request body, streamed to a file by the handler (a restore archive, an update package). */
  consumes?: 'application/zip' | 'application/octet-stream';
  /** Largest request body accepted; larger ones get 413 before they are read. */
  bodyLimitBytes?: number;
}

/** Bodies are small JSON documents unless a route says otherwise. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/** Ids of configuration objects in paths. */
const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an id (letters, digits, - _ .)') });
/** Permanent numeric device ids (1…9999). */
const deviceIdParam = z.object({ id: z.coerce.number({ error: 'a device id is a number' }).int('a device id is a whole number').min(1, 'device ids go from 1 to 9999').max(9999, 'device ids go from 1 to 9999') });
const noContent = z.null();

/** The four routes of a configuration list (panel boards, loads, groups, gateways). */
function crudOf<T extends string, I extends z.ZodType, N extends z.ZodType, L extends z.ZodType = I>(path: T, what: string, item: I, input: N, read: Right, write: Right, listItem?: L) {
  return {
    [`GET ${path}`]: { summary: `List the ${what}s`, right: read, response: z.array(listItem ?? item) },
    [`POST ${path}`]: { summary: `Create a ${what}`, right: write, body: input, response: item, status: 201 },
    [`PUT ${path}/:id`]: { summary: `Change a ${what}`, right: write, params: idParam, body: input, response: item },
    [`DELETE ${path}/:id`]: { summary: `Delete a ${what}`, right: write, params: idParam, response: noContent, status: 204 },
  } as unknown as
    Record<`GET ${T}`, { summary: string; right: Right; response: z.ZodArray<L> }>
    & Record<`POST ${T}`, { summary: string; right: Right; body: N; response: I; status: 201 }>
    & Record<`PUT ${T}/:id`, { summary: string; right: Right; params: typeof idParam; body: N; response: I }>
    & Record<`DELETE ${T}/:id`, { summary: string; right: Right; params: typeof idParam; response: typeof noContent; status: 204 }>;
}

/** GET and PUT of a settings document. */
const settings = <T extends string, B extends z.ZodType, R extends z.ZodType>(path: T, what: string, body: B, response: R, read: Right = 'webServerConfig', write: Right = 'webServerConfig') => ({
  [`GET ${path}`]: { summary: `Read the ${what}`, right: read, response },
  [`PUT ${path}`]: { summary: `Change the ${what}`, right: write, body, response },
}) as unknown as Record<`GET ${T}`, { summary: string; right: Right; response: R }> & Record<`PUT ${T}`, { summary: string; right: Right; body: B; response: R }>;

export const endpoints = {
  ...commandEndpoints,
  ...eqEndpoints,
  ...linkEndpoints,
  'GET /api/health': { summary: 'Is the daemon up, and its version', right: 'public', response: healthResponseSchema },
  'GET /api/openapi.json': { summary: 'This OpenAPI 3.1 document', right: 'public', response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.looseObject({})) }) },

  // Session (AUTH-1, AUTH-4, AUTH-5)
  'GET /api/session': { summary: 'The current session (401 without one)', right: 'public', response: sessionResponseSchema },
  'POST /api/session': { summary: 'Log in: PIN, then PUK from a browser not yet trusted; throttled', right: 'public', body: loginRequestSchema, response: sessionResponseSchema, bodyLimitBytes: 1024 },
  'DELETE /api/session': { summary: 'Log out (the browser stays trusted)', right: 'public', response: noContent, status: 204 },
  'POST /api/session/lock': { summary: 'Lock: log out and forget this browser (next login needs the PUK)', right: 'public', response: noContent, status: 204 },

  // System configuration (SPEC §1–2)
  'GET /api/catalog': { summary: 'Device models with their parameters and quantities', right: 'authenticated', response: z.array(catalogModelSchema) },
  ...crudOf('/api/gateways', 'gateway', gatewaySchema, gatewayInputSchema, 'authenticated', 'systemConfig', gatewayViewSchema),
  'POST /api/gateways/:id/test': { summary: 'Is the gateway reachable now, and if not why (BUS-3)', right: 'systemConfig', params: idParam, response: gatewayTestResultSchema },
  'POST /api/gateways/:id/scan': { summary: 'Start a bus scan (CAT-3); follow it at /api/scans/:id', right: 'systemConfig', params: idParam, body: scanRequestSchema, response: scanStateSchema, status: 202 },
  'GET /api/scans': { summary: 'Scans, newest first', right: 'systemConfig', query: z.object({ gatewayId: z.string().max(64).optional() }), response: z.array(scanStateSchema) },
  'GET /api/scans/:id': { summary: 'A scan and its progress', right: 'systemConfig', params: idParam, response: scanStateSchema },
  'DELETE /api/scans/:id': { summary: 'Cancel a scan', right: 'systemConfig', params: idParam, response: scanStateSchema },
  'GET /api/devices': { summary: 'Device summaries with status (DEV-1)', right: 'authenticated', response: z.array(deviceSummarySchema) },
  'GET /api/devices/:id': { summary: 'A device\'s whole configuration with its Remote ID', right: 'authenticated', params: deviceIdParam, response: deviceDetailSchema },
  'POST /api/devices': { summary: 'Create a device', right: 'systemConfig', body: deviceInputSchema, response: deviceConfigSchema, status: 201 },
  'POST /api/devices/batch': { summary: 'Create several devices, all or none (field errors keyed <index>.<field>)', right: 'systemConfig', body: z.array(deviceInputSchema).min(1, 'at least one device').max(247, 'at most 247 devices'), response: z.array(deviceConfigSchema), status: 201, bodyLimitBytes: 256 * 1024 },
  'PUT /api/devices/:id': { summary: 'Change a device', right: 'systemConfig', params: deviceIdParam, body: deviceInputSchema, response: deviceConfigSchema },
  'DELETE /api/devices/:id': { summary: 'Delete a device', right: 'systemConfig', params: deviceIdParam, response: noContent, status: 204 },
  'POST /api/devices/:id/test': { summary: 'Read the device now: values or the reason of failure (CAT-2)', right: 'systemConfig', params: deviceIdParam, response: deviceTestResultSchema },
  'GET /api/devices/:id/live': { summary: 'Live measures of a device (cached ≤ 1.5 s)', right: ['myPanelBoard', 'consumptions'], params: deviceIdParam, response: liveResponseSchema },
  ...crudOf('/api/loads', 'load', loadSchema, loadInputSchema, 'authenticated', 'systemConfig'),
  ...crudOf('/api/groups', 'measure group', groupSchema, groupInputSchema, 'authenticated', 'systemConfig'),
  ...crudOf('/api/panelboards', 'panel board', panelBoardSchema, panelBoardInputSchema, 'authenticated', 'systemConfig'),
  'GET /api/settings/audit': { summary: 'Configuration version and who changed what (CFG-6)', right: 'systemConfig', response: auditAnswerSchema },

  // Web server configuration (SPEC §13)
  ...settings('/api/settings/network', 'network settings (applied by the system adapter)', networkSettingsSchema, networkAnswerSchema),
  'GET /api/settings/modbus': { summary: 'Read the Modbus settings (RS485 port, Modbus TCP server)', right: 'webServerConfig', response: modbusSettingsSchema },
  'PUT /api/settings/modbus': {
    summary: 'Change the Modbus settings: the fields sent (port settings reopen the port; the TCP server starts, stops or moves at once)', right: 'webServerConfig',
    description: `The Modbus TCP server (tcpServer, tcpPort, tcpBind, tcpAllow, tcpMaxConnections) is a gateway to the Local RS485 bus for unit ids 1-246 (writes only with tcpGatewayWrites; exception 0B when a device does not answer) and the slave function. ${SLAVE_MAP_DOC}`,
    body: modbusSettingsPatchSchema, response: modbusSettingsSchema,
  },
  ...interopEndpoints,
  ...settings('/api/settings/time', 'date and time settings', timeSettingsPatchSchema, timeAnswerSchema),
  ...settings('/api/settings/csv', 'CSV and other settings (the folder password is write-only)', csvSettingsPatchSchema, csvSettingsAnswerSchema),
  ...settings('/api/settings/edition', 'edition (BUS-6)', z.object({ edition: editionSchema }).strict(), z.object({ edition: editionSchema })),

  // Bill of consumptions (COST-1…4)
  ...settings('/api/settings/costs', 'currency and gas conversion factor (COST-1)', costSettingsSchema, costSettingsSchema, 'authenticated', 'systemConfig'),
  'GET /api/tariffs': { summary: 'Tariffs, all or of one type (COST-2)', right: 'authenticated', query: z.object({ type: costTypeSchema.optional() }), response: z.array(tariffSchema) },
  'POST /api/tariffs': { summary: 'Create a tariff', right: 'systemConfig', body: tariffInputSchema, response: tariffSchema, status: 201 },
  'PUT /api/tariffs/:id': { summary: 'Change a tariff (a price change needs no recomputation)', right: 'systemConfig', params: idParam, body: tariffInputSchema, response: tariffSchema },
  'DELETE /api/tariffs/:id': { summary: 'Delete a tariff no rule uses', right: 'systemConfig', params: idParam, response: noContent, status: 204 },
  'GET /api/cost-rules/:type': { summary: 'The ordered cost rules of a type, the rule in force, uncovered periods (COST-3)', right: ['systemConfig', 'consumptions'], params: z.object({ type: costTypeSchema }), response: costRulesViewSchema },
  'PUT /api/cost-rules/:type': { summary: 'Replace the ordered rules; history is recomputed in the background', right: 'systemConfig', params: z.object({ type: costTypeSchema }), body: costRulesSchema, response: costRulesViewSchema, bodyLimitBytes: 64 * 1024 },
  'GET /api/costs/status': { summary: 'The background recomputation after a rule change, if any', right: 'authenticated', response: costStatusSchema },

  // Users (AUTH-3) and wall-tablet kiosk tokens (BEY-1)
  'GET /api/users': { summary: 'Users (codes are never returned)', right: 'users', response: z.array(userSummarySchema) },
  'POST /api/users': { summary: 'Create a user', right: 'users', body: userInputSchema, response: userSummarySchema, status: 201 },
  'PUT /api/users/:id': { summary: 'Change a user', right: 'users', params: idParam, body: userUpdateSchema, response: userSummarySchema },
  'GET /api/kiosk-tokens': { summary: 'Read-only tokens of wall tablets', right: 'users', response: z.array(kioskTokenSchema) },
  'POST /api/kiosk-tokens': { summary: 'Create a kiosk token (shown once)', right: 'users', body: kioskTokenInputSchema, response: newKioskTokenSchema, status: 201 },
  'DELETE /api/kiosk-tokens/:id': { summary: 'Revoke a kiosk token', right: 'users', params: idParam, response: noContent, status: 204 },

  // Consumptions (CON-1…6)
  'GET /api/consumption': { summary: 'Bars of a scope over a period, with the previous period (uPlot columns)', right: 'consumptions', query: consumptionQuerySchema, response: consumptionResultSchema },
  'GET /api/consumption.csv': { summary: 'datalogger.csv of the same query', right: 'consumptions', query: consumptionQuerySchema, response: z.string(), produces: 'text/csv' },

  // Green'Up EV charging management (EV-1…6)
  ...greenupEndpoints,
  ...systemEndpoints,
  ...alarmEndpoints,
  ...notifyEndpoints,
  ...historyEndpoints,
  ...exportEndpoints,
  ...reportEndpoints,
} as const satisfies Record<string, EndpointDef>;

export type Endpoints = typeof endpoints;
export type EndpointKey = keyof Endpoints;
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `'GET /api/devices/:id'` → method and path. */
export function splitEndpoint(key: string): { method: Method; path: string } {
  const i = key.indexOf(' ');
  return { method: key.slice(0, i) as Method, path: key.slice(i + 1) };
}

type Def<K extends EndpointKey> = Endpoints[K];
type Field<K extends EndpointKey, F extends string> = Def<K> extends { [P in F]: infer S extends z.ZodType } ? S : never;

/** Path parameters as the client gives them. */
export type EndpointParams<K extends EndpointKey> = [Field<K, 'params'>] extends [never] ? never : { [P in keyof z.output<Field<K, 'params'>>]: string | number };
/** The query as the client gives it (booleans and numbers are written into the query string). */
export type EndpointQuery<K extends EndpointKey> = [Field<K, 'query'>] extends [never] ? never : z.output<Field<K, 'query'>>;
/** The body the client sends. */
export type EndpointBody<K extends EndpointKey> = [Field<K, 'body'>] extends [never] ? never : z.input<Field<K, 'body'>>;
/** What a handler receives (after parsing and defaults). */
export type EndpointParsed<K extends EndpointKey> = {
  params: [Field<K, 'params'>] extends [never] ? Record<string, never> : z.output<Field<K, 'params'>>;
  query: [Field<K, 'query'>] extends [never] ? Record<string, never> : z.output<Field<K, 'query'>>;
  body: [Field<K, 'body'>] extends [never] ? undefined : z.output<Field<K, 'body'>>;
};
/** The answer on success. */
export type EndpointAnswer<K extends EndpointKey> = z.output<Def<K>['response']>;

type OptionalIfNever<T, F extends string> = [T] extends [never] ? { [P in F]?: never } : { [P in F]: T };
/** What the client passes to call a route. */
export type EndpointInput<K extends EndpointKey> =
  OptionalIfNever<EndpointParams<K>, 'params'> & OptionalIfNever<EndpointBody<K>, 'body'>
  & ([EndpointQuery<K>] extends [never] ? { query?: never } : { query: EndpointQuery<K> });
