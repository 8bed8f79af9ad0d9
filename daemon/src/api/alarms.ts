/**
 * @module api/alarms
 * The alarm log (NOTE-5, "Reports: alarms" right) and its settings; e-mail settings, test and the
 * outbox (NOTE-1, NOTE-6; Web server configuration).
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

type AlarmRoutes = 'GET /api/alarms' | 'GET /api/settings/alarms' | 'PUT /api/settings/alarms'
  | 'GET /api/notify/email' | 'PUT /api/notify/email' | 'POST /api/notify/email/test' | 'GET /api/notify/outbox';

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
    'GET /api/notify/email': () => deps.notifier.email.view(),
    'PUT /api/notify/email': ({ body }) => deps.notifier.email.setSettings(body),
    'POST /api/notify/email/test': () => deps.notifier.email.test(),
    'GET /api/notify/outbox': () => deps.notifier.outbox.list(),
  };
}
