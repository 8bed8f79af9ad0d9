/**
 * @module api/settings
 * Web server configuration: network (SYS-1), Modbus (BUS-2: applied by reopening the port),
 * date and time (SYS-2), CSV and other settings (STO-1, HIST-1, SYS-3), edition (BUS-6).
 * OS effects go through the system adapter. Secrets are never returned.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { editionSchema, type SessionUser } from '@ews/shared';
import type { ApiDeps, Env } from './context';
import { jsonBody } from './errors';

const who = (c: Context<Env>): string => (c.get('user') as SessionUser | undefined)?.id ?? 'unknown';
/** Write bodies are JSON objects; the store validates the fields. */
const any = z.record(z.string(), z.unknown());

export function settingsRoutes(deps: ApiDeps) {
  const { config } = deps;
  const app = new Hono<Env>();
  app.get('/network', (c) => c.json({ ...config.network(), note: 'after saving, the box answers at the new address: move the browser there' }));
  app.put('/network', async (c) => {
    const saved = await config.setNetwork((await jsonBody(c, any)) as never, who(c));
    await deps.system.applyNetwork(saved);
    return c.json({ ...saved, applied: deps.system.kind, newUrl: `http://${saved.address}/` });
  });
  app.get('/modbus', (c) => c.json(config.modbus()));
  app.put('/modbus', async (c) => c.json(await config.setModbus((await jsonBody(c, any)) as never, who(c))));
  app.get('/time', (c) => c.json({ ...config.time(), now: new Date(deps.clock.now()).toISOString() }));
  app.put('/time', async (c) => {
    const body = (await jsonBody(c, any)) as Record<string, unknown>;
    const merged = { ...config.time(), ...body };
    const saved = await config.setTime(merged as never, who(c));
    await deps.system.applyTime({ ...saved, ...(typeof body.dateTime === 'string' ? { dateTime: body.dateTime } : {}) });
    return c.json(saved);
  });
  app.get('/csv', (c) => c.json(config.csv()));
  app.put('/csv', async (c) => {
    const body = (await jsonBody(c, any)) as Record<string, unknown>;
    const { folderPasswordSet: _ignored, ...current } = config.csv();
    return c.json(await config.setCsv({ ...current, ...body } as never, who(c)));
  });
  app.get('/edition', (c) => c.json({ edition: config.edition() }));
  app.put('/edition', async (c) => {
    const body = await jsonBody(c, z.object({ edition: editionSchema }).strict());
    return c.json({ edition: await config.setEdition(body.edition, who(c)) });
  });
  app.get('/audit', (c) => c.json({ version: config.version(), entries: config.audit(200) }));
  return app;
}
