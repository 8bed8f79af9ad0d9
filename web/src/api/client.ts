/**
 * @module api/client
 * The typed client of the daemon's JSON API: `call('PUT /api/loads/:id', {params, body})` takes
 * and returns the types of the shared contract (`@ews/shared` endpoints; imported as types
 * only, so no schema is bundled). Same-origin cookies carry the session; error bodies
 * `{error, code, fields?}` become an ApiClientError the UI branches on by `code`.
 */
import { signal } from '@preact/signals';
import type {
  ApiError, CommandKind, ConsumptionQuery, CostType, Edition, EndpointAnswer, EndpointBody, EndpointInput, EndpointKey, OutputConfig,
} from '@ews/shared';

/** Set when a request could not reach the daemon; cleared by the next answer. */
export const offline = signal(false);

/** Called when an authenticated request answers 401 (the session ended elsewhere). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void): void { onUnauthorized = handler; }

/**
 * BEY-1: a wall tablet authenticates with a read-only kiosk token instead of a session cookie.
 * While set, requests carry `Authorization: Bearer <token>` and a 401 is left to the kiosk page
 * (no login prompt).
 */
let bearer: string | null = null;
export function setBearer(token: string | null): void { bearer = token; }

export class ApiClientError extends Error {
  /** HTTP status; 0 when the daemon could not be reached. */
  readonly status: number;
  /** Machine-readable code from the error body (`bad-code`, `need-puk`…), or `network`/`http`. */
  readonly code: string;
  readonly fields: Record<string, string[]> | undefined;
  /** The whole error body, for route-specific extras such as `retryAfterS` or `needPuk`. */
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, body: Record<string, unknown> = {}, fields?: Record<string, string[]>) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
    this.code = code;
    this.body = body;
    this.fields = fields;
  }
}

export function isApiClientError(e: unknown): e is ApiClientError {
  return e instanceof ApiClientError;
}

/** Status codes that mean "the daemon is not there right now" (restart, proxy). */
const UNREACHABLE = new Set([502, 503, 504]);

interface RequestOptions {
  /** Do not treat 401 as "session ended" (login and session probes). */
  allow401?: boolean;
}

