/**
 * @module api/devices
 * GET /api/devices/:id/live (read now, STO-2) and the DEV-1 summary of a device.
 */
import { deviceAddressLabel, registerLabel, type DeviceSummary, type LiveResponse, type DeviceConfig, type MeasureDef } from '@ews/shared';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';
import type { DeviceState } from '../poll/index';

function statusFields(s: DeviceState | undefined): Pick<DeviceSummary, 'status' | 'statusReason' | 'statusDetail'> {
  if (!s) return { status: 'error', statusReason: 'pending' };
  return {
    status: s.status,
    ...(s.status === 'error' && s.reason ? { statusReason: s.reason } : {}),
    ...(s.status === 'error' && s.detail ? { statusDetail: s.detail } : {}),
  };
}

export function deviceSummary(deps: ApiDeps, d: DeviceConfig): DeviceSummary {
  const model = deps.catalog.get(d.family, d.model);
  const state = deps.poller.state(d.id);
  const breaker = state?.values.breakerState?.value;
  return {
    id: d.id, name: d.name, address: d.address, addressLabel: deviceAddressLabel(d, model?.parameters.includes('module')),
    ...(d.position !== undefined ? { position: d.position } : {}),
    ...(d.side !== undefined ? { side: d.side } : {}),
    gatewayId: d.gatewayId, family: d.family, model: d.model, modelLabel: model?.label ?? d.model,
    energyType: model?.energyType ?? 'none', capabilities: model?.capabilities ?? [],
    ...statusFields(state),
    ...(breaker === 'open' || breaker === 'closed' || breaker === 'tripped' ? { breakerState: breaker } : {}),
    ...(deps.links.isLinked(d.id) ? { linked: true } : {}),
    loadId: d.loadId, groupIds: d.groupIds, excludeFromTotals: d.excludeFromTotals,
  };
}

export function deviceHandlers(deps: ApiDeps): Handlers<'GET /api/devices/:id/live'> {
  return {
    'GET /api/devices/:id/live': async ({ params }): Promise<LiveResponse> => {
      const d = deps.config.device(params.id);
      if (!d) throw new ApiError(404, 'not-found', `no device ${params.id}`, { id: ['no such device'] });
      const state = await deps.poller.liveRead(d.id);
      const plan = deps.poller.plan(d.id);
      const measures: MeasureDef[] = (plan?.registers ?? []).map((r) => ({
        // CAT-2 custom labels of inputs and outputs, wherever the input or output appears
        key: r.key, ...(d.labels[r.key] ? { label: d.labels[r.key] } : registerLabel(r)), unit: r.unit, group: r.group, ...(r.phase ? { phase: r.phase } : {}),
      }));
      return {
        ...statusFields(state),
        at: state?.at ? new Date(state.at).toISOString() : null,
        values: state?.values ?? {},
        measures,
      };
    },
  };
}
