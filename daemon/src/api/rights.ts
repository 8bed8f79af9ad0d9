/**
 * @module api/rights
 * Rights by table (AUTH-2): every API route has an entry, route → required page right. The
 * middleware answers 401 without a session, 403 without the right, and refuses any route
 * missing from the table (deny by default, so a new route cannot ship unprotected).
 */
import type { MiddlewareHandler } from 'hono';
import type { Page, SessionUser } from '@ews/shared';
import { ApiError } from './errors';

/** `users`: the users page, administrator and greenUp only (AUTH-3). */
export type Right = 'public' | 'authenticated' | 'users' | Page;

export interface RightEntry { method: string; path: string; right: Right | Page[] }

const crud = (path: string, read: Right, write: Right): RightEntry[] => [
  { method: 'GET', path, right: read },
  { method: 'POST', path, right: write },
  { method: 'PUT', path: `${path}/:id`, right: write },
  { method: 'DELETE', path: `${path}/:id`, right: write },
];

export const RIGHTS: RightEntry[] = [
  { method: 'GET', path: '/api/health', right: 'public' },
  { method: 'GET', path: '/api/session', right: 'public' },
  { method: 'POST', path: '/api/session', right: 'public' },
  { method: 'DELETE', path: '/api/session', right: 'public' },
  { method: 'POST', path: '/api/session/lock', right: 'public' },
  { method: 'GET', path: '/api/catalog', right: 'authenticated' },
  ...crud('/api/gateways', 'authenticated', 'systemConfig'),
  { method: 'POST', path: '/api/gateways/:id/test', right: 'systemConfig' },
  { method: 'POST', path: '/api/gateways/:id/scan', right: 'systemConfig' },
  { method: 'GET', path: '/api/scans', right: 'systemConfig' },
  { method: 'GET', path: '/api/scans/:id', right: 'systemConfig' },
  { method: 'POST', path: '/api/devices/batch', right: 'systemConfig' },
  { method: 'DELETE', path: '/api/scans/:id', right: 'systemConfig' },
  ...crud('/api/devices', 'authenticated', 'systemConfig'),
  { method: 'GET', path: '/api/devices/:id', right: 'authenticated' },
  { method: 'POST', path: '/api/devices/:id/test', right: 'systemConfig' },
  // Live measures: My panel board, and the Details view of Consumptions (CON-5).
  { method: 'GET', path: '/api/devices/:id/live', right: ['myPanelBoard', 'consumptions'] },
  ...crud('/api/loads', 'authenticated', 'systemConfig'),
  ...crud('/api/groups', 'authenticated', 'systemConfig'),
  ...crud('/api/panelboards', 'authenticated', 'systemConfig'),
  ...['network', 'modbus', 'time', 'csv', 'edition'].flatMap((s): RightEntry[] => [
    { method: 'GET', path: `/api/settings/${s}`, right: 'webServerConfig' },
    { method: 'PUT', path: `/api/settings/${s}`, right: 'webServerConfig' },
  ]),
  { method: 'GET', path: '/api/settings/audit', right: 'systemConfig' },
  // Bill of consumptions (COST-1…4): configured in System configuration; currency and tariffs
  // (names, colours) are read by every page that shows costs.
  { method: 'GET', path: '/api/settings/costs', right: 'authenticated' },
  { method: 'PUT', path: '/api/settings/costs', right: 'systemConfig' },
  ...crud('/api/tariffs', 'authenticated', 'systemConfig'),
  { method: 'GET', path: '/api/cost-rules/:type', right: ['systemConfig', 'consumptions'] },
  { method: 'PUT', path: '/api/cost-rules/:type', right: 'systemConfig' },
  { method: 'GET', path: '/api/costs/status', right: 'authenticated' },
  { method: 'GET', path: '/api/users', right: 'users' },
  { method: 'POST', path: '/api/users', right: 'users' },
  { method: 'PUT', path: '/api/users/:id', right: 'users' },
  { method: 'GET', path: '/api/consumption', right: 'consumptions' },
  { method: 'GET', path: '/api/consumption.csv', right: 'consumptions' },
  { method: 'GET', path: '/api/kiosk-tokens', right: 'users' },
  { method: 'POST', path: '/api/kiosk-tokens', right: 'users' },
  { method: 'DELETE', path: '/api/kiosk-tokens/:id', right: 'users' },
];

const compiled = RIGHTS.map((r) => ({
  ...r,
  re: new RegExp('^' + r.path.replace(/:[A-Za-z]+/g, '[^/]+') + '/?$'),
}));

export function findRight(method: string, path: string): RightEntry['right'] | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => r.method === m && r.re.test(path))?.right;
}

export function rightsMiddleware(sessionOf: (c: Parameters<MiddlewareHandler>[0]) => Promise<SessionUser | undefined>): MiddlewareHandler<{ Variables: { user?: SessionUser } }> {
  return async (c, next) => {
    const right = findRight(c.req.method, c.req.path);
    if (right === 'public') return next();
    const user = await sessionOf(c);
    if (!user) throw new ApiError(401, 'no-session', 'log in first');
    if (right === undefined) throw new ApiError(403, 'no-right', `no rights entry for ${c.req.method} ${c.req.path}`);
    const granted = Array.isArray(right) ? right.some((r) => user.pages.includes(r))
      : right === 'users' ? user.role === 'administrator' || user.role === 'greenUp'
      : right === 'authenticated' || user.pages.includes(right);
    if (!granted) throw new ApiError(403, 'forbidden', `this needs the "${Array.isArray(right) ? right.join('" or "') : right}" right`);
    c.set('user', user);
    return next();
  };
}
