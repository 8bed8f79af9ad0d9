/**
 * @module api/greenup
 * Green'Up EV charging management (EV-1…6): settings, live status, decision log, per-session
 * overrides, charging sessions and station commands. Every route needs the Green'Up right.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

type GreenupRoutes =
  | 'GET /api/greenup/settings' | 'PUT /api/greenup/settings' | 'GET /api/greenup/status' | 'GET /api/greenup/decisions'
  | 'PUT /api/greenup/overrides/:deviceId' | 'GET /api/greenup/sessions' | 'POST /api/greenup/stations/:deviceId/commands';

export function greenupHandlers(deps: ApiDeps): Handlers<GreenupRoutes> {
  const g = deps.greenup;
  return {
    'GET /api/greenup/settings': () => g.settings(),
    'PUT /api/greenup/settings': ({ body }) => g.setSettings(body),
    'GET /api/greenup/status': () => g.status(),
    'GET /api/greenup/decisions': ({ query }) => g.decisions(query.limit),
    'PUT /api/greenup/overrides/:deviceId': ({ params, body }) => g.setOverride(params.deviceId, body),
    'GET /api/greenup/sessions': ({ query }) => g.sessions(query.deviceId, query.limit),
    'POST /api/greenup/stations/:deviceId/commands': ({ params, body }) => g.command(params.deviceId, body),
  };
}
