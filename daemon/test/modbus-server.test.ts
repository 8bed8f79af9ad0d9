/**
 * MS-1: the Modbus TCP server over real sockets, read by independent clients: Debian's `mbpoll`
 * and modbus-serial. Unit 247 serves the energies of a device, a load, a group and the total
 * (the values the API shows, and their increments are the consumption bars); other unit ids go
 * to the Local RS485 bus (a silent address answers exception 0B; writes are refused unless
 * allowed); the server starts, moves and stops with the settings, no restart; the allowlist
 * and the connection limit hold.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { slaveBlockAddress, type SlaveMap } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { freePort, scadaClient, closedAtOnce } from '../../scripts/sim/peers';
import { startRig, slave, waitFor, type Rig } from './rig';

const run = promisify(execFile);
const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
// Simulated time runs 600× faster: between two reads a second apart the meters count ~10 minutes of
// energy, whatever the hour (at real speed a meter drawing little counted no whole Wh: the test
// failed in the evening).
const FAST = { timeScale: 600 };
sim.add(slave('energyCounter', 'F41DM63', 1, FAST)).add(slave('energyCounter', 'F21DM63', 2, FAST)).add(slave('multifunction', 'F3N200', 3, FAST));
let rig: Rig;
let port: number;

const hasMbpoll = await run('mbpoll', ['-V']).then(() => true, (e: { code?: string }) => e.code !== 'ENOENT');
if (!hasMbpoll && process.env.CI) throw new Error('mbpoll is needed (apt-get install mbpoll)');

/** mbpoll, once, PDU addressing; returns the words read (hex display) or throws with its output. */
async function mbpoll(unit: number, address: number, count: number, table: 3 | 4 = 4): Promise<number[]> {
  const { stdout } = await run('mbpoll', ['-m', 'tcp', '-p', String(port), '-a', String(unit), '-r', String(address), '-c', String(count), '-0', '-1', '-t', `${table}:hex`, '-o', '2', '127.0.0.1'], { timeout: 10_000 });
  const words = [...stdout.matchAll(/^\[(\d+)\]:\s+0x([0-9A-Fa-f]{4})/gm)].map((m) => parseInt(m[2], 16));
  assert.equal(words.length, count, stdout);
  return words;
}

const client = () => scadaClient(port);

const u64 = (w: number[]) => Number((BigInt(w[0]) << 48n) | (BigInt(w[1]) << 32n) | (BigInt(w[2]) << 16n) | BigInt(w[3]));

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [],
  });
  // The structure through the API: a group, three meters in two loads.
  const g = await rig.api<{ id: string }>('/api/groups', { method: 'POST', body: JSON.stringify({ name: 'Building A' }) });
  assert.equal(g.status, 201);
  for (const [address, model, loadId] of [[1, 'F41DM63', 'lighting'], [2, 'F21DM63', 'heating'], [3, 'F41DM63', 'lighting']] as const) {
    const fam = 'energyCounter';
    const r = await rig.api('/api/devices', { method: 'POST', body: JSON.stringify({ gatewayId: 'local', family: address === 3 ? 'multifunction' : fam, model: address === 3 ? 'F3N200' : model, address, name: `M${address}`, loadId, groupIds: address === 2 ? [] : [g.body.id] }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  port = await freePort();
});
after(async () => { await rig?.stop(); });

const slotMs = 15 * 60_000;
const base = Math.floor(Date.now() / slotMs) * slotMs - 2 * slotMs;

test('the server starts with PUT /api/settings/modbus, no restart; the slave map lists device, loads, group and total', async () => {
  await waitFor('devices on', async () => (await rig.api<Array<{ status: string }>>('/api/devices')).body.every((d) => d.status === 'on'));
  const put = await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpServer: true, tcpPort: port, tcpBind: '127.0.0.1', tcpAllow: ['127.0.0.0/8'] }) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const map = await waitFor('listening', async () => { const m = (await rig.api<SlaveMap>('/api/modbus/slave')).body; return m.running && m; });
  assert.equal(map.listening, `127.0.0.1:${port}`);
  const scopes = map.entries.map((e) => e.scope);
  for (const s of ['total', 'device:1', 'load:lighting', 'load:heating']) assert.ok(scopes.includes(s), `${s} in ${scopes.join()}`);
  assert.ok(map.entries.some((e) => e.scope.startsWith('group:')));
  // Nothing stored yet: exception 0B (the value is not there), not a zero that would look like a reset.
  const c = await client();
  c.setID(247);
  await assert.rejects(c.readHoldingRegisters(0, 4), (e: { modbusCode?: number }) => e.modbusCode === 0x0b);
  await c.close();
  // Bad settings are refused with the field.
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpAllow: ['10.0.0.0/33'] }) });
  assert.equal(bad.status, 400);
  assert.ok(Object.keys(bad.body.fields).some((k) => k.startsWith('tcpAllow')), JSON.stringify(bad.body));
});

