/**
 * @module api/eq
 * EQ-1: the EN 50160 weekly checks of a device ("LAST WEEK EN50160 CHECK: OK/KO").
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

export function eqHandlers(deps: ApiDeps): Handlers<'GET /api/devices/:id/eq'> {
  return {
    'GET /api/devices/:id/eq': ({ params }) => {
      if (!deps.config.device(params.id)) throw new ApiError(404, 'not-found', `no device ${params.id}`, { id: ['no such device'] });
      return deps.eq.view(params.id, deps.clock.now());
    },
  };
}
