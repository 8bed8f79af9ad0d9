/**
 * MS-1…3 across three daemons over real Modbus TCP: B reads each of A's 150 devices as a
 * WSMEASURE device (`247-1XXXX`) through a gateway whose IP is A, and C reads B's total
 * (`247-29999`, "All"). 300 physical meters in all (A 150, B 100, C 50), simulated on real
 * buses. C's totals, partials and costs include everything below it, to the Wh.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, NewDeviceInput, SlaveMap, Tariff } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { defaultLinkFactory } from '../src/gateways/index';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { serveModbusTcp, type TcpServerHandle } from '../../scripts/sim/serve-tcp';
import { createSimSlave } from '../../scripts/sim/slave';
import { freePort } from '../../scripts/sim/peers';
import { startRig, catalog, waitFor, type Rig } from './rig';

const PER_GATEWAY = 25;
const sims: TcpServerHandle[] = [];
const rigs: Rig[] = [];

/** A box with `meters` simulated F21DM63 meters: the first 25 on Local, the rest behind simulated IP gateways. */
async function box(name: string, meters: number, seed: number): Promise<Rig> {
  const model = catalog.require('energyCounter', 'F21DM63');
  const busOf = (n: number, first: number) => {
    const sim = new SimBus();
    for (let a = 1; a <= n; a++) sim.add(createSimSlave(model, { address: a, seed: seed + first + a, timeScale: 3600, profile: 'flat', nominalPowerW: 500 + 37 * ((first + a) % 20) }));
    return sim;
  };
  const local = Math.min(PER_GATEWAY, meters);
  const pipe = createMemoryPipe();
  attachRtuEndpoint(busOf(local, 0), pipe.slave);
  const gateways = [];
  const devices: NewDeviceInput[] = [];
  for (let a = 1; a <= local; a++) devices.push({ gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: a, name: `${name} L${a}`, loadId: a % 2 ? 'lighting' : 'heating' });
  for (let g = 1, left = meters - local; left > 0; g++, left -= PER_GATEWAY) {
    const n = Math.min(PER_GATEWAY, left);
    const server = await serveModbusTcp(busOf(n, 100 * g), { port: 0, timeoutMs: 1000 });
    sims.push(server);
    gateways.push({ id: `gw-${g}`, kind: 'tcp' as const, name: `${name} building ${g}`, host: '127.0.0.1', port: server.port, description: '', panelBoardId: null, enabled: true, timeoutMs: 3000 });
    for (let a = 1; a <= n; a++) devices.push({ gatewayId: `gw-${g}`, family: 'energyCounter', model: 'F21DM63', address: a, name: `${name} G${g}-${a}`, loadId: 'power-sockets' });
  }
  const rig = await startRig({
    linkFactory: (g, settings) => (g.kind === 'local' ? pipe.master : defaultLinkFactory(g, settings)),
    // Ticks are driven by the test (runTick); the background refresh is slow (300 meters on a shared machine).
    sampleIntervalMs: 86_400_000, refreshMs: 5000,
    gateways, devices,
    // A healthy reply must never look late on a loaded machine (the suite runs two files at once).
    modbus: { timeoutMs: 1000 },
  });
  rigs.push(rig);
  return rig;
}

async function serve(rig: Rig): Promise<number> {
  const port = await freePort();
  assert.equal((await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpServer: true, tcpPort: port, tcpBind: '127.0.0.1' }) })).status, 200);
  await waitFor('server up', () => rig.daemon.interop.modbus.status().running);
  return port;
}

/** The box's own meters answer (its WSMEASURE devices wait for their slave's first stored slot). */
const allOn = (rig: Rig, n: number) => waitFor(`${n} meters on`, async () => {
  const d = (await rig.api<DeviceSummary[]>('/api/devices')).body.filter((x) => x.family !== 'wsmeasure');
  if (d.length === n && d.every((x) => x.status === 'on')) return true;
  lastSeen = d.filter((x) => x.status !== 'on').slice(0, 3).map((x) => `${x.name}:${x.status}:${x.statusReason}`).join() + ` (${d.length})`;
  return false;
}, 60_000).catch((e: Error) => { throw new Error(`${e.message}: ${lastSeen}`); });
let lastSeen = '';

