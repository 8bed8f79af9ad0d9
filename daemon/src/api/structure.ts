/**
 * @module api/structure
 * System configuration (SPEC §1–2): gateways (with Test and Scan), scans, devices (with Test),
 * panel boards, loads, measure groups, and the audit log. Inputs arrive parsed by the contract;
 * the store checks the rules that need the whole configuration.
 */
import { LOCAL_GATEWAY_ID, deviceAddressLabel, type GatewaySummary, type GatewayTestResult, type DeviceTestResult } from '@ews/shared';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';
import { deviceSummary } from './devices';
import { TcpLink } from '../modbus/index';

export function gatewaySummary(deps: ApiDeps, id: string): GatewaySummary | undefined {
  const g = deps.config.gateway(id);
  if (!g) return undefined;
  const link = deps.gateways.linkStatus(g.id);
  const status = !g.enabled ? 'off' : link?.state === 'open' ? 'on' : 'error';
  return {
    id: g.id, name: g.name, kind: g.kind, host: g.host, enabled: g.enabled, status,
    ...(status === 'error' ? { statusReason: link?.state === 'down' && !link.everOpened ? 'unreachable' as const : 'closed' as const } : {}),
  };
}

const noGateway = (id: string) => new ApiError(404, 'not-found', `no gateway "${id}"`, { id: ['no such gateway'] });
const noDevice = (id: number) => new ApiError(404, 'not-found', `no device ${id}`, { id: ['no such device'] });

type StructureRoutes =
  | 'GET /api/gateways' | 'POST /api/gateways' | 'PUT /api/gateways/:id' | 'DELETE /api/gateways/:id'
  | 'POST /api/gateways/:id/test' | 'POST /api/gateways/:id/scan'
  | 'GET /api/scans' | 'GET /api/scans/:id' | 'DELETE /api/scans/:id'
  | 'GET /api/devices' | 'GET /api/devices/:id' | 'POST /api/devices' | 'POST /api/devices/batch' | 'PUT /api/devices/:id'
  | 'DELETE /api/devices/:id' | 'POST /api/devices/:id/test'
  | 'GET /api/panelboards' | 'POST /api/panelboards' | 'PUT /api/panelboards/:id' | 'DELETE /api/panelboards/:id'
  | 'GET /api/loads' | 'POST /api/loads' | 'PUT /api/loads/:id' | 'DELETE /api/loads/:id'
  | 'GET /api/groups' | 'POST /api/groups' | 'PUT /api/groups/:id' | 'DELETE /api/groups/:id'
  | 'GET /api/settings/audit';

export function structureHandlers(deps: ApiDeps): Handlers<StructureRoutes> {
  const { config } = deps;
  return {
    'GET /api/gateways': () => config.gateways().map((g) => ({ ...g, ...gatewaySummary(deps, g.id)! })),
    'POST /api/gateways': ({ body, who }) => config.createGateway(body, who),
    'PUT /api/gateways/:id': ({ params, body, who }) => config.updateGateway(params.id, body, who),
    'DELETE /api/gateways/:id': async ({ params, who }) => { await config.deleteGateway(params.id, who); return null; },
    /** BUS-3 Test: is the gateway reachable now, and if not, why. */
    'POST /api/gateways/:id/test': async ({ params }): Promise<GatewayTestResult> => {
      const g = config.gateway(params.id);
      if (!g) throw noGateway(params.id);
      if (g.id === LOCAL_GATEWAY_ID) {
        const s = deps.gateways.linkStatus(g.id);
        return s?.state === 'open' ? { ok: true } : { ok: false, reason: !g.enabled ? 'the Local gateway is OFF' : s?.state === 'down' ? s.reason : 'port not open' };
      }
      const link = new TcpLink(g.host, g.port, 3000);
      try {
        await link.open();
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: `cannot connect to ${g.host}:${g.port}: ${(err as Error).message}` };
      } finally {
        await link.close();
      }
    },
    'POST /api/gateways/:id/scan': ({ params, body }) => {
      if (!config.gateway(params.id)) throw noGateway(params.id);
      return deps.scanner.start(params.id, body);
    },
    'GET /api/scans': ({ query }) => deps.scanner.list(query.gatewayId),
    'GET /api/scans/:id': ({ params }) => deps.scanner.get(params.id),
    'DELETE /api/scans/:id': ({ params }) => deps.scanner.cancel(params.id),

    'GET /api/devices': () => config.devices().map((d) => deviceSummary(deps, d)),
    'GET /api/devices/:id': ({ params }) => {
      const d = config.device(params.id);
      if (!d) throw noDevice(params.id);
      return { ...d, addressLabel: deviceAddressLabel(d, deps.catalog.get(d.family, d.model)?.parameters.includes('module')), remoteId: 10000 + d.id };
    },
    'POST /api/devices': ({ body, who }) => config.createDevice(body, who),
    'POST /api/devices/batch': ({ body, who }) => config.createDevices(body, who),
    'PUT /api/devices/:id': ({ params, body, who }) => config.updateDevice(params.id, body, who),
    'DELETE /api/devices/:id': async ({ params, who }) => { await config.deleteDevice(params.id, who); return null; },
    /** CAT-2 Test: reads the device now and shows the values or the reason of failure. */
    'POST /api/devices/:id/test': async ({ params }): Promise<DeviceTestResult> => {
      const d = config.device(params.id);
      if (!d) throw noDevice(params.id);
      const s = await deps.poller.liveRead(d.id, { force: true });
      return s?.status === 'on'
        ? { ok: true, values: s.values }
        : { ok: false, reason: s?.reason ?? 'pending', ...(s?.detail ? { detail: s.detail } : {}) };
    },

    'GET /api/panelboards': () => config.panelBoards(),
    'POST /api/panelboards': ({ body, who }) => config.createPanelBoard(body, who),
    'PUT /api/panelboards/:id': ({ params, body, who }) => config.updatePanelBoard(params.id, body, who),
    'DELETE /api/panelboards/:id': async ({ params, who }) => { await config.deletePanelBoard(params.id, who); return null; },
    'GET /api/loads': () => config.loads(),
    'POST /api/loads': ({ body, who }) => config.createLoad(body, who),
    'PUT /api/loads/:id': ({ params, body, who }) => config.updateLoad(params.id, body, who),
    'DELETE /api/loads/:id': async ({ params, who }) => { await config.deleteLoad(params.id, who); return null; },
    'GET /api/groups': () => config.groups(),
    'POST /api/groups': ({ body, who }) => config.createGroup(body, who),
    'PUT /api/groups/:id': ({ params, body, who }) => config.updateGroup(params.id, body, who),
    'DELETE /api/groups/:id': async ({ params, who }) => { await config.deleteGroup(params.id, who); return null; },
    'GET /api/settings/audit': () => ({ version: config.version(), entries: config.audit(200) }),
  };
}
