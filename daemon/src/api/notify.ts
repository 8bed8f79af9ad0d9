/**
 * @module api/notify
 * Telegram (NOTE-2), alert rules (NOTE-4) and automatic reports (NOTE-3); Web server
 * configuration. The bot token is write-only.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

type NotifyRoutes = 'GET /api/notify/telegram' | 'PUT /api/notify/telegram' | 'POST /api/notify/telegram/test'
  | 'GET /api/notify/telegram/people' | 'PUT /api/notify/telegram/people/:chatId' | 'DELETE /api/notify/telegram/people/:chatId'
  | 'GET /api/alert-rules' | 'POST /api/alert-rules' | 'PUT /api/alert-rules/:id' | 'DELETE /api/alert-rules/:id'
  | 'GET /api/notify/reports' | 'POST /api/notify/reports' | 'PUT /api/notify/reports/:id' | 'DELETE /api/notify/reports/:id' | 'POST /api/notify/reports/:id/send';

export function notifyHandlers(deps: ApiDeps): Handlers<NotifyRoutes> {
  const n = deps.notifier;
  return {
    'GET /api/notify/telegram': () => n.telegram.view(),
    'PUT /api/notify/telegram': ({ body }) => n.telegram.setSettings(body),
    'POST /api/notify/telegram/test': () => n.telegram.test(),
    'GET /api/notify/telegram/people': () => n.telegram.people(),
    'PUT /api/notify/telegram/people/:chatId': ({ params, body }) => n.telegram.setPerson(params.chatId, body.enabled),
    'DELETE /api/notify/telegram/people/:chatId': async ({ params }) => { await n.telegram.removePerson(params.chatId); return null; },
    'GET /api/alert-rules': () => n.rules.list(),
    'POST /api/alert-rules': ({ body }) => n.rules.create(body),
    'PUT /api/alert-rules/:id': ({ params, body }) => n.rules.update(params.id, body),
    'DELETE /api/alert-rules/:id': async ({ params }) => { await n.rules.remove(params.id); return null; },
    'GET /api/notify/reports': () => n.reports.list(),
    'POST /api/notify/reports': ({ body }) => n.reports.create(body),
    'PUT /api/notify/reports/:id': ({ params, body }) => n.reports.update(params.id, body),
    'DELETE /api/notify/reports/:id': async ({ params }) => { await n.reports.remove(params.id); return null; },
    'POST /api/notify/reports/:id/send': ({ params }) => n.reports.sendNow(params.id),
  };
}
