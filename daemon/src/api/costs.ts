/**
 * @module api/costs
 * Bill of consumptions (COST-1…4): cost settings, tariffs, ordered cost rules per energy type,
 * and the state of the background recomputation that follows a rule change.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

type CostRoutes =
  | 'GET /api/settings/costs' | 'PUT /api/settings/costs'
  | 'GET /api/tariffs' | 'POST /api/tariffs' | 'PUT /api/tariffs/:id' | 'DELETE /api/tariffs/:id'
  | 'GET /api/cost-rules/:type' | 'PUT /api/cost-rules/:type' | 'GET /api/costs/status';

export function costHandlers(deps: ApiDeps): Handlers<CostRoutes> {
  const { config, costs } = deps;
  return {
    'GET /api/settings/costs': () => config.costSettings(),
    'PUT /api/settings/costs': ({ body, who }) => config.setCostSettings(body, who),
    'GET /api/tariffs': ({ query }) => (query.type === undefined ? config.tariffs() : config.tariffs(query.type)),
    'POST /api/tariffs': ({ body, who }) => config.createTariff(body, who),
    'PUT /api/tariffs/:id': ({ params, body, who }) => config.updateTariff(params.id, body, who),
    'DELETE /api/tariffs/:id': async ({ params, who }) => { await config.deleteTariff(params.id, who); return null; },
    'GET /api/cost-rules/:type': ({ params }) => costs.rulesView(params.type),
    'PUT /api/cost-rules/:type': async ({ params, body, who }) => {
      await config.setCostRules(params.type, body, who);
      // history is recomputed in the background: the answer carries its progress
      costs.refresh();
      return costs.rulesView(params.type);
    },
    'GET /api/costs/status': () => ({ recompute: costs.recompute() }),
  };
}
