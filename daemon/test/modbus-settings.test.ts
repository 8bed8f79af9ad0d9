/**
 * BUS-2: saving new Modbus settings reopens the Local port with them within 2 s, without a
 * process restart. The simulator's line runs at 9600 8N2; a master at other settings receives
 * garbage (as on a real line), so the devices come on only once the port uses the new settings.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, ModbusSettings } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { lineOf } from '../src/gateways/index';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, waitFor, type Rig } from './rig';

const simLine = { baudRate: 9600, parity: 'none', stopBits: 2 } as const;
const pipe = createMemoryPipe({ name: 'rs485' });
pipe.setSlaveLine(simLine);
const sim = new SimBus();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
const opened: string[] = [];
let rig: Rig;

before(async () => {
  rig = await startRig({
    linkFactory: (g, s) => {
      if (g.kind !== 'local') return undefined;
      opened.push(`${s.baudRate}/${s.parity}/${s.stopBits}`);
      return pipe.masterWithLine(lineOf(s));
    },
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'M1' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'M2' },
    ],
  });
});
after(async () => { await rig?.stop(); });

const devices = async () => (await rig.api<DeviceSummary[]>('/api/devices')).body;

test('new Modbus settings reopen the port within 2 s, without a restart', async () => {
  await waitFor('errors at the wrong settings', async () => (await devices()).every((d) => d.status === 'error' && (d.statusReason === 'garbage' || d.statusReason === 'timeout' || d.statusReason === 'crc')));
  const current = (await rig.api<ModbusSettings>('/api/settings/modbus')).body;
  assert.equal(current.baudRate, 19200);
  const t0 = Date.now();
  const res = await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ ...current, ...simLine }) });
  assert.equal(res.status, 200);
  await waitFor('all on at 9600 8N2', async () => (await devices()).every((d) => d.status === 'on'), 2000);
  const elapsedMs = Date.now() - t0;
  assert.ok(elapsedMs <= 2000, `took ${elapsedMs} ms`);
  assert.deepEqual(opened.slice(-1), ['9600/none/2']);
  assert.equal(opened[0], '19200/even/1');
  assert.equal((await rig.api<ModbusSettings>('/api/settings/modbus')).body.baudRate, 9600, 'the settings are saved');
});
