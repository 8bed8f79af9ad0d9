/**
 * @module api/client
 * A small typed fetch client for the daemon's JSON API. Same-origin cookies carry the session;
 * error bodies `{error, code, fields?}` become an ApiClientError the UI branches on by `code`.
 */
import { signal } from '@preact/signals';
import type {
  ApiError, CounterKind, DeviceSummary, LiveResponse, LoginRequest, SessionResponse,
  CatalogModel, CsvSettings, CsvSettingsInput, DeviceConfig, DeviceDetail, DeviceInput, DeviceTestResult, Edition,
  Gateway, GatewayInput, GatewayTestResult, GatewayView, Group, Load, ModbusSettings, NetworkSettings, PanelBoard, Page, Role,
  ScanState, TimeSettings, UserSummary,
  CostSettings, Tariff, TariffInput, CostRuleInput, CostRulesView, CostRecompute, CostType,
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

async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  let res: Response;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  try {
    res = await fetch(path, {
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
  return data as T;
}

export interface PanelBoardInput { name: string; description: string; enabled: boolean }
export interface LoadInput { name: string; enabled: boolean }
export interface GroupInput { name: string; description: string; enabled: boolean }
export type NetworkAnswer = NetworkSettings & { newUrl?: string; note?: string };
export type TimeAnswer = Omit<TimeSettings, 'dateTime'> & { now?: string };
export interface AuditEntry { at: string; user: string; action: string; version: number }
export interface UserInput { name?: string; role?: Role; pages?: Page[]; enabled?: boolean; pin?: string; puk?: string }

export type { Period, ConsumptionQuery, BarSeries, Bars, ConsumptionResult, KioskToken, NewKioskToken } from '@ews/shared';
import type { ConsumptionQuery, ConsumptionResult, KioskToken, NewKioskToken } from '@ews/shared';

export function consumptionQueryString(q: ConsumptionQuery): string {
  const p = [`scope=${encodeURIComponent(q.scope)}`, `period=${q.period}`, `date=${q.date}`];
  if (q.counter) p.push(`counter=${q.counter}`);
  if (q.byLoad !== undefined) p.push(`byLoad=${q.byLoad ? 1 : 0}`);
  if (q.costs) p.push('costs=1');
  return p.join('&');
}

/** The `datalogger.csv` of a query (CON-6), for a download link. */
export const consumptionCsvUrl = (q: ConsumptionQuery) => `/api/consumption.csv?${consumptionQueryString(q)}`;

const enc = (id: string | number) => encodeURIComponent(String(id));

/** The API routes the SPA uses, typed with the shared contract. */
export const api = {
  getSession: () => request<SessionResponse>('GET', '/api/session', undefined, { allow401: true }),
  login: (body: LoginRequest) => request<SessionResponse>('POST', '/api/session', body, { allow401: true }),
  logout: () => request<unknown>('DELETE', '/api/session', undefined, { allow401: true }),
  lock: () => request<unknown>('POST', '/api/session/lock', undefined, { allow401: true }),
  /** The gateways' configuration with their status. */
  gateways: () => request<GatewayView[]>('GET', '/api/gateways'),
  devices: () => request<DeviceSummary[]>('GET', '/api/devices'),
  live: (id: number) => request<LiveResponse>('GET', `/api/devices/${enc(id)}/live`),

  // System configuration (SPEC §1–2)
  catalog: () => request<CatalogModel[]>('GET', '/api/catalog'),
  createGateway: (body: GatewayInput) => request<Gateway>('POST', '/api/gateways', body),
  updateGateway: (id: string, body: GatewayInput) => request<Gateway>('PUT', `/api/gateways/${enc(id)}`, body),
  deleteGateway: (id: string) => request<unknown>('DELETE', `/api/gateways/${enc(id)}`),
  testGateway: (id: string) => request<GatewayTestResult>('POST', `/api/gateways/${enc(id)}/test`, {}),
  startScan: (id: string, range: { from: number; to: number }) => request<ScanState>('POST', `/api/gateways/${enc(id)}/scan`, range),
  /** A gateway's scans, newest first (a running one is resumed rather than started again). */
  scans: (gatewayId: string) => request<ScanState[]>('GET', `/api/scans?gatewayId=${enc(gatewayId)}`),
  scan: (id: string) => request<ScanState>('GET', `/api/scans/${enc(id)}`),
  cancelScan: (id: string) => request<ScanState>('DELETE', `/api/scans/${enc(id)}`),
  device: (id: number) => request<DeviceDetail>('GET', `/api/devices/${enc(id)}`),
  createDevice: (body: DeviceInput) => request<DeviceConfig>('POST', '/api/devices', body),
  /** Several devices, all or none in one configuration version; field errors are keyed `<index>.<field>`. */
  createDevices: (body: DeviceInput[]) => request<DeviceConfig[]>('POST', '/api/devices/batch', body),
  updateDevice: (id: number, body: DeviceInput) => request<DeviceConfig>('PUT', `/api/devices/${enc(id)}`, body),
  deleteDevice: (id: number) => request<unknown>('DELETE', `/api/devices/${enc(id)}`),
  testDevice: (id: number) => request<DeviceTestResult>('POST', `/api/devices/${enc(id)}/test`, {}),
  panelBoards: () => request<PanelBoard[]>('GET', '/api/panelboards'),
  createPanelBoard: (body: PanelBoardInput) => request<PanelBoard>('POST', '/api/panelboards', body),
  updatePanelBoard: (id: string, body: PanelBoardInput) => request<PanelBoard>('PUT', `/api/panelboards/${enc(id)}`, body),
  deletePanelBoard: (id: string) => request<unknown>('DELETE', `/api/panelboards/${enc(id)}`),
  loads: () => request<Load[]>('GET', '/api/loads'),
  createLoad: (body: LoadInput) => request<Load>('POST', '/api/loads', body),
  updateLoad: (id: string, body: LoadInput) => request<Load>('PUT', `/api/loads/${enc(id)}`, body),
  deleteLoad: (id: string) => request<unknown>('DELETE', `/api/loads/${enc(id)}`),
  groups: () => request<Group[]>('GET', '/api/groups'),
  createGroup: (body: GroupInput) => request<Group>('POST', '/api/groups', body),
  updateGroup: (id: string, body: GroupInput) => request<Group>('PUT', `/api/groups/${enc(id)}`, body),
  deleteGroup: (id: string) => request<unknown>('DELETE', `/api/groups/${enc(id)}`),
  audit: () => request<{ version: number; entries: AuditEntry[] }>('GET', '/api/settings/audit'),

  // Web server configuration (SPEC §13)
  network: () => request<NetworkAnswer>('GET', '/api/settings/network'),
  setNetwork: (body: NetworkSettings) => request<NetworkAnswer>('PUT', '/api/settings/network', body),
  modbus: () => request<ModbusSettings>('GET', '/api/settings/modbus'),
  setModbus: (body: ModbusSettings) => request<ModbusSettings>('PUT', '/api/settings/modbus', body),
  time: () => request<TimeAnswer>('GET', '/api/settings/time'),
  setTime: (body: TimeSettings) => request<TimeAnswer>('PUT', '/api/settings/time', body),
  csv: () => request<CsvSettings>('GET', '/api/settings/csv'),
  setCsv: (body: CsvSettingsInput) => request<CsvSettings>('PUT', '/api/settings/csv', body),
  edition: () => request<{ edition: Edition }>('GET', '/api/settings/edition'),
  setEdition: (edition: Edition) => request<{ edition: Edition }>('PUT', '/api/settings/edition', { edition }),

  // Bill of consumptions (COST-1…4)
  costSettings: () => request<CostSettings>('GET', '/api/settings/costs'),
  setCostSettings: (body: CostSettings) => request<CostSettings>('PUT', '/api/settings/costs', body),
  /** All tariffs, or those of one energy type. */
  tariffs: (type?: CostType) => request<Tariff[]>('GET', `/api/tariffs${type ? `?type=${type}` : ''}`),
  createTariff: (body: TariffInput) => request<Tariff>('POST', '/api/tariffs', body),
  updateTariff: (id: string, body: TariffInput) => request<Tariff>('PUT', `/api/tariffs/${enc(id)}`, body),
  deleteTariff: (id: string) => request<unknown>('DELETE', `/api/tariffs/${enc(id)}`),
  costRules: (type: CostType) => request<CostRulesView>('GET', `/api/cost-rules/${type}`),
  /** The whole ordered list; field errors are keyed `<index>.<field>`. */
  setCostRules: (type: CostType, rules: CostRuleInput[]) => request<CostRulesView>('PUT', `/api/cost-rules/${type}`, rules),
  /** The background recomputation after a rule change, if one is under way. */
  costStatus: () => request<{ recompute: CostRecompute | null }>('GET', '/api/costs/status'),

  // Users (AUTH-3)
  users: () => request<UserSummary[]>('GET', '/api/users'),
  createUser: (body: UserInput) => request<UserSummary>('POST', '/api/users', body),
  updateUser: (id: string, body: UserInput) => request<UserSummary>('PUT', `/api/users/${enc(id)}`, body),

  // Consumptions (CON-1…6) and wall-tablet kiosk tokens (BEY-1)
  consumption: (q: ConsumptionQuery) => request<ConsumptionResult>('GET', `/api/consumption?${consumptionQueryString(q)}`),
  kioskTokens: () => request<KioskToken[]>('GET', '/api/kiosk-tokens'),
  createKioskToken: (name: string) => request<NewKioskToken>('POST', '/api/kiosk-tokens', { name }),
  revokeKioskToken: (id: string) => request<unknown>('DELETE', `/api/kiosk-tokens/${enc(id)}`),
};
