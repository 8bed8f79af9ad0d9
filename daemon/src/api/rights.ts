/**
 * @module api/rights
 * Rights from the one table (AUTH-2): each endpoint of the shared contract names the right it
 * needs. The middleware answers 401 without a session, 403 without the right, and refuses any
 * /api route missing from the contract (deny by default, so a new route cannot ship unprotected).
 */
import type { MiddlewareHandler } from 'hono';
import { endpoints, holdsRight, splitEndpoint, type Right, type SessionUser } from '@ews/shared';
import { ApiError } from './errors';

export type { Right };

export interface RightEntry { method: string; path: string; right: Right }

/** Every route with its right, from the contract. */
export const RIGHTS: RightEntry[] = Object.entries(endpoints).map(([key, def]) => ({ ...splitEndpoint(key), right: def.right }));

const compiled = RIGHTS.map((r) => ({
  ...r,
  re: new RegExp('^' + r.path.replace(/\./g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+') + '/?$'),
}));

export function findRight(method: string, path: string): Right | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => r.method === m && r.re.test(path))?.right;
}

export function rightsMiddleware(sessionOf: (c: Parameters<MiddlewareHandler>[0]) => Promise<SessionUser | undefined>): MiddlewareHandler<{ Variables: { user?: SessionUser } }> {
  return async (c, next) => {
    const right = findRight(c.req.method, c.req.path);
    if (right === 'public') return next();
    const user = await sessionOf(c);
    if (!user) throw new ApiError(401, 'no-session', 'log in first');
    if (right === undefined) throw new ApiError(404, 'not-found', `no such API route: ${c.req.method} ${c.req.path}`);
    if (!holdsRight(user, right)) throw new ApiError(403, 'forbidden', `this needs the "${typeof right === 'string' ? right : right.join('" or "')}" right`);
    c.set('user', user);
    return next();
  };
}