test('mbpoll and modbus-serial read unit 247: values equal the API\'s energies, increments equal the consumption bars', async () => {
  const read = async () => {
    const map = (await rig.api<SlaveMap>('/api/modbus/slave')).body;
    const picks = ['device:1', 'load:lighting', map.entries.find((e) => e.scope.startsWith('group:'))!.scope, 'total'];
    const c = await client();
    c.setID(247);
    const out: Record<string, { api: number; mbpoll?: number; serial: number; slotS: number; remoteId: number }> = {};
    for (const scope of picks) {
      const e = map.entries.find((x) => x.scope === scope)!;
      assert.equal(e.address, slaveBlockAddress(e.remoteId));
      const serial = (await c.readHoldingRegisters(e.address, 8)).data;
      assert.equal(serial[7], e.remoteId, 'the block echoes its Remote ID');
      assert.equal(serial[6], 0, 'every device answers');
      const viaMbpoll = hasMbpoll ? await mbpoll(247, e.address, 8) : undefined;
      if (viaMbpoll) assert.deepEqual(viaMbpoll, serial, 'both clients read the same words');
      out[scope] = { api: e.energyWh!, serial: u64(serial), slotS: serial[4] * 65536 + serial[5], remoteId: e.remoteId, ...(viaMbpoll ? { mbpoll: u64(viaMbpoll) } : {}) };
    }
    await c.close();
    return out;
  };
  await rig.daemon.poller.runTick(base);
  const first = await read();
  for (const [scope, v] of Object.entries(first)) {
    assert.equal(v.serial, v.api, scope);
    assert.equal(v.slotS * 1000, base, `${scope}: the slot time`);
  }
  await rig.daemon.poller.runTick(base + slotMs);
  await rig.daemon.poller.runTick(base + 2 * slotMs);
  const last = await read();
  if (!hasMbpoll) console.log('# mbpoll not installed: modbus-serial only (apt-get install mbpoll)');
  for (const [scope, v] of Object.entries(last)) {
    assert.equal(v.serial, v.api, scope);
    if (v.mbpoll !== undefined) assert.equal(v.mbpoll, v.api, scope);
    assert.equal(v.slotS * 1000, base + 2 * slotMs);
    assert.ok(v.api > first[scope].api, `${scope} grew`);
    // The consumption API's bars over the same slots add up to the increment the Modbus client sees.
    const date = new Date(base).toISOString().slice(0, 10);
    const bars = await rig.api<{ series: Array<{ key: string; values: Array<number | null> }> }>(`/api/consumption?scope=${encodeURIComponent(scope)}&period=decade&date=${date}`);
    assert.equal(bars.status, 200, JSON.stringify(bars.body));
    const sum = bars.body.series.reduce((a, s) => a + s.values.reduce<number>((b, x) => b + (x ?? 0), 0), 0);
    assert.ok(Math.abs(sum - (v.api - first[scope].api)) <= 1, `${scope}: bars ${sum} vs increment ${v.api - first[scope].api}`);
  }
  // The device's stored counter is its meter's index (read live through the API).
  const live = await rig.api<{ values: Record<string, { value: number }> }>('/api/devices/1/live');
  assert.ok(Math.abs(live.body.values.activeEnergyImportWh.value - last['device:1'].api) < 50_000, 'the index and the stored counter are the same meter');
  // Unknown Remote IDs and addresses outside the map: exception 02.
  const c = await client();
  c.setID(247);
  await assert.rejects(c.readHoldingRegisters(slaveBlockAddress(19999 - 5000)!, 8), (e: { modbusCode?: number }) => e.modbusCode === 2);
  await assert.rejects(c.readHoldingRegisters(65000, 8), (e: { modbusCode?: number }) => e.modbusCode === 2);
  await assert.rejects(c.writeRegister(0, 1), (e: { modbusCode?: number }) => e.modbusCode === 1);
  await c.close();
});

