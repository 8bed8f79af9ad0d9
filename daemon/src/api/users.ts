/**
 * @module api/users
 * Users page (AUTH-3): administrator and greenUp only (the `users` right). Codes are
 * write-only. BEY-1 kiosk tokens: created (the token is shown once) and revoked here.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

type UserRoutes = 'GET /api/users' | 'POST /api/users' | 'PUT /api/users/:id'
  | 'GET /api/kiosk-tokens' | 'POST /api/kiosk-tokens' | 'DELETE /api/kiosk-tokens/:id';

export function userHandlers(deps: ApiDeps): Handlers<UserRoutes> {
  const { auth, log } = deps;
  return {
    'GET /api/users': () => auth.listUsers(),
    'POST /api/users': async ({ body, who }) => {
      const u = await auth.createUser(body);
      log.info('user added', { user: u.id, by: who });
      return u;
    },
    'PUT /api/users/:id': async ({ params, body, who }) => {
      const u = await auth.updateUser(params.id, body);
      log.info('user changed', { user: u.id, by: who });
      return u;
    },
    'GET /api/kiosk-tokens': () => auth.listKioskTokens(),
    'POST /api/kiosk-tokens': async ({ body, who }) => {
      const k = await auth.createKioskToken(body.name, who);
      log.info('kiosk token created', { id: k.id, by: who });
      return { ...k, url: `/#/kiosk?token=${encodeURIComponent(k.token)}` };
    },
    'DELETE /api/kiosk-tokens/:id': async ({ params, who }) => {
      if (!(await auth.revokeKioskToken(params.id))) throw new ApiError(404, 'not-found', 'no such kiosk token', { id: ['no such kiosk token'] });
      log.info('kiosk token revoked', { id: params.id, by: who });
      return null;
    },
  };
}
