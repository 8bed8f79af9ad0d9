/**
 * Turns a simulated installation into the daemon's provisioning seed: the Local bus points at
 * the simulator's RS485-over-TCP port, each other bus becomes a Modbus TCP gateway.
 */
import type { Seed } from '@ews/daemon';
import type { Installation } from '../sim/installations';

export interface SimEndpoints {
  /** Port of the simulated RS485 line (raw RTU over TCP). */
  localRtuPort: number;
  /** Port of each IP gateway, by bus name. */
  gatewayPorts: Record<string, number>;
}

/**
 * The demo's bill (COST-1…4): a French-style peak/off-peak electricity contract whose prices
 * changed on February 1st, 2026, with a cheaper Sunday; gas and water with one average price
 * each (the older scheme: they become DEFAULT rules).
 */
export const DEMO_COSTS: NonNullable<Seed['costs']> = {
  currency: 'EUR',
  gasKwhPerM3: 10.9,
  tariffs: [
    { type: 'electricity', name: 'Peak', color: '#e4572e', prices: [{ price: 0.2516, from: '2025-02-01' }, { price: 0.2700, from: '2026-02-01' }] },
    { type: 'electricity', name: 'Off-peak', color: '#2e86ab', prices: [{ price: 0.2068, from: '2025-02-01' }, { price: 0.2081, from: '2026-02-01' }] },
    { type: 'electricity', name: 'Sunday', color: '#4caf50', prices: [{ price: 0.1500 }] },
  ],
  rules: {
    electricity: [
      { tariffId: 'tariff-1', from: '2025-12-25', repeatEveryYear: true, timeFrom: '00:00', timeTo: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
      { tariffId: 'tariff-3', timeFrom: '00:00', timeTo: '23:59', days: ['sun'] },
      { tariffId: 'tariff-1', timeFrom: '06:00', timeTo: '21:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
      { tariffId: 'tariff-2', timeFrom: '22:00', timeTo: '05:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
    ],
  },
  averagePrices: { gas: 1.12, water: 4.3 },
};

export function seedFor(inst: Installation, endpoints: SimEndpoints, opts: { costs?: boolean } = {}): Seed {
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
        ...(d.side ? { side: d.side } : {}),
        ...(d.phase ? { phase: d.phase } : {}),
        ...(d.generic ? { generic: d.generic } : {}),
      });
    }
  });
  return { modbus: { path: `tcp://127.0.0.1:${endpoints.localRtuPort}` }, groups: inst.groups ?? [], gateways, devices, ...(opts.costs ? { costs: DEMO_COSTS } : {}) };
}
