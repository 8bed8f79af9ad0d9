/**
 * @module api/costs
 * Bill of consumptions (COST-1…4): cost settings, tariffs, ordered cost rules per energy type,
 * and the state of the background recomputation that follows a rule change.
 */
import { Hono, type Context } from 'hono';
import { costSettingsSchema, costRulesSchema, isCostType, tariffInputSchema, type CostType, type SessionUser } from '@ews/shared';
import type { ApiDeps, Env } from './context';
import { ApiError, jsonBody } from './errors';

const who = (c: Context<Env>): string => (c.get('user') as SessionUser | undefined)?.id ?? 'unknown';

function typeParam(c: Context<Env>): CostType {
  const type = c.req.param('type') ?? '';
  if (!isCostType(type)) throw new ApiError(404, 'not-found', 'cost rules exist for electricity, gas and water', { type: ['electricity, gas or water'] });
  return type;
}

export function costRoutes(deps: ApiDeps) {
  const { config, costs } = deps;
  const settings = new Hono<Env>();
  settings.get('/', (c) => c.json(config.costSettings()));
  settings.put('/', async (c) => c.json(await config.setCostSettings(await jsonBody(c, costSettingsSchema), who(c))));

  const tariffs = new Hono<Env>();
  tariffs.get('/', (c) => {
    const type = c.req.query('type');
    if (type === undefined) return c.json(config.tariffs());
    if (!isCostType(type)) throw new ApiError(400, 'invalid', 'invalid query', { type: ['electricity, gas or water'] });
    return c.json(config.tariffs(type));
  });
  tariffs.post('/', async (c) => c.json(await config.createTariff(await jsonBody(c, tariffInputSchema), who(c)), 201));
  tariffs.put('/:id', async (c) => c.json(await config.updateTariff(c.req.param('id'), await jsonBody(c, tariffInputSchema), who(c))));
  tariffs.delete('/:id', async (c) => { await config.deleteTariff(c.req.param('id'), who(c)); return c.body(null, 204); });

  const rules = new Hono<Env>();
  rules.get('/:type', (c) => c.json(costs.rulesView(typeParam(c))));
  rules.put('/:type', async (c) => {
    const type = typeParam(c);
    await config.setCostRules(type, await jsonBody(c, costRulesSchema), who(c));
    // history is recomputed in the background: the answer carries its progress
    costs.refresh();
    return c.json(costs.rulesView(type));
  });

  const status = new Hono<Env>();
  status.get('/status', (c) => c.json({ recompute: costs.recompute() }));
  return { settings, tariffs, rules, status };
}
