/**
 * @module api/csrf
 * CSRF protection for state-changing requests (AUTH-5), on top of SameSite=Strict cookies:
 * a browser always sends `Origin` on POST/PUT/DELETE, and it must be this server's own origin;
 * bodies must be JSON (a cross-site form cannot send application/json without a CORS
 * preflight, which we never grant). Non-browser clients (scripts) that send no Origin pass.
 */
import type { MiddlewareHandler } from 'hono';
import { endpoints, splitEndpoint, type EndpointDef } from '@ews/shared';
import { ApiError } from './errors';

/**
 * The routes whose body is a raw file (`consumes` in the contract: a restore archive, an update
 * package), by method and path, with the content types they take. Those types are not
 * CORS-safelisted either: a cross-site page cannot send them without a preflight.
 */
export function rawBodyRoutes(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, def] of Object.entries(endpoints) as Array<[string, EndpointDef]>) {
    if (!def.consumes) continue;
    const { method, path } = splitEndpoint(key);
    out.set(`${method} ${path}`, [def.consumes, 'application/octet-stream']);
  }
  return out;
}

export function csrfMiddleware(raw: Map<string, string[]> = new Map()): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const host = c.req.header('host');
      let ok = false;
      try { ok = new URL(origin).host === host; } catch { ok = false; }
      if (!ok) throw new ApiError(403, 'csrf', 'cross-site request refused (Origin does not match this server)');
    }
    const type = c.req.header('content-type');
    const length = Number(c.req.header('content-length') ?? '0');
    // A raw-body route checks its own content type (api/contract), after the rights check.
    if (raw.has(`${method} ${c.req.path}`)) return next();
    if ((length > 0 || type) && !(type ?? '').startsWith('application/json')) {
      throw new ApiError(415, 'json-only', 'send the body as application/json');
    }
    return next();
  };
}
