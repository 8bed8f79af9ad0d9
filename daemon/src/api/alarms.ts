/**
 * @module api/alarms
 * The alarm log (NOTE-5, "Reports: alarms" right) and its settings (Web server configuration).
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

type AlarmRoutes = 'GET /api/alarms' | 'GET /api/settings/alarms' | 'PUT /api/settings/alarms';

export function alarmHandlers(deps: ApiDeps): Handlers<AlarmRoutes> {
  return {
    'GET /api/alarms': ({ query }) => {
      if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
        throw new ApiError(400, 'invalid', '"from" is after "to"', { from: ['"from" is after "to"'] });
      }
      return deps.alarms.query(query);
    },
    'GET /api/settings/alarms': () => deps.alarms.settings(),
    'PUT /api/settings/alarms': ({ body }) => deps.alarms.setSettings(body),
  };
}
