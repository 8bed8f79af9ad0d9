/**
 * @module api/device-probe
 * POST /api/devices/probe: "Test" on the device form before saving (CAT-2). The device the form
 * describes (gateway, model, address, position, side, generic register, Remote ID) is read once
 * on its bus at live priority; nothing is stored and the poller's states are left alone.
 */
import type { DeviceTestResult } from '@ews/shared';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

export function deviceProbeHandlers(deps: ApiDeps): Handlers<'POST /api/devices/probe'> {
  return {
    'POST /api/devices/probe': async ({ body }): Promise<DeviceTestResult> => {
      if (!deps.config.gateway(body.gatewayId)) {
        throw new ApiError(400, 'invalid', `no gateway "${body.gatewayId}"`, { gatewayId: ['no such gateway'] });
      }
      const model = deps.catalog.get(body.family, body.model);
      if (!model) throw new ApiError(400, 'invalid', `no model ${body.family}/${body.model}`, { model: ['this model is not in the catalogue'] });
      const s = await deps.poller.probe(body, model);
      return s.status === 'on'
        ? { ok: true, values: s.values }
        : { ok: false, reason: s.reason ?? 'pending', ...(s.detail ? { detail: s.detail } : {}) };
    },
  };
}
