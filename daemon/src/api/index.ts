/**
 * @module api
 * The HTTP API (Hono): the routes of the shared contract, each validated at the door
 * (api/contract), CSRF and rights checked by middleware from the contract's one table, errors
 * of every domain mapped in one place, the OpenAPI document generated from the same schemas,
 * the SPA served at /.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { commandLabelKey, registerLabel, resolveRegisters, type ModelDef } from '@ews/shared';
import type { ApiDeps, Env } from './context';
import { errorHandler, ApiError } from './errors';
import { rightsMiddleware } from './rights';
import { csrfMiddleware, rawBodyRoutes } from './csrf';
import { mountContract, type Handlers } from './contract';
import { sessionHandlers, SESSION_COOKIE } from './session';
import { deviceHandlers } from './devices';
import { structureHandlers } from './structure';
import { settingsHandlers } from './settings';
import { userHandlers } from './users';
import { consumptionHandlers } from './consumption';
import { costHandlers } from './costs';
import { commandHandlers } from './commands';
import { eqHandlers } from './eq';
import { linkHandlers } from './links';
import { greenupHandlers } from './greenup';
import { interopHandlers } from './interop';
import { systemHandlers } from './system';
import { alarmHandlers } from './alarms';
import { notifyHandlers } from './notify';
import { historyHandlers, WEBDAV_PATH } from './history';
import { exportHandlers } from './exports';
import { statisticsHandlers } from './statistics';
import { reportHandlers } from './reports';
import { deviceProbeHandlers } from './device-probe';
import { openApiDocument } from './openapi';
import { staticFiles } from './static';
import { alreadySent, type HttpBindings } from './http/index';
import { compressAnswers } from './http/index';

export type { ApiDeps } from './context';
export { openApiDocument } from './openapi';
export { HTTP_SERVER_OPTIONS, applyServerLimits, serve, installFetchClasses, type HttpBindings } from './http/index';

export function createApi(deps: ApiDeps) {
  const app = new Hono<Env>();
  app.onError(errorHandler(deps.log.child('api')));
  app.use('/api/*', compressAnswers());
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  app.use('/api/*', csrfMiddleware(rawBodyRoutes()));
  app.use('/api/*', rightsMiddleware(async (c) => {
    const session = await deps.auth.session(getCookie(c, SESSION_COOKIE));
    if (session) return session;
    // Wall tablets (BEY-1): a read-only kiosk token, GET requests only.
    const bearer = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    return c.req.method === 'GET' ? deps.auth.kioskUser(bearer) : undefined;
  }));
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  const handlers: Handlers = {
    'GET /api/health': () => ({ ok: true as const, version: deps.version, defaultLanguage: deps.config.csv().defaultLanguage }),
    'GET /api/openapi.json': () => (openApi ??= openApiDocument(deps.version)),
    'GET /api/catalog': () => deps.catalog.models.map((m) => ({
      family: m.family, model: m.model, label: m.label, energyType: m.energyType, capabilities: m.capabilities, parameters: m.parameters,
      ...(m.positions ? { positions: m.positions.count } : {}),
      measures: resolveRegisters(m).map((r) => ({ key: r.key, ...registerLabel(r), unit: r.unit, group: r.group, ...(r.phase ? { phase: r.phase } : {}) })),
      ...(m.commands.length ? { commands: m.commands.map((c) => ({ kind: c.kind, label: c.label, labelKey: commandLabelKey(c.kind) })) } : {}),
      ...(outputCount(m) ? { outputs: outputCount(m) } : {}),
    })),
    ...sessionHandlers(deps),
    ...structureHandlers(deps),
    ...deviceProbeHandlers(deps),
    ...deviceHandlers(deps),
    ...settingsHandlers(deps),
    ...costHandlers(deps),
    ...userHandlers(deps),
    ...consumptionHandlers(deps),
    ...commandHandlers(deps),
    ...eqHandlers(deps),
    ...linkHandlers(deps),
    ...greenupHandlers(deps),
    ...interopHandlers(deps),
    ...systemHandlers(deps),
    ...alarmHandlers(deps),
    ...notifyHandlers(deps),
    ...historyHandlers(deps),
    ...exportHandlers(deps),
    ...statisticsHandlers(deps),
    ...reportHandlers(deps),
  };
  mountContract(app, handlers);
  mountWebDav(app, deps);
  // BEY-2: Prometheus exposition, for scrapers (bearer token, or open on the LAN by setting).
  app.get('/metrics', async (c) => {
    if (!deps.interop.metricsAllowed(c.req.header('authorization'))) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.json({ error: 'a bearer token is needed (Web server configuration → Metrics)', code: 'unauthorized' }, 401);
    }
    c.header('cache-control', 'no-store');
    const { text, contentType } = await deps.interop.metricsText();
    return c.body(text, 200, { 'content-type': contentType });
  });
  app.all('/api/*', (c) => { throw new ApiError(404, 'not-found', `no such API route: ${c.req.method} ${c.req.path}`); });
  if (deps.webDir) app.use('*', staticFiles(deps.webDir));
  return app;
}

/** Writable outputs of a model (output1State, output2State…). */
function outputCount(m: ModelDef): number {
  return resolveRegisters(m).filter((r) => /^output\d+State$/.test(r.key) && r.writable).length;
}

/** HIST-4: the read-only WebDAV share of the history folder, served by files/ on the raw Node request. */
function mountWebDav(app: Hono<Env>, deps: ApiDeps): void {
  const dav = deps.history?.webdav;
  if (!dav) return;
  const serve = (c: Context<Env>) => {
    const { incoming, outgoing } = c.env as unknown as HttpBindings;
    if (Number(incoming.headers['content-length'] ?? 0) > 64 * 1024) throw new ApiError(413, 'too-large', 'the WebDAV share is read-only');
    dav.handle(incoming, outgoing);
    return alreadySent();
  };
  app.all(WEBDAV_PATH, serve);
  app.all(`${WEBDAV_PATH}/*`, serve);
}

/** The consumption routes alone, validated as in the daemon (the store benchmark serves them). */
export function consumptionApi(deps: Pick<ApiDeps, 'energy' | 'costs' | 'config' | 'log'>) {
  const app = new Hono<Env>();
  app.onError(errorHandler(deps.log));
  mountContract(app, consumptionHandlers(deps as ApiDeps));
  return app;
}
