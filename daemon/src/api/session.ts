/**
 * @module api/session
 * POST /api/session (login: PIN, then PUK), GET (who am I), DELETE (logout), POST /lock.
 */
import { Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { loginRequestSchema, type SessionResponse, type SessionUser } from '@ews/shared';
import { AuthError, SESSION_TTL_MS } from '../auth/index';
import type { ApiDeps, Env } from './context';
import { ApiError, jsonBody } from './errors';

export const SESSION_COOKIE = 'ews_session';
export const TRUST_COOKIE = 'ews_trust';

export function sessionRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();
  const cookieOpts = { httpOnly: true, sameSite: 'Strict' as const, path: '/', secure: deps.secureCookies ?? false };
  const answer = (user: SessionUser): SessionResponse => {
    const defaultCodesInUse = deps.auth.defaultCodesInUse();
    return { user, defaultCodesInUse, mustChangeCodes: defaultCodesInUse && user.role === 'administrator' };
  };

  app.post('/', async (c) => {
    const body = await jsonBody(c, loginRequestSchema);
    try {
      const r = await deps.auth.login(body.pin, body.puk, getCookie(c, TRUST_COOKIE));
      setCookie(c, SESSION_COOKIE, r.sessionToken, { ...cookieOpts, maxAge: SESSION_TTL_MS / 1000 });
      if (r.trustToken) setCookie(c, TRUST_COOKIE, r.trustToken, { ...cookieOpts, maxAge: 365 * 86400 });
      deps.log.info('login', { user: r.user.id, withPuk: r.trustToken !== undefined });
      return c.json(answer(r.user));
    } catch (err) {
      if (err instanceof AuthError) {
        deps.log.warn('login refused', { reason: err.code, ip: c.req.header('x-forwarded-for') ?? 'direct' });
        if (err.code === 'need-puk') throw new ApiError(401, 'need-puk', 'enter the PUK', undefined, { needPuk: true });
        if (err.code === 'disabled') throw new ApiError(403, 'disabled', 'this user is disabled');
        throw new ApiError(401, 'bad-code', 'wrong code');
      }
      throw err;
    }
  });

  app.get('/', async (c) => {
    const user = await deps.auth.session(getCookie(c, SESSION_COOKIE));
    if (!user) throw new ApiError(401, 'no-session', 'log in first');
    return c.json(answer(user));
  });

  app.delete('/', async (c) => {
    await deps.auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.post('/lock', async (c) => {
    await deps.auth.lock(getCookie(c, SESSION_COOKIE), getCookie(c, TRUST_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, TRUST_COOKIE, { path: '/' });
    return c.body(null, 204);
  });
  return app;
}
