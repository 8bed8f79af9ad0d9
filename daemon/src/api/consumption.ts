/**
 * @module api/consumption
 * GET /api/consumption (bars of a scope over a period, uPlot's columnar shape, with the
 * previous period) and GET /api/consumption.csv (the `datalogger.csv` of the same query, with
 * the CSV settings' separators). CON-1…6, STO-5.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps, Env } from './context';
import { ApiError, zodFields } from './errors';
import { EnergyError } from '../energy/index';

export const consumptionQuerySchema = z.object({
  scope: z.string().regex(/^(total|type:(electricity|water|gas)|load:[A-Za-z0-9-]+|group:[A-Za-z0-9-]+|device:\d+)$/, 'total, type:electricity|water|gas, load:<id>, group:<id> or device:<id>'),
  period: z.enum(['day', 'month', 'year', 'decade']),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  counter: z.enum(['activeEnergyImport', 'activeEnergyExport', 'water', 'gas']).optional(),
  byLoad: z.enum(['0', '1', 'true', 'false']).optional(),
  costs: z.enum(['0', '1', 'true', 'false']).optional(),
});

export function consumptionRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();
  const query = (raw: Record<string, string>) => {
    const parsed = consumptionQuerySchema.safeParse(raw);
    if (!parsed.success) throw new ApiError(400, 'invalid', 'invalid query', zodFields(parsed.error));
    const q = parsed.data;
    try {
      const result = deps.energy.consumption({
        scope: q.scope, period: q.period, date: q.date,
        ...(q.counter ? { counter: q.counter } : {}),
        ...(q.byLoad ? { byLoad: q.byLoad === '1' || q.byLoad === 'true' } : {}),
      });
      return q.costs === '1' || q.costs === 'true' ? deps.costs.addCosts(result) : result;
    } catch (err) {
      if (err instanceof EnergyError) {
        const field = err.code === 'bad-scope' ? 'scope' : err.code === 'bad-period' ? 'period' : err.code === 'bad-date' ? 'date' : 'query';
        throw new ApiError(400, err.code, err.message, { [field]: [err.message] });
      }
      throw err;
    }
  };
  app.get('/api/consumption', (c) => c.json(query(c.req.query())));
  app.get('/api/consumption.csv', (c) => {
    const result = query(c.req.query());
    const csv = deps.config.csv();
    const text = deps.energy.csv(result, { decimalSeparator: csv.decimalSeparator, fieldSeparator: csv.fieldSeparator, includePrevious: false });
    return c.body(text, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="datalogger.csv"',
    });
  });
  return app;
}