const slaveMap = async (rig: Rig) => (await rig.api<SlaveMap>('/api/modbus/slave')).body;
const energyOf = (m: SlaveMap, scope: string) => m.entries.find((e) => e.scope === scope)?.energyWh ?? NaN;

let A: Rig, B: Rig, C: Rig;

before(async () => {
  A = await box('A', 150, 1000);
  B = await box('B', 100, 2000);
  C = await box('C', 50, 3000);
  const portA = await serve(A);
  const portB = await serve(B);
  // B: a virtual gateway = A, and one WSMEASURE device per device of A.
  const gwA = await B.api<{ id: string }>('/api/gateways', { method: 'POST', body: JSON.stringify({ name: 'Slave A', host: '127.0.0.1', port: portA, timeoutMs: 2000 }) });
  assert.equal(gwA.status, 201, JSON.stringify(gwA.body));
  const aDevices = (await A.api<DeviceSummary[]>('/api/devices')).body;
  const batch = await B.api('/api/devices/batch', {
    method: 'POST',
    body: JSON.stringify(aDevices.map((d) => ({ gatewayId: gwA.body.id, family: 'wsmeasure', model: 'WSMEASURE', address: 247, remoteAddress: 10000 + d.id, name: `from ${d.name}`, loadId: 'ventilation' }))),
  });
  assert.equal(batch.status, 201, JSON.stringify(batch.body).slice(0, 500));
  // C: a virtual gateway = B, reading "All".
  const gwB = await C.api<{ id: string }>('/api/gateways', { method: 'POST', body: JSON.stringify({ name: 'Slave B', host: '127.0.0.1', port: portB, timeoutMs: 2000 }) });
  const all = await C.api('/api/devices', { method: 'POST', body: JSON.stringify({ gatewayId: gwB.body.id, family: 'wsmeasure', model: 'WSMEASURE', address: 247, remoteAddress: 29999, name: 'Site B (all)', loadId: 'air-conditioning' }) });
  assert.equal(all.status, 201, JSON.stringify(all.body));
  // C prices electricity, to check that costs include the slave's energy.
  const t = await C.api<Tariff>('/api/tariffs', { method: 'POST', body: JSON.stringify({ type: 'electricity', name: 'Flat', color: '#123456', prices: [{ price: 0.25 }] }) });
  assert.equal((await C.api('/api/cost-rules/electricity', { method: 'PUT', body: JSON.stringify([{ tariffId: t.body.id }]) })).status, 200);
  await Promise.all([allOn(A, 150), allOn(B, 100), allOn(C, 50)]);
});

after(async () => {
  for (const r of rigs) await r.stop();
  for (const s of sims) await s.close();
});

const slotMs = 15 * 60_000;
const base = Math.floor(Date.now() / slotMs) * slotMs - 3 * slotMs;

