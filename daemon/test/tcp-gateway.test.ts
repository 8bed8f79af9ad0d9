/**
 * BUS-3/BUS-5 through a simulated Modbus TCP gateway over real sockets: device faults behind the
 * gateway, dropped connections, and a gateway that refuses connections for a while. The daemon
 * keeps serving and reconnects with back-off.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, GatewaySummary } from '@ews/shared';
import { SimBus } from '../../scripts/sim/bus';
import { serveModbusTcp, type TcpServerHandle } from '../../scripts/sim/serve-tcp';
import { startRig, slave, waitFor, type Rig } from './rig';

const sim = new SimBus();
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F41DM63', 2)).add(slave('multifunction', 'F3N200', 3));
let server: TcpServerHandle;
let rig: Rig;

before(async () => {
  server = await serveModbusTcp(sim, { port: 0, timeoutMs: 100 });
  rig = await startRig({
    modbus: { path: '/dev/ews-no-such-port' },
    gateways: [{ id: 'gw-1', kind: 'tcp', name: 'Building B', host: '127.0.0.1', port: server.port, description: '', panelBoardId: null, enabled: true, timeoutMs: 300 }],
    devices: [
      { gatewayId: 'gw-1', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'B1' },
      { gatewayId: 'gw-1', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'B2' },
      { gatewayId: 'gw-1', family: 'multifunction', model: 'F3N200', address: 3, name: 'B3' },
      { gatewayId: 'gw-1', family: 'energyCounter', model: 'F41DM63', address: 9, name: 'Absent' },
    ],
  });
});
after(async () => { await rig?.stop(); await server?.close(); });

const devices = async () => (await rig.api<DeviceSummary[]>('/api/devices')).body;
const present = async () => (await devices()).filter((d) => d.address !== 9);

test('devices behind the gateway come on; an absent address is a timeout', async () => {
  await waitFor('present on', async () => (await present()).every((d) => d.status === 'on'));
  await waitFor('absent: timeout', async () => (await devices()).find((d) => d.address === 9)?.statusReason === 'timeout');
  const gw = (await rig.api<GatewaySummary[]>('/api/gateways')).body;
  assert.equal(gw.find((g) => g.id === 'gw-1')?.status, 'on');
  assert.equal(gw.find((g) => g.id === 'local')?.status, 'error', 'the Local port does not exist here');
});

test('an exception behind the gateway is reported, then the device recovers', async () => {
  sim.setFault(2, { kind: 'exception', code: 2 });
  await waitFor('exception', async () => (await devices()).find((d) => d.address === 2)?.statusReason === 'exception');
  assert.equal((await devices()).find((d) => d.address === 1)?.status, 'on');
  sim.setFault(2, null);
  await waitFor('recovered', async () => (await devices()).find((d) => d.address === 2)?.status === 'on');
});

test('dropped connections and a refusing gateway never crash the daemon; it reconnects', async () => {
  server.dropConnections();
  await waitFor('reconnected after a drop', async () => server.connectionCount() > 0 && (await present()).every((d) => d.status === 'on'));
  await server.setAccepting(false);
  server.dropConnections();
  await waitFor('error: closed', async () => (await present()).every((d) => d.status === 'error' && d.statusReason === 'closed'));
  const gw = (await rig.api<GatewaySummary[]>('/api/gateways')).body;
  assert.equal(gw.find((g) => g.id === 'gw-1')?.status, 'error');
  assert.equal((await rig.api<{ ok: boolean }>('/api/health')).body.ok, true);
  await new Promise((r) => setTimeout(r, 1200)); // refused reconnection attempts, with back-off
  await server.setAccepting(true);
  await waitFor('all on again', async () => (await present()).every((d) => d.status === 'on'), 15_000);
});
