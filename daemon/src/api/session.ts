/**
 * @module api/session
 * POST /api/session (login: PIN, then PUK; throttled per client and per user), GET (who am I),
 * DELETE (logout: the browser stays trusted), POST /lock (the browser is forgotten).
 */
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { SessionResponse, SessionUser } from '@ews/shared';
import { AuthError, LoginLimiter, SESSION_TTL_MS } from '../auth/index';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';
import { remoteAddress } from './http/index';

export const SESSION_COOKIE = 'ews_session';
export const TRUST_COOKIE = 'ews_trust';

export function clientAddress(c: Context): string {
  return remoteAddress(c.env) ?? 'unknown';
}

type SessionRoutes = 'POST /api/session' | 'GET /api/session' | 'DELETE /api/session' | 'POST /api/session/lock';

export function sessionHandlers(deps: ApiDeps): Handlers<SessionRoutes> {
  const limiter = new LoginLimiter(deps.clock);
  // Secure over HTTPS (AUTH-5): the request's own scheme (the TLS socket), unless the deployment says.
  const cookieOptsOf = (c: Context) => ({ httpOnly: true, sameSite: 'Strict' as const, path: '/', secure: deps.secureCookies ?? new URL(c.req.url).protocol === 'https:' });
  const answer = (user: SessionUser): SessionResponse => {
    const defaultCodesInUse = deps.auth.defaultCodesInUse();
    return { user, defaultCodesInUse, mustChangeCodes: defaultCodesInUse && user.role === 'administrator' };
  };
  const tooMany = (c: Context, key: string, ms: number): never => {
    const retryAfterS = Math.ceil(ms / 1000);
    c.header('Retry-After', String(retryAfterS));
    deps.log.warn('login throttled', { key, retryAfterS });
    throw new ApiError(429, 'too-many-attempts', `too many wrong codes: try again in ${retryAfterS} s`, undefined, { retryAfterS });
  };

  return {
    'POST /api/session': async ({ c, body }) => {
      const client = `client:${clientAddress(c)}`;
      const wait = limiter.retryAfterMs(client);
      if (wait > 0) tooMany(c, client, wait);
      try {
        const r = await deps.auth.login(body.pin, body.puk, getCookie(c, TRUST_COOKIE), {
          beforePuk: (userId) => { const w = limiter.retryAfterMs(`user:${userId}`); if (w > 0) tooMany(c, `user:${userId}`, w); },
        });
        limiter.succeed(client);
        limiter.succeed(`user:${r.user.id}`);
        setCookie(c, SESSION_COOKIE, r.sessionToken, { ...cookieOptsOf(c), maxAge: SESSION_TTL_MS / 1000 });
        if (r.trustToken) setCookie(c, TRUST_COOKIE, r.trustToken, { ...cookieOptsOf(c), maxAge: 365 * 86400 });
        deps.log.info('login', { user: r.user.id, client, withPuk: r.trustToken !== undefined });
        return answer(r.user);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        if (err.code === 'need-puk') throw new ApiError(401, 'need-puk', 'enter the PUK', { puk: ['enter the PUK'] }, { needPuk: true });
        if (err.code === 'disabled') throw new ApiError(403, 'disabled', 'this user is disabled');
        const lockMs = limiter.fail(client);
        const userId = err.userId;
        if (userId) limiter.fail(`user:${userId}`);
        deps.log.warn('login refused', { reason: err.code, client, ...(userId ? { user: userId } : {}), lockedForS: Math.ceil(lockMs / 1000) });
        throw new ApiError(401, 'bad-code', 'wrong code');
      }
    },
    'GET /api/session': async ({ c }) => {
      const user = await deps.auth.session(getCookie(c, SESSION_COOKIE));
      if (!user) throw new ApiError(401, 'no-session', 'log in first');
      return answer(user);
    },
    'DELETE /api/session': async ({ c }) => {
      await deps.auth.logout(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return null;
    },
    'POST /api/session/lock': async ({ c }) => {
      await deps.auth.lock(getCookie(c, SESSION_COOKIE), getCookie(c, TRUST_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, TRUST_COOKIE, { path: '/' });
      return null;
    },
  };
}