test('the gateway function reads Local devices through the bus; a silent address answers 0B; writes are refused unless allowed', async () => {
  // F41DM63's identity register (FC03 50003 = 4163), through the box to the RS485 device.
  const c = await client();
  c.setID(1);
  assert.deepEqual((await c.readHoldingRegisters(50003, 1)).data, [4163]);
  if (hasMbpoll) assert.deepEqual(await mbpoll(1, 50003, 1), [4163]);
  c.setID(9);
  await assert.rejects(c.readHoldingRegisters(50003, 1), (e: { modbusCode?: number }) => e.modbusCode === 0x0b);
  if (hasMbpoll) {
    await assert.rejects(mbpoll(9, 50003, 1), (e: { stdout?: string; stderr?: string }) => /target device failed to respond|0x0B|Gateway target/i.test(`${e.stdout}${e.stderr}`));
  }
  c.setID(1);
  await assert.rejects(c.writeRegister(50003, 1), (e: { modbusCode?: number }) => e.modbusCode === 1, 'writes refused by default');
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpGatewayWrites: true }) });
  // Now passed to the device: the simulator refuses a write to its identity register with its own exception.
  await waitFor('write forwarded', async () => {
    try { await c.writeRegister(50003, 1); return false; } catch (e) { return (e as { modbusCode?: number }).modbusCode !== 1 && (e as { modbusCode?: number }).modbusCode !== undefined; }
  });
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpGatewayWrites: false }) });
  await c.close();
  const metrics = rig.daemon.interop.modbus.gatewayStats;
  assert.ok(metrics.forwarded >= 1 && (metrics.failures.timeout ?? 0) >= 1 && (metrics.failures['refused-write'] ?? 0) >= 1, JSON.stringify(metrics));
});

test('the allowlist and the connection limit hold; the server moves and stops with the settings', async () => {
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpAllow: ['10.1.0.0/16'] }) });
  assert.equal(await waitFor('refused', async () => (await closedAtOnce(port)) || undefined), true);
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpAllow: [], tcpMaxConnections: 2 }) });
  const held = await waitFor('two held', async () => {
    const cs = [await client(), await client()];
    return cs;
  });
  assert.equal(await closedAtOnce(port), true, 'a third connection is closed at once');
  for (const c of held) await c.close();
  const other = await freePort();
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpPort: other }) });
  await waitFor('moved', async () => (await rig.api<SlaveMap>('/api/modbus/slave')).body.listening === `127.0.0.1:${other}`);
  await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpServer: false }) });
  await waitFor('stopped', async () => !(await rig.api<SlaveMap>('/api/modbus/slave')).body.running);
  await assert.rejects(scadaClient(other));
  // The RS485 side never noticed: devices still on.
  assert.ok((await rig.api<Array<{ status: string }>>('/api/devices')).body.every((d) => d.status === 'on'));
});