/** A query object as a query string: booleans as 1/0, absent values left out. */
export function queryString(query: Record<string, string | number | boolean | undefined> | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`);
  }
  return parts.join('&');
}

/** The URL of a route: `:name` replaced by the encoded parameter, then the query. */
export function urlOf(path: string, params?: Record<string, string | number>, query?: Record<string, string | number | boolean | undefined>): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(v));
  });
  const q = queryString(query);
  return q ? `${filled}?${q}` : filled;
}

type Args<K extends EndpointKey> = {} extends EndpointInput<K> ? [input?: EndpointInput<K>, opts?: RequestOptions] : [input: EndpointInput<K>, opts?: RequestOptions];

/** Calls a route of the contract with its typed parameters, query and body. */
export async function call<K extends EndpointKey>(key: K, ...[input, opts = {}]: Args<K>): Promise<EndpointAnswer<K>> {
  const i = key.indexOf(' ');
  const method = key.slice(0, i);
  const { params, query, body } = (input ?? {}) as { params?: Record<string, string | number>; query?: Record<string, string | number | boolean | undefined>; body?: unknown };
  const url = urlOf(key.slice(i + 1), params, query);
  let res: Response;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    offline.value = true;
    throw new ApiClientError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (UNREACHABLE.has(res.status)) {
    offline.value = true;
    throw new ApiClientError(res.status, 'network', res.statusText || `HTTP ${res.status}`);
  }
  offline.value = false;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try { data = JSON.parse(text); } catch { data = undefined; }
  }
  if (!res.ok) {
    const err = (data && typeof data === 'object' ? data : {}) as Partial<ApiError> & Record<string, unknown>;
    if (res.status === 401 && !opts.allow401 && !bearer && onUnauthorized) onUnauthorized();
    const retryAfter = res.headers.get('Retry-After');
    if (err.retryAfterS === undefined && retryAfter && /^\d+$/.test(retryAfter)) err.retryAfterS = Number(retryAfter);
    throw new ApiClientError(
      res.status,
      typeof err.code === 'string' ? err.code : 'http',
      typeof err.error === 'string' ? err.error : res.statusText || `HTTP ${res.status}`,
      err,
      err.fields,
    );
  }
  return (data ?? null) as EndpointAnswer<K>;
}

/**
 * Sends a file as the raw body of a route that `consumes` one (a restore archive, an update
 * package); answers like `call`.
 */
export async function upload<K extends EndpointKey>(key: K, file: Blob, type: string): Promise<EndpointAnswer<K>> {
  const i = key.indexOf(' ');
  let res: Response;
  try {
    res = await fetch(key.slice(i + 1), { method: key.slice(0, i), credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json', 'Content-Type': type }, body: file });
  } catch (e) {
    throw new ApiClientError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let data: unknown;
  try { data = text ? JSON.parse(text) : undefined; } catch { data = undefined; }
  if (!res.ok) {
    const err = (data && typeof data === 'object' ? data : {}) as Partial<ApiError> & Record<string, unknown>;
    throw new ApiClientError(res.status, typeof err.code === 'string' ? err.code : 'http', typeof err.error === 'string' ? err.error : `HTTP ${res.status}`, err, err.fields);
  }
  return (data ?? null) as EndpointAnswer<K>;
}

/**
 * Posts a JSON body to a route that `produces` a file (a PDF report): the file and its name from
 * Content-Disposition. Errors are thrown like `call`'s.
 */
export async function fetchFile<K extends EndpointKey>(key: K, body: EndpointBody<K>): Promise<{ blob: Blob; fileName: string }> {
  const i = key.indexOf(' ');
  let res: Response;
  try {
    res = await fetch(key.slice(i + 1), { method: key.slice(0, i), credentials: 'same-origin', cache: 'no-store', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiClientError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    let err: Partial<ApiError> & Record<string, unknown> = {};
    try { err = (await res.json()) as typeof err; } catch { /* not JSON */ }
    if (res.status === 401 && onUnauthorized) onUnauthorized();
    throw new ApiClientError(res.status, typeof err.code === 'string' ? err.code : 'http', typeof err.error === 'string' ? err.error : `HTTP ${res.status}`, err, err.fields);
  }
  const fileName = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  return { blob: await res.blob(), fileName };
}

/** A backup's download link. */
export const backupUrl = (file: string) => urlOf('/api/system/backups/:file', { file });

/** The `datalogger.csv` of a query (CON-6), for a download link. */
export const consumptionCsvUrl = (q: ConsumptionQuery) => urlOf('/api/consumption.csv', undefined, q);

type Body<K extends EndpointKey> = EndpointBody<K>;
const noPuk = { allow401: true };

/** The routes the SPA uses, by name; each is `call` on the contract's route. */
export const api = {
  getSession: () => call('GET /api/session', {}, noPuk),
  login: (body: Body<'POST /api/session'>) => call('POST /api/session', { body }, noPuk),
  logout: () => call('DELETE /api/session', {}, noPuk),
  lock: () => call('POST /api/session/lock', {}, noPuk),
  /** The gateways' configuration with their status. */
  gateways: () => call('GET /api/gateways'),
  devices: () => call('GET /api/devices'),
  live: (id: number) => call('GET /api/devices/:id/live', { params: { id } }),
  links: () => call('GET /api/links'),
  eq: (id: number) => call('GET /api/devices/:id/eq', { params: { id } }),
  /** DEV-2 / DEV-3: commands on the bus, confirmed by the user first. */
  switchDevice: (id: number, kind: CommandKind) => call('POST /api/devices/:id/commands/:kind', { params: { id, kind }, body: { confirm: true } }),
  setOutput: (id: number, n: number, on: boolean) => call('PUT /api/devices/:id/outputs/:n', { params: { id, n }, body: { on, confirm: true } }),
  configureOutput: (id: number, n: number, body: OutputConfig) => call('PUT /api/devices/:id/outputs/:n/config', { params: { id, n }, body }),

  // System configuration (SPEC §1–2)
  catalog: () => call('GET /api/catalog'),
  createGateway: (body: Body<'POST /api/gateways'>) => call('POST /api/gateways', { body }),
  updateGateway: (id: string, body: Body<'PUT /api/gateways/:id'>) => call('PUT /api/gateways/:id', { params: { id }, body }),
  deleteGateway: (id: string) => call('DELETE /api/gateways/:id', { params: { id } }),
  testGateway: (id: string) => call('POST /api/gateways/:id/test', { params: { id } }),
  startScan: (id: string, body: Body<'POST /api/gateways/:id/scan'>) => call('POST /api/gateways/:id/scan', { params: { id }, body }),
  /** A gateway's scans, newest first (a running one is resumed rather than started again). */
  scans: (gatewayId: string) => call('GET /api/scans', { query: { gatewayId } }),
  scan: (id: string) => call('GET /api/scans/:id', { params: { id } }),
  cancelScan: (id: string) => call('DELETE /api/scans/:id', { params: { id } }),
  device: (id: number) => call('GET /api/devices/:id', { params: { id } }),
  createDevice: (body: Body<'POST /api/devices'>) => call('POST /api/devices', { body }),
  /** Several devices, all or none in one configuration version; field errors are keyed `<index>.<field>`. */
  createDevices: (body: Body<'POST /api/devices/batch'>) => call('POST /api/devices/batch', { body }),
  updateDevice: (id: number, body: Body<'PUT /api/devices/:id'>) => call('PUT /api/devices/:id', { params: { id }, body }),
  deleteDevice: (id: number) => call('DELETE /api/devices/:id', { params: { id } }),
  testDevice: (id: number) => call('POST /api/devices/:id/test', { params: { id } }),
  panelBoards: () => call('GET /api/panelboards'),
  createPanelBoard: (body: Body<'POST /api/panelboards'>) => call('POST /api/panelboards', { body }),
  updatePanelBoard: (id: string, body: Body<'PUT /api/panelboards/:id'>) => call('PUT /api/panelboards/:id', { params: { id }, body }),
  deletePanelBoard: (id: string) => call('DELETE /api/panelboards/:id', { params: { id } }),
  loads: () => call('GET /api/loads'),
  createLoad: (body: Body<'POST /api/loads'>) => call('POST /api/loads', { body }),
  updateLoad: (id: string, body: Body<'PUT /api/loads/:id'>) => call('PUT /api/loads/:id', { params: { id }, body }),
  deleteLoad: (id: string) => call('DELETE /api/loads/:id', { params: { id } }),
  groups: () => call('GET /api/groups'),
  createGroup: (body: Body<'POST /api/groups'>) => call('POST /api/groups', { body }),
  updateGroup: (id: string, body: Body<'PUT /api/groups/:id'>) => call('PUT /api/groups/:id', { params: { id }, body }),
  deleteGroup: (id: string) => call('DELETE /api/groups/:id', { params: { id } }),
  audit: () => call('GET /api/settings/audit'),

  // Web server configuration (SPEC §13)
  network: () => call('GET /api/settings/network'),
  setNetwork: (body: Body<'PUT /api/settings/network'>) => call('PUT /api/settings/network', { body }),
  modbus: () => call('GET /api/settings/modbus'),
  setModbus: (body: Body<'PUT /api/settings/modbus'>) => call('PUT /api/settings/modbus', { body }),
  time: () => call('GET /api/settings/time'),
  setTime: (body: Body<'PUT /api/settings/time'>) => call('PUT /api/settings/time', { body }),
  csv: () => call('GET /api/settings/csv'),
  setCsv: (body: Body<'PUT /api/settings/csv'>) => call('PUT /api/settings/csv', { body }),
  mqtt: () => call('GET /api/settings/mqtt'),
  setMqtt: (body: Body<'PUT /api/settings/mqtt'>) => call('PUT /api/settings/mqtt', { body }),
  metricsAccess: () => call('GET /api/settings/metrics'),
  setMetricsAccess: (body: Body<'PUT /api/settings/metrics'>) => call('PUT /api/settings/metrics', { body }),
  slaveMap: () => call('GET /api/modbus/slave'),
  edition: () => call('GET /api/settings/edition'),
  setEdition: (edition: Edition) => call('PUT /api/settings/edition', { body: { edition } }),

  // The box as a system (SYS-4…8)
  systemInfo: () => call('GET /api/system/info'),
  optimize: () => call('POST /api/system/optimize'),
  backup: () => call('POST /api/system/backup'),
  backups: () => call('GET /api/system/backups'),
  setAutoBackup: (body: Body<'PUT /api/system/backups/auto'>) => call('PUT /api/system/backups/auto', { body }),
  restore: (file: Blob) => upload('POST /api/system/restore', file, 'application/zip'),
  health: () => call('GET /api/health'),
  updateStatus: () => call('GET /api/system/update'),
  update: (file: Blob) => upload('POST /api/system/update', file, 'application/octet-stream'),
  https: () => call('GET /api/settings/https'),
  setHttps: (body: Body<'PUT /api/settings/https'>) => call('PUT /api/settings/https', { body }),

  // Bill of consumptions (COST-1…4)
  costSettings: () => call('GET /api/settings/costs'),
  setCostSettings: (body: Body<'PUT /api/settings/costs'>) => call('PUT /api/settings/costs', { body }),
  /** All tariffs, or those of one energy type. */
  tariffs: (type?: CostType) => call('GET /api/tariffs', { query: { type } }),
  createTariff: (body: Body<'POST /api/tariffs'>) => call('POST /api/tariffs', { body }),
  updateTariff: (id: string, body: Body<'PUT /api/tariffs/:id'>) => call('PUT /api/tariffs/:id', { params: { id }, body }),
  deleteTariff: (id: string) => call('DELETE /api/tariffs/:id', { params: { id } }),
  costRules: (type: CostType) => call('GET /api/cost-rules/:type', { params: { type } }),
  /** The whole ordered list; field errors are keyed `<index>.<field>`. */
  setCostRules: (type: CostType, rules: Body<'PUT /api/cost-rules/:type'>) => call('PUT /api/cost-rules/:type', { params: { type }, body: rules }),
  /** The background recomputation after a rule change, if one is under way. */
  costStatus: () => call('GET /api/costs/status'),

  // Users (AUTH-3)
  users: () => call('GET /api/users'),
  createUser: (body: Body<'POST /api/users'>) => call('POST /api/users', { body }),
  updateUser: (id: string, body: Body<'PUT /api/users/:id'>) => call('PUT /api/users/:id', { params: { id }, body }),

  // Consumptions (CON-1…6) and wall-tablet kiosk tokens (BEY-1)
  consumption: (query: ConsumptionQuery) => call('GET /api/consumption', { query }),
  kioskTokens: () => call('GET /api/kiosk-tokens'),
  createKioskToken: (name: string) => call('POST /api/kiosk-tokens', { body: { name } }),
  revokeKioskToken: (id: string) => call('DELETE /api/kiosk-tokens/:id', { params: { id } }),
};
