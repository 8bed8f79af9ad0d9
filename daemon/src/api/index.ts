/**
 * @module api
 * The HTTP API (Hono): one sub-app per capability, CSRF and rights checked by middleware from
 * one table, errors mapped in one place, the SPA served at /.
 */
import { Hono } from 'hono';
import { resolveRegisters, type CatalogModel } from '@ews/shared';
import { getCookie } from 'hono/cookie';
import type { ApiDeps, Env } from './context';
import { errorHandler, ApiError } from './errors';
import { rightsMiddleware } from './rights';
import { csrfMiddleware } from './csrf';
import { sessionRoutes, SESSION_COOKIE } from './session';
import { deviceRoutes } from './devices';
import { structureRoutes } from './structure';
import { settingsRoutes } from './settings';
import { userRoutes, kioskRoutes } from './users';
import { staticFiles } from './static';
import { consumptionRoutes } from './consumption';
import { costRoutes } from './costs';
import { bodyLimit, compressAnswers, DEFAULT_BODY_LIMIT_BYTES } from './http/index';

export type { ApiDeps } from './context';

export function createApi(deps: ApiDeps) {
  const app = new Hono<Env>();
  app.onError(errorHandler(deps.log.child('api')));
  app.use('/api/*', compressAnswers());
  app.use('/api/*', bodyLimit(DEFAULT_BODY_LIMIT_BYTES));
  app.use('/api/devices/batch', bodyLimit(128 * 1024)); // up to 247 devices at once
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  app.use('/api/*', csrfMiddleware());
  app.use('/api/*', rightsMiddleware(async (c) => {
    const session = await deps.auth.session(getCookie(c, SESSION_COOKIE));
    if (session) return session;
    // Wall tablets (BEY-1): a read-only kiosk token, GET requests only.
    const bearer = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    return c.req.method === 'GET' ? deps.auth.kioskUser(bearer) : undefined;
  }));
  app.get('/api/health', (c) => c.json({ ok: true as const, version: deps.version }));
  app.route('/api/session', sessionRoutes(deps));
  const structure = structureRoutes(deps);
  app.route('/api/gateways', structure.gateways);
  app.route('/api/scans', structure.scans);
  app.route('/api/devices', structure.devices);
  app.route('/api/devices', deviceRoutes(deps));
  app.route('/api/loads', structure.loads);
  app.route('/api/groups', structure.groups);
  app.route('/api/panelboards', structure.panelBoards);
  const costs = costRoutes(deps);
  app.route('/api/settings/costs', costs.settings);
  app.route('/api/settings', settingsRoutes(deps));
  app.route('/api/tariffs', costs.tariffs);
  app.route('/api/cost-rules', costs.rules);
  app.route('/api/costs', costs.status);
  app.route('/api/users', userRoutes(deps));
  app.route('/api/kiosk-tokens', kioskRoutes(deps));
  app.route('/', consumptionRoutes(deps));
  app.get('/api/catalog', (c) => c.json(deps.catalog.models.map((m): CatalogModel => ({
    family: m.family, model: m.model, label: m.label, energyType: m.energyType, capabilities: m.capabilities, parameters: m.parameters,
    ...(m.positions ? { positions: m.positions.count } : {}),
    measures: resolveRegisters(m).map((r) => ({ key: r.key, label: r.label ?? r.key, unit: r.unit, group: r.group, ...(r.phase ? { phase: r.phase } : {}) })),
  }))));
  app.all('/api/*', () => { throw new ApiError(404, 'not-found', 'no such API route'); });
  if (deps.webDir) app.use('*', staticFiles(deps.webDir));
  return app;
}
