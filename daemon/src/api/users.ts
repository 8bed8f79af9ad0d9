/**
 * @module api/users
 * Users page (AUTH-3): administrator and greenUp only. Codes are write-only.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps, Env } from './context';
import { ApiError, jsonBody } from './errors';

export function userRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => c.json(deps.auth.listUsers()));
  app.post('/', async (c) => {
    const u = await deps.auth.createUser((await jsonBody(c, z.record(z.string(), z.unknown()))) as never);
    deps.log.info('user added', { user: u.id, by: c.get('user')?.id });
    return c.json(u, 201);
  });
  app.put('/:id', async (c) => {
    const u = await deps.auth.updateUser(c.req.param('id'), (await jsonBody(c, z.record(z.string(), z.unknown()))) as never);
    deps.log.info('user changed', { user: u.id, by: c.get('user')?.id });
    return c.json(u);
  });
  return app;
}

/** BEY-1 kiosk tokens: an administrator creates (the token is shown once) and revokes them. */
export function kioskRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => c.json(deps.auth.listKioskTokens()));
  app.post('/', async (c) => {
    const body = await jsonBody(c, z.object({ name: z.string().trim().min(1, 'a name is required').max(40) }).strict());
    const k = await deps.auth.createKioskToken(body.name, c.get('user')?.id ?? 'unknown');
    deps.log.info('kiosk token created', { id: k.id, by: c.get('user')?.id });
    return c.json({ ...k, url: `/#/kiosk?token=${encodeURIComponent(k.token)}` }, 201);
  });
  app.delete('/:id', async (c) => {
    if (!(await deps.auth.revokeKioskToken(c.req.param('id')))) throw new ApiError(404, 'not-found', 'no such kiosk token');
    deps.log.info('kiosk token revoked', { id: c.req.param('id'), by: c.get('user')?.id });
    return c.body(null, 204);
  });
  return app;
}
