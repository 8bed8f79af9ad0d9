/**
 * BUS-5 over an in-memory link: a device that times out, answers with a bad CRC, an exception or
 * garbage is marked "error" with the matching reason while the others keep their schedule; it
 * recovers by itself; unplugging the serial link never crashes the daemon, which reconnects.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, LiveResponse } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus, type SimFault } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import type { SampleTick } from '../src/poll/index';
import { startRig, slave, waitFor, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'memory-rs485' });
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('multifunction', 'F3N200', 1)).add(slave('energyCounter', 'F41DM63', 2))
  .add(slave('energyCounter', 'F41DM63', 3)).add(slave('energyCounter', 'F21DM63', 4));

let rig: Rig;
const ticks: SampleTick[] = [];

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 3, name: 'Faulty' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 4, name: 'Sockets' },
    ],
  });
  rig.daemon.poller.events.on('sample', (t) => ticks.push(t));
});
after(async () => { await rig?.stop(); });

const devices = async () => (await rig.api<DeviceSummary[]>('/api/devices')).body;
const byAddress = async (a: number) => (await devices()).find((d) => d.address === a)!;

test('all devices come on with live values', async () => {
  await waitFor('all on', async () => (await devices()).every((d) => d.status === 'on'));
  const main = await byAddress(1);
  const live = await rig.api<LiveResponse>(`/api/devices/${main.id}/live`);
  assert.equal(live.status, 200);
  assert.equal(live.body.status, 'on');
  assert.equal(live.body.values.activeEnergyImportWh.unit, 'Wh');
  assert.ok((live.body.values.activeEnergyImportWh.value as number) > 0);
  assert.ok(live.body.measures.some((m) => m.group === 'harmonics'));
});

const FAULTS: Array<[SimFault, string]> = [
  [{ kind: 'noReply' }, 'timeout'],
  [{ kind: 'badCrc' }, 'crc'],
  [{ kind: 'exception', code: 4 }, 'exception'],
  [{ kind: 'garbage' }, 'garbage'],
];

for (const [fault, reason] of FAULTS) {
  test(`a device answering with ${fault.kind} is "error: ${reason}", the others keep their schedule, then it recovers`, async () => {
    const faulty = await byAddress(3);
    sim.setFault(3, fault);
    const from = ticks.length;
    await waitFor(`reason ${reason}`, async () => {
      const d = await byAddress(3);
      return d.status === 'error' && d.statusReason === reason;
    });
    // Two full sample ticks while the fault lasts: every other device read on time.
    await waitFor('two ticks', () => ticks.length >= from + 3, 8000);
    for (const t of ticks.slice(from + 1)) {
      for (const r of t.readings) {
        if (r.deviceId === faulty.id) assert.equal(r.ok, false);
        else assert.equal(r.ok, true, `device ${r.deviceId} missed tick ${new Date(t.slotMs).toISOString()}`);
      }
    }
    for (const d of await devices()) if (d.address !== 3) assert.equal(d.status, 'on');
    sim.setFault(3, null);
    await waitFor('recovery', async () => (await byAddress(3)).status === 'on');
  });
}

test('unplugging the serial link never crashes the daemon; it reconnects with back-off', async () => {
  pipe.slave.unplug();
  await waitFor('all in error: closed', async () => (await devices()).every((d) => d.status === 'error' && d.statusReason === 'closed'));
  const health = await rig.api<{ ok: boolean }>('/api/health');
  assert.equal(health.body.ok, true);
  const gw = await rig.api<Array<{ id: string; status: string }>>('/api/gateways');
  assert.equal(gw.body.find((g) => g.id === 'local')?.status, 'error');
  await new Promise((r) => setTimeout(r, 1500)); // several failed reopen attempts
  pipe.slave.plug();
  await waitFor('all on again', async () => (await devices()).every((d) => d.status === 'on'), 15_000);
});
