/**
 * @module api/consumption
 * GET /api/consumption (bars of a scope over a period, uPlot's columnar shape, with the
 * previous period) and GET /api/consumption.csv (the `datalogger.csv` of the same query, with
 * the CSV settings' separators). CON-1…6, STO-5. A scope that names no load, group or device
 * (in the configuration or in the history) answers 404.
 */
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';
import { OTHERS_LOAD } from '../energy/index';

/** Does `scope` name something the box knows: configured now, or with recorded history. */
function scopeExists(deps: ApiDeps, scope: string): boolean {
  const i = scope.indexOf(':');
  const head = i < 0 ? scope : scope.slice(0, i);
  const id = scope.slice(i + 1);
  const configured = head === 'total' || head === 'type'
    || (head === 'load' && (id === OTHERS_LOAD || deps.config.loads().some((l) => l.id === id)))
    || (head === 'group' && deps.config.groups().some((g) => g.id === id))
    || (head === 'device' && deps.config.device(Number(id)) !== undefined);
  return configured || deps.energy.store.listSeries({ scopePrefix: scope }).some((s) => s.scope === scope);
}

export function consumptionHandlers(deps: ApiDeps): Handlers<'GET /api/consumption' | 'GET /api/consumption.csv'> {
  const query = (q: ConsumptionQuery): ConsumptionResult => {
    if (!scopeExists(deps, q.scope)) {
      throw new ApiError(404, 'not-found', `no such scope "${q.scope}"`, { scope: [`nothing is called "${q.scope}" in this installation`] });
    }
    const result = deps.energy.consumption({
      scope: q.scope, period: q.period, date: q.date,
      ...(q.counter ? { counter: q.counter } : {}),
      ...(q.byLoad !== undefined ? { byLoad: q.byLoad } : {}),
    });
    return q.costs ? deps.costs.addCosts(result) : result;
  };
  return {
    'GET /api/consumption': ({ query: q }) => query(q),
    'GET /api/consumption.csv': ({ c, query: q }) => {
      const csv = deps.config.csv();
      const text = deps.energy.csv(query(q), { decimalSeparator: csv.decimalSeparator, fieldSeparator: csv.fieldSeparator, includePrevious: false });
      return c.body(text, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="datalogger.csv"',
      });
    },
  };
}
