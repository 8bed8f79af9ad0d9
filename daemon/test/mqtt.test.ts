/**
 * BEY-2 MQTT with a real broker (Debian's mosquitto, started here) and a real client
 * (mosquitto_sub): Home Assistant discovery configs and states arrive with the right device and
 * state classes and units; the broker restarted, the daemon reconnects and publishes them again;
 * the daemon killed (SIGKILL, a separate process), the broker publishes its last will: offline.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlaveMap } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { freePort } from '../../scripts/sim/peers';
import { startRig, slave, waitFor, CODES, type Rig } from './rig';

const haveMosquitto = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto_sub'].every((p) => existsSync(p));
// CI installs them (.ci/run): there a missing broker is a failure, not a skip.
if (!haveMosquitto && process.env.CI) throw new Error('mosquitto and mosquitto-clients are needed (apt-get install mosquitto mosquitto-clients)');
const dir = mkdtempSync(join(tmpdir(), 'ews-mqtt-'));
let brokerPort: number;
let broker: ChildProcess | undefined;
let sub: ChildProcess | undefined;
/** Every message the subscriber saw: [topic, payload]. */
let seen: Array<[string, string]> = [];
let rig: Rig;

async function startBroker(): Promise<void> {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n`);
  const p = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  broker = p;
  let log = '';
  p.stderr!.on('data', (d) => { log += d; });
  await waitFor('broker listening', () => /Opening ipv4 listen socket|mosquitto version .* running/.test(log), 10_000);
}

async function startSub(): Promise<void> {
  seen = [];
  const p = spawn('/usr/bin/mosquitto_sub', ['-h', '127.0.0.1', '-p', String(brokerPort), '-v', '-t', 'ews/#', '-t', 'homeassistant/#', '-t', 'ewskill/#'], { stdio: ['ignore', 'pipe', 'pipe'] });
  sub = p;
  let buf = '';
  p.stdout!.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      const sp = line.indexOf(' ');
      seen.push(sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)]);
    }
  });
  await new Promise((r) => setTimeout(r, 300)); // subscribed
}

const stopProc = (p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') => new Promise<void>((resolve) => {
  if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
  p.once('exit', () => resolve());
  p.kill(signal);
});

const last = (topic: string) => [...seen].reverse().find(([t]) => t === topic)?.[1];
const json = (topic: string) => { const v = last(topic); return v ? JSON.parse(v) as Record<string, unknown> : undefined; };

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('pulseCounter', 'pulse-water', 5, { position: 1 })).add(slave('pulseCounter', 'pulse-gas', 6, { position: 1 }));

before(async () => {
  if (!haveMosquitto) return;
  brokerPort = await freePort();
  await startBroker();
  await startSub();
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    mqttBackoffMs: { min: 200, max: 1000 },
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'Main', loadId: 'lighting' },
      { gatewayId: 'local', family: 'pulseCounter', model: 'pulse-water', address: 5, position: 1, name: 'Water meter' },
      { gatewayId: 'local', family: 'pulseCounter', model: 'pulse-gas', address: 6, position: 1, name: 'Gas meter' },
    ],
  });
});
after(async () => {
  await rig?.stop();
  await stopProc(sub);
  await stopProc(broker);
  rmSync(dir, { recursive: true, force: true });
});

test('discovery configs and states arrive with the right classes and units; the password is write-only', { skip: !haveMosquitto && 'mosquitto not installed (apt-get install mosquitto mosquitto-clients)' }, async () => {
  const put = await rig.api<Record<string, unknown>>('/api/settings/mqtt', {
    method: 'PUT', body: JSON.stringify({ enabled: true, host: '127.0.0.1', port: brokerPort, user: 'ews', password: 'broker-secret', baseTopic: 'ews', discovery: true }),
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.passwordSet, true);
  assert.ok(!JSON.stringify(put.body).includes('broker-secret'));
  await waitFor('connected', async () => (await rig.api<{ state: string }>('/api/settings/mqtt')).body.state === 'connected');
  assert.ok(!JSON.stringify((await rig.api('/api/settings/mqtt')).body).includes('broker-secret'), 'never answered');
  await waitFor('online', () => last('ews/status') === 'online');

  const cfg = (obj: string) => json(`homeassistant/sensor/ews/${obj}/config`);
  await waitFor('discovery', () => cfg('device_1_energy') && cfg('device_2_water') && cfg('device_3_gas') && cfg('total_energy'));
  const energy = cfg('device_1_energy')!;
  assert.equal(energy.device_class, 'energy');
  assert.equal(energy.state_class, 'total_increasing');
  assert.equal(energy.unit_of_measurement, 'Wh');
  assert.equal(energy.state_topic, 'ews/device/1/state');
  assert.equal(energy.availability_topic, 'ews/status');
  assert.equal((energy.device as { name: string }).name, 'Main');
  assert.deepEqual([cfg('device_2_water')!.device_class, cfg('device_2_water')!.unit_of_measurement, cfg('device_2_water')!.state_class], ['water', 'L', 'total_increasing']);
  assert.deepEqual([cfg('device_3_gas')!.device_class, cfg('device_3_gas')!.unit_of_measurement, cfg('device_3_gas')!.state_class], ['gas', 'm³', 'total_increasing']);
  assert.deepEqual([cfg('device_1_power')!.device_class, cfg('device_1_power')!.unit_of_measurement, cfg('device_1_power')!.state_class], ['power', 'W', 'measurement']);
  assert.equal(cfg('load_lighting_energy')!.state_topic, 'ews/load/lighting/state');

  // A stored sample tick: states carry the stored counters (the slave map's numbers).
  await waitFor('devices on', async () => (await rig.api<Array<{ status: string }>>('/api/devices')).body.every((d) => d.status === 'on'));
  const slotMs = 15 * 60_000;
  await rig.daemon.poller.runTick(Math.floor(Date.now() / slotMs) * slotMs - slotMs);
  const map = (await rig.api<SlaveMap>('/api/modbus/slave')).body;
  const totalWh = map.entries.find((e) => e.scope === 'total')!.energyWh;
  await waitFor('states', () => json('ews/total/state')?.energyWh === totalWh && json('ews/device/1/state')?.energyWh !== undefined && json('ews/device/2/state')?.volumeDm3 !== undefined);
  assert.equal(json('ews/device/1/state')!.energyWh, map.entries.find((e) => e.scope === 'device:1')!.energyWh);
  assert.equal(json('ews/device/1/state')!.status, 'on');
  assert.ok(typeof json('ews/device/1/state')!.powerW === 'number');
  assert.equal(typeof json('ews/device/3/state')!.volumeDm3, 'number');

  // Green'Up (EV charging) on: its zone is published, with a Home Assistant enum sensor.
  const greenup = rig.client();
  await greenup.login(...CODES.greenUp);
  const current = (await greenup<Record<string, unknown>>('/api/greenup/settings')).body;
  assert.equal((await greenup('/api/greenup/settings', { method: 'PUT', body: JSON.stringify({ ...current, enabled: true }) })).status, 200);
  await rig.daemon.poller.runTick(Math.floor(Date.now() / slotMs) * slotMs);
  await waitFor('Green\'Up zone', () => json('ews/greenup/state')?.zone !== undefined && cfg('greenup_zone'));
  assert.equal(json('ews/greenup/state')!.enabled, true);
  assert.ok(['green', 'yellow', 'red'].includes(json('ews/greenup/state')!.zone as string));
  assert.deepEqual([cfg('greenup_zone')!.device_class, cfg('greenup_zone')!.options], ['enum', ['green', 'yellow', 'red']]);
});

test('the broker restarted, the daemon reconnects and publishes again', { skip: !haveMosquitto && 'mosquitto not installed' }, async () => {
  await stopProc(sub);
  await stopProc(broker);
  await waitFor('noticed', async () => (await rig.api<{ state: string }>('/api/settings/mqtt')).body.state !== 'connected');
  await new Promise((r) => setTimeout(r, 1500)); // a few failed attempts, with back-off
  await startBroker();
  await startSub(); // a fresh broker without persistence: nothing retained until the daemon republishes
  await waitFor('reconnected', async () => (await rig.api<{ state: string }>('/api/settings/mqtt')).body.state === 'connected', 15_000);
  await waitFor('republished', () => last('ews/status') === 'online' && json('homeassistant/sensor/ews/device_1_energy/config') && json('ews/total/state'), 15_000);
});

test('availability goes offline when the daemon is killed (last will)', { skip: !haveMosquitto && 'mosquitto not installed' }, async (t) => {
  const main = join(import.meta.dirname, '../dist/main.js');
  if (!existsSync(main)) { t.skip('daemon not built (cd daemon && npx tsup)'); return; }
  const port = await freePort();
  const data = join(dir, 'kill-data');
  const child = spawn(process.execPath, [main], { env: { ...process.env, EWS_PORT: String(port), EWS_HOST: '127.0.0.1', EWS_DATA_DIR: data, EWS_LOG: 'warn' }, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor('daemon up', async () => (await fetch(`${url}/api/health`)).ok, 30_000);
    const login = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] }) });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const put = await fetch(`${url}/api/settings/mqtt`, {
      method: 'PUT', headers: { 'content-type': 'application/json', cookie, origin: url },
      body: JSON.stringify({ enabled: true, host: '127.0.0.1', port: brokerPort, baseTopic: 'ewskill', discovery: false }),
    });
    assert.equal(put.status, 200);
    await waitFor('online', () => last('ewskill/status') === 'online', 15_000);
    child.kill('SIGKILL');
    await waitFor('offline (last will)', () => last('ewskill/status') === 'offline', 15_000);
  } finally {
    await stopProc(child, 'SIGKILL');
  }
});
