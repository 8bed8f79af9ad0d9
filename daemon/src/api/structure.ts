/**
 * @module api/structure
 * System configuration (SPEC §1–2): gateways (with Test and Scan), devices (with Test), panel
 * boards, loads, measure groups, and the audit log. The store validates every write as a whole.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { LOCAL_GATEWAY_ID, deviceAddressLabel, type GatewaySummary, type SessionUser, type DeviceDetail, type GatewayTestResult, type DeviceTestResult, type GatewayView } from '@ews/shared';
import type { ApiDeps, Env } from './context';
import { ApiError, jsonBody } from './errors';
import { deviceSummary } from './devices';
import { TcpLink } from '../modbus/index';

const who = (c: Context<Env>): string => (c.get('user') as SessionUser | undefined)?.id ?? 'unknown';
/** Write bodies are JSON objects; the store validates the fields. */
const any = z.record(z.string(), z.unknown());
const numericId = (c: Context) => {
  const r = z.coerce.number().int().min(1).max(9999).safeParse(c.req.param('id'));
  if (!r.success) throw new ApiError(400, 'invalid', 'the id is a number', { id: ['a number from 1 to 9999'] });
  return r.data;
};

interface CrudStore<T> {
  list(): T[];
  create(body: never, user: string): Promise<T>;
  update(id: string, body: never, user: string): Promise<T>;
  remove(id: string, user: string): Promise<void>;
}

/** The same four routes for panel boards, loads and groups. */
function crud<T>(store: CrudStore<T>) {
  const app = new Hono<Env>();
  app.get('/', (c) => c.json(store.list()));
  app.post('/', async (c) => c.json(await store.create((await jsonBody(c, any)) as never, who(c)), 201));
  app.put('/:id', async (c) => c.json(await store.update(c.req.param('id'), (await jsonBody(c, any)) as never, who(c))));
  app.delete('/:id', async (c) => { await store.remove(c.req.param('id'), who(c)); return c.body(null, 204); });
  return app;
}

export function gatewaySummary(deps: ApiDeps, id: string): GatewaySummary | undefined {
  const g = deps.config.gateway(id);
  if (!g) return undefined;
  const link = deps.gateways.linkStatus(g.id);
  const status = !g.enabled ? 'off' : link?.state === 'open' ? 'on' : 'error';
  return {
    id: g.id, name: g.name, kind: g.kind, host: g.host, enabled: g.enabled, status,
    ...(status === 'error' ? { statusReason: link?.state === 'down' && !link.everOpened ? 'unreachable' as const : 'closed' as const } : {}),
  };
}

export function structureRoutes(deps: ApiDeps) {
  const { config } = deps;
  const gateways = new Hono<Env>();
  gateways.get('/', (c) => c.json(config.gateways().map((g): GatewayView => ({ ...g, ...gatewaySummary(deps, g.id)! }))));
  gateways.post('/', async (c) => c.json(await config.createGateway((await jsonBody(c, any)) as never, who(c)), 201));
  gateways.put('/:id', async (c) => c.json(await config.updateGateway(c.req.param('id'), (await jsonBody(c, any)) as never, who(c))));
  gateways.delete('/:id', async (c) => { await config.deleteGateway(c.req.param('id'), who(c)); return c.body(null, 204); });
  /** BUS-3 Test: is the gateway reachable now, and if not, why. */
  gateways.post('/:id/test', async (c) => {
    const g = config.gateway(c.req.param('id'));
    if (!g) throw new ApiError(404, 'not-found', 'no such gateway');
    if (g.id === LOCAL_GATEWAY_ID) {
      const s = deps.gateways.linkStatus(g.id);
      const r: GatewayTestResult = s?.state === 'open' ? { ok: true } : { ok: false, reason: !g.enabled ? 'the Local gateway is OFF' : s?.state === 'down' ? s.reason : 'port not open' };
      return c.json(r);
    }
    const link = new TcpLink(g.host, g.port, 3000);
    try {
      await link.open();
      return c.json({ ok: true } satisfies GatewayTestResult);
    } catch (err) {
      return c.json({ ok: false, reason: `cannot connect to ${g.host}:${g.port}: ${(err as Error).message}` } satisfies GatewayTestResult);
    } finally {
      await link.close();
    }
  });
  gateways.post('/:id/scan', async (c) => {
    const body = await jsonBody(c, z.object({ from: z.number().int().min(1).max(247).default(1), to: z.number().int().min(1).max(247).default(247) }).strict()
      .refine((r) => r.from <= r.to, { message: 'from must not be above to', path: ['to'] }));
    if (!config.gateway(c.req.param('id'))) throw new ApiError(404, 'not-found', 'no such gateway');
    return c.json(deps.scanner.start(c.req.param('id'), body), 202);
  });

  const scans = new Hono<Env>();
  scans.get('/', (c) => c.json(deps.scanner.list(c.req.query('gatewayId'))));
  scans.get('/:id', (c) => c.json(deps.scanner.get(c.req.param('id'))));
  scans.delete('/:id', (c) => c.json(deps.scanner.cancel(c.req.param('id'))));

  const devices = new Hono<Env>();
  devices.get('/', (c) => c.json(config.devices().map((d) => deviceSummary(deps, d))));
  devices.get('/:id', (c) => {
    const d = config.device(numericId(c));
    if (!d) throw new ApiError(404, 'not-found', 'no such device');
    return c.json({ ...d, addressLabel: deviceAddressLabel(d), remoteId: 10000 + d.id } satisfies DeviceDetail);
  });
  devices.post('/', async (c) => c.json(await config.createDevice((await jsonBody(c, any)) as never, who(c)), 201));
  devices.post('/batch', async (c) => c.json(await config.createDevices((await jsonBody(c, z.array(any).min(1).max(247))) as never, who(c)), 201));
  devices.put('/:id', async (c) => c.json(await config.updateDevice(numericId(c), (await jsonBody(c, any)) as never, who(c))));
  devices.delete('/:id', async (c) => { await config.deleteDevice(numericId(c), who(c)); return c.body(null, 204); });
  /** CAT-2 Test: reads the device now and shows the values or the reason of failure. */
  devices.post('/:id/test', async (c) => {
    const d = config.device(numericId(c));
    if (!d) throw new ApiError(404, 'not-found', 'no such device');
    const s = await deps.poller.liveRead(d.id, { force: true });
    const r: DeviceTestResult = s?.status === 'on'
      ? { ok: true, values: s.values }
      : { ok: false, reason: s?.reason ?? 'pending', ...(s?.detail ? { detail: s.detail } : {}) };
    return c.json(r);
  });

  return {
    gateways, scans, devices,
    panelBoards: crud({
      list: () => config.panelBoards(),
      create: (b, u) => config.createPanelBoard(b, u), update: (id, b, u) => config.updatePanelBoard(id, b, u), remove: (id, u) => config.deletePanelBoard(id, u),
    }),
    loads: crud({
      list: () => config.loads(),
      create: (b, u) => config.createLoad(b, u), update: (id, b, u) => config.updateLoad(id, b, u), remove: (id, u) => config.deleteLoad(id, u),
    }),
    groups: crud({
      list: () => config.groups(),
      create: (b, u) => config.createGroup(b, u), update: (id, b, u) => config.updateGroup(id, b, u), remove: (id, u) => config.deleteGroup(id, u),
    }),
  };
}
