/**
 * @module api/client
 * A small typed fetch client for the daemon's JSON API. Same-origin cookies carry the session;
 * error bodies `{error, code, fields?}` become an ApiClientError the UI branches on by `code`.
 */
import { signal } from '@preact/signals';
import type {
  ApiError, GatewaySummary, DeviceSummary, LiveResponse, LoginRequest, SessionResponse,
} from '@ews/shared';

/** Set when a request could not reach the daemon; cleared by the next answer. */
export const offline = signal(false);

/** Called when an authenticated request answers 401 (the session ended elsewhere). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void): void { onUnauthorized = handler; }

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
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
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
    if (res.status === 401 && !opts.allow401 && onUnauthorized) onUnauthorized();
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

/** The API routes the SPA uses, typed with the shared contract. */
export const api = {
  getSession: () => request<SessionResponse>('GET', '/api/session', undefined, { allow401: true }),
  login: (body: LoginRequest) => request<SessionResponse>('POST', '/api/session', body, { allow401: true }),
  logout: () => request<unknown>('DELETE', '/api/session', undefined, { allow401: true }),
  lock: () => request<unknown>('POST', '/api/session/lock', undefined, { allow401: true }),
  gateways: () => request<GatewaySummary[]>('GET', '/api/gateways'),
  devices: () => request<DeviceSummary[]>('GET', '/api/devices'),
  live: (id: number) => request<LiveResponse>('GET', `/api/devices/${encodeURIComponent(String(id))}/live`),
};
