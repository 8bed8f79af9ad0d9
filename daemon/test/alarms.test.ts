/**
 * NOTE-5 over the simulated RTU bus: a device that goes silent raises a communication-error event
 * once the configured delay has passed (not before), its recovery is logged, both are filterable
 * by device and type and paged; configuration changes are logged; every role with the
 * "Reports: alarms" right reads the log.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AlarmPage, DeviceSummary } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, waitFor, CODES, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'memory-rs485' });
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('multifunction', 'F3N200', 1)).add(slave('energyCounter', 'F41DM63', 2));

let rig: Rig;
before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
    ],
  });
});
after(async () => { await rig?.stop(); });

const alarms = async (q = '') => {
  const r = await rig.api<AlarmPage>(`/api/alarms${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test('a silent device raises a communication error after the delay, then its recovery', async () => {
  const put = await rig.api('/api/settings/alarms', { method: 'PUT', body: JSON.stringify({ communicationDelayS: 2, retentionDays: 30 }) });
  assert.equal(put.status, 200);
  const devices = (await rig.api<DeviceSummary[]>('/api/devices')).body;
  const lighting = devices.find((d) => d.address === 2)!;
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));

  const silentAt = Date.now();
  sim.setFault(2, { kind: 'noReply' });
  await waitFor('device in error', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.id === lighting.id)?.status === 'error');
  // in error, but not for 2 s yet: nothing logged
  assert.equal((await alarms(`?deviceId=${lighting.id}&type=communication-error`)).items.length, 0);
  const raised = await waitFor('communication error', async () => (await alarms(`?deviceId=${lighting.id}&type=communication-error`)).items[0], 8000);
  assert.ok(Date.parse(raised.at) - silentAt >= 2000, `raised ${Date.parse(raised.at) - silentAt} ms after the device went silent`);
  assert.equal(raised.deviceName, 'Lighting');
  assert.equal(raised.gatewayId, 'local');
  assert.equal(raised.address, 2);
  assert.match(raised.message, /timeout/);

  sim.setFault(2, null);
  const back = await waitFor('recovery', async () => (await alarms(`?deviceId=${lighting.id}&type=communication-restored`)).items[0], 8000);
  assert.ok(back.at >= raised.at);
  assert.match(back.message, /answers again/);
  // the other device logged nothing of the kind
  const main = devices.find((d) => d.address === 1)!;
  assert.equal((await alarms(`?deviceId=${main.id}`)).items.length, 0);
  // filter by date: nothing before the fault
  assert.equal((await alarms(`?deviceId=${lighting.id}&to=${new Date(silentAt - 1).toISOString()}`)).items.length, 0);
  assert.equal((await alarms(`?deviceId=${lighting.id}&from=${new Date(silentAt).toISOString()}`)).items.length, 2);
});

test('configuration changes are logged; pages follow "next"; bad filters are 400 with the field', async () => {
  for (const name of ['Board A', 'Board B', 'Board C']) {
    const r = await rig.api('/api/panelboards', { method: 'POST', body: JSON.stringify({ name }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const changes = await waitFor('3 changes', async () => { const p = await alarms('?type=configuration-change'); return p.items.length >= 3 && p.items; });
  assert.match(changes[0].message, /add panel board Board C \(by /);

  const all = await alarms('?limit=500');
  assert.ok(all.items.length >= 6);
  assert.ok(all.items.some((a) => a.type === 'box-started'));
  for (let i = 1; i < all.items.length; i++) assert.ok(all.items[i - 1].id > all.items[i].id, 'newest first');
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const p = await alarms(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(p.items.length <= 2);
    seen.push(...p.items.map((a) => a.id));
    cursor = p.next;
  } while (cursor);
  assert.deepEqual(seen, all.items.map((a) => a.id));

  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/alarms?type=nonsense&from=yesterday');
  assert.equal(bad.status, 400);
  assert.ok(bad.body.fields.type && bad.body.fields.from);
});

test('every role with "Reports: alarms" reads the log; the settings need Web server configuration', async () => {
  for (const role of ['user', 'installer', 'greenUp'] as const) {
    const c = rig.client();
    const [pin, puk] = CODES[role];
    await c.login(pin, puk);
    assert.equal((await c('/api/alarms')).status, 200, role);
    assert.equal((await c('/api/settings/alarms')).status, role === 'greenUp' ? 200 : 403, role);
  }
  assert.equal((await rig.client()('/api/alarms')).status, 401);
});
