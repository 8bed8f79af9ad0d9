/**
 * @module api/devices
 * GET /api/devices/:id/live (read now, STO-2) and the DEV-1 summary of a device.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { deviceAddressLabel, type DeviceSummary, type LiveResponse, type DeviceConfig, type MeasureDef } from '@ews/shared';
import type { ApiDeps, Env } from './context';
import { ApiError } from './errors';
import type { DeviceState } from '../poll/index';

const idParam = z.coerce.number().int().min(1).max(9999);

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
    id: d.id, name: d.name, address: d.address, addressLabel: deviceAddressLabel(d),
    ...(d.position !== undefined ? { position: d.position } : {}),
    ...(d.side !== undefined ? { side: d.side } : {}),
    gatewayId: d.gatewayId, family: d.family, model: d.model, modelLabel: model?.label ?? d.model,
    energyType: model?.energyType ?? 'none', capabilities: model?.capabilities ?? [],
    ...statusFields(state),
    ...(breaker === 'open' || breaker === 'closed' || breaker === 'tripped' ? { breakerState: breaker } : {}),
    loadId: d.loadId, groupIds: d.groupIds, excludeFromTotals: d.excludeFromTotals,
  };
}

export function deviceRoutes(deps: ApiDeps) {
  const app = new Hono<Env>();

  app.get('/:id/live', async (c) => {
    const parsed = idParam.safeParse(c.req.param('id'));
    if (!parsed.success) throw new ApiError(400, 'invalid', 'the device id is a number', { id: ['a number from 1 to 9999'] });
    const d = deps.config.device(parsed.data);
    if (!d) throw new ApiError(404, 'not-found', `no device ${parsed.data}`);
    const state = await deps.poller.liveRead(d.id);
    const plan = deps.poller.plan(d.id);
    const measures: MeasureDef[] = (plan?.registers ?? []).map((r) => ({
      key: r.key, label: r.label ?? r.key, unit: r.unit, group: r.group, ...(r.phase ? { phase: r.phase } : {}),
    }));
    const body: LiveResponse = {
      ...statusFields(state),
      at: state?.at ? new Date(state.at).toISOString() : null,
      values: state?.values ?? {},
      measures,
    };
    return c.json(body);
  });
  return app;
}
