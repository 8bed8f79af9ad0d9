/**
 * @module api/users
 * Users page (AUTH-3): administrator and greenUp only. Codes are write-only.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps, Env } from './context';
import { jsonBody } from './errors';

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
