/**
 * Turns a simulated installation into the daemon's provisioning seed: the Local bus points at
 * the simulator's RS485-over-TCP port, each other bus becomes a Modbus TCP gateway.
 */
import type { Seed } from '../../daemon/src/config/index';
import type { Installation } from '../sim/installations';

export interface SimEndpoints {
  /** Port of the simulated RS485 line (raw RTU over TCP). */
  localRtuPort: number;
  /** Port of each IP gateway, by bus name. */
  gatewayPorts: Record<string, number>;
}

export function seedFor(inst: Installation, endpoints: SimEndpoints): Seed {
  const gateways: NonNullable<Seed['gateways']> = [];
  const devices: unknown[] = [];
  inst.buses.forEach((bus, i) => {
    const gatewayId = bus.kind === 'local' ? 'local' : `gw-${i}`;
    if (bus.kind === 'tcp') {
      const port = endpoints.gatewayPorts[bus.name];
      if (port === undefined) throw new Error(`no simulated gateway for ${bus.name}`);
      gateways.push({ id: gatewayId, kind: 'tcp', name: bus.name, host: '127.0.0.1', port, description: 'Simulated RS485/IP gateway' });
    }
    for (const d of bus.devices) {
      devices.push({
        gatewayId, family: d.family, model: d.model, address: d.address, name: d.name,
        ...(d.loadId ? { loadId: d.loadId } : {}),
        ...(d.groups ? { groupIds: d.groups.map((g) => `group-${(inst.groups ?? []).indexOf(g) + 1}`) } : {}),
        ...(d.excludeFromTotals ? { excludeFromTotals: true } : {}),
        ...(d.position !== undefined ? { position: d.position } : {}),
        ...(d.generic ? { generic: d.generic } : {}),
      });
    }
  });
  return { modbus: { path: `tcp://127.0.0.1:${endpoints.localRtuPort}` }, groups: inst.groups ?? [], gateways, devices };
}
