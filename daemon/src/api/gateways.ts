/**
 * @module api/gateways
 * GET /api/gateways with each gateway's link status (BUS-3: On / Off / Communication error).
 */
import { Hono } from 'hono';
import type { GatewaySummary } from '@ews/shared';
import type { ApiDeps, Env } from './context';

export function gatewayRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => c.json(deps.config.gateways().map((g): GatewaySummary => {
    const link = deps.gateways.linkStatus(g.id);
    const status = !g.enabled ? 'off' : link?.state === 'open' ? 'on' : 'error';
    return {
      id: g.id, name: g.name, kind: g.kind, host: g.host, enabled: g.enabled, status,
      ...(status === 'error' ? { statusReason: link?.state === 'down' && !link.everOpened ? 'unreachable' as const : 'closed' as const } : {}),
    };
  })));
  return app;
}