test('three levels: C reads B\'s total, B reads A\'s devices; C\'s totals, partials and costs include them (300 meters)', async () => {
  const snapshots: Array<{ A: SlaveMap; B: SlaveMap; C: SlaveMap }> = [];
  for (let i = 0; i < 3; i++) {
    const slot = base + i * slotMs;
    // Bottom-up, as the boxes' aligned ticks would run: each master reads what its slave stored for the slot.
    for (const [name, rig] of [['A', A], ['B', B], ['C', C]] as const) {
      const tick = await rig.daemon.poller.runTick(slot);
      const failed = tick.readings.filter((r) => !r.ok);
      assert.equal(failed.length, 0, `${name} at slot ${i}: ${JSON.stringify(failed.slice(0, 3))}`);
    }
    snapshots.push({ A: await slaveMap(A), B: await slaveMap(B), C: await slaveMap(C) });
    await new Promise((r) => setTimeout(r, 300)); // simulated meters run an hour per second: energy grows between slots
  }
  const [first, , last] = snapshots;
  const delta = (box: 'A' | 'B' | 'C', scope: string) => energyOf(last[box], scope) - energyOf(first[box], scope);

  // Address labels and the WSMEASURE devices as energy meters.
  const cDevices = (await C.api<DeviceSummary[]>('/api/devices')).body;
  const virtual = cDevices.find((d) => d.name === 'Site B (all)')!;
  assert.equal(virtual.addressLabel, '247-29999');
  assert.equal(virtual.status, 'on');
  const bDevices = (await B.api<DeviceSummary[]>('/api/devices')).body;
  assert.ok(bDevices.some((d) => d.addressLabel === '247-10001'));

  // Level 1: each of B's WSMEASURE devices holds A's device counter, slot for slot.
  const aDevices = (await A.api<DeviceSummary[]>('/api/devices')).body;
  for (const d of bDevices.filter((x) => x.family === 'wsmeasure')) {
    const aId = Number(d.addressLabel.split('-')[1]) - 10000;
    assert.ok(aDevices.some((x) => x.id === aId));
    assert.equal(energyOf(last.B, `device:${d.id}`), energyOf(last.A, `device:${aId}`), `${d.name}`);
  }
  // B's total grew by its own 100 meters plus A's 150 (each counter rounded to the Wh by the slave).
  const bOwn = bDevices.filter((x) => x.family !== 'wsmeasure').reduce((s, d) => s + delta('B', `device:${d.id}`), 0);
  assert.ok(delta('A', 'total') > 0 && bOwn > 0);
  assert.ok(Math.abs(delta('B', 'total') - (bOwn + delta('A', 'total'))) <= 150 + 100, `B total ${delta('B', 'total')} vs ${bOwn} + ${delta('A', 'total')}`);

  // Level 2: C's virtual device is B's total; C's total is its own 50 meters plus it.
  assert.equal(energyOf(last.C, `device:${virtual.id}`), energyOf(last.B, 'total'));
  const cOwn = cDevices.filter((x) => x.family !== 'wsmeasure').reduce((s, d) => s + delta('C', `device:${d.id}`), 0);
  assert.ok(Math.abs(delta('C', 'total') - (cOwn + delta('B', 'total'))) <= 50 + 1, `C total ${delta('C', 'total')} vs ${cOwn} + ${delta('B', 'total')}`);
  // 300 physical meters feed C's total.
  const physical = aDevices.length + bDevices.filter((x) => x.family !== 'wsmeasure').length + cDevices.filter((x) => x.family !== 'wsmeasure').length;
  assert.equal(physical, 300);
  const everyMeter = aDevices.reduce((s, d) => s + delta('A', `device:${d.id}`), 0) + bOwn + cOwn;
  assert.ok(Math.abs(delta('C', 'total') - everyMeter) <= 300 + 50, `C total ${delta('C', 'total')} vs the 300 meters' ${everyMeter}`);

  // C's consumption pages: the total's partials (per load) include the slave in its load, and costs include it.
  const date = new Date(base).toISOString().slice(0, 10);
  const sum = (xs: Array<number | null>) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  const total = await C.api<{ series: Array<{ key: string; values: Array<number | null> }>; costs?: Array<{ values: Array<number | null> }> }>(`/api/consumption?scope=total&period=decade&date=${date}&costs=1`);
  assert.equal(total.status, 200, JSON.stringify(total.body));
  const ac = total.body.series.find((s) => s.key === 'load:air-conditioning');
  assert.ok(ac, total.body.series.map((s) => s.key).join());
  assert.ok(Math.abs(sum(ac.values) - delta('B', 'total')) <= 1, `the partial of the slave's load ${sum(ac.values)} vs B's total ${delta('B', 'total')}`);
  const totalWh = sum(total.body.series.flatMap((s) => s.values));
  assert.ok(Math.abs(totalWh - delta('C', 'total')) <= 1);
  await waitFor('costs computed', async () => {
    const r = await C.api<{ costs?: Array<{ values: Array<number | null> }> }>(`/api/consumption?scope=device:${virtual.id}&period=decade&date=${date}&costs=1`);
    const cost = sum((r.body.costs ?? []).flatMap((c) => c.values));
    return Math.abs(cost - (delta('B', 'total') / 1000) * 0.25) < 0.01 || undefined;
  }, 20_000);
  console.log(JSON.stringify({ meters: physical, wsmeasure: bDevices.length - 100 + 1, deltaWh: { A: delta('A', 'total'), B: delta('B', 'total'), C: delta('C', 'total') } }));
});
