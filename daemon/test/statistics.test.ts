/**
 * GET /api/statistics over the real daemon: a multifunction meter of the simulator is read by
 * the poller through the bus at each sample tick; the store keeps avg/min/max per slot at the
 * quantity's resolution; the API gives them back per slot and merged per hour, with the
 * device's quantities labelled from the catalogue; bad queries get field errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiError, StatisticsResult } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimSlave } from '../../scripts/sim/slave';
import { systemClock } from '../src/util/clock';
import { gridValue } from '../src/store/history/stat-bucket';
import { startRig, catalog, type Rig } from './rig';

const SLOT = 15 * 60_000, DAY = 86_400_000;
/** Yesterday 09:00 to 11:45 UTC: twelve slots within one local day in any European zone. */
const BASE = Math.floor(Date.now() / DAY) * DAY - DAY + 9 * 3_600_000;
let simNow = BASE;
const simClock = { ...systemClock, now: () => simNow };
const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(createSimSlave(catalog.require('multifunction', 'F3N200'), { address: 1, seed: 4242, clock: simClock }));
let rig: Rig;
/** What the poller read at each tick, per register key. */
const read: Array<Record<string, number>> = [];
/** Every value the poller read from the meter (ticks, background and live reads). */
const everRead = new Map<string, number[]>();

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [{ gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main', loadId: 'lighting' }],
  });
  rig.daemon.poller.events.on('state', (id, st) => {
    if (id !== 1 || st.status !== 'on') return;
    for (const [k, v] of Object.entries(st.values)) if (typeof v.value === 'number') everRead.set(k, [...(everRead.get(k) ?? []), v.value]);
  });
  for (let i = 0; i < 12; i++) {
    simNow = BASE + i * SLOT;
    const tick = await rig.daemon.poller.runTick(simNow);
    assert.ok(tick.readings.every((r) => r.ok));
    read.push(Object.fromEntries(Object.entries(tick.readings[0].values ?? {}).filter(([, v]) => typeof v.value === 'number').map(([k, v]) => [k, v.value as number])));
  }
});
after(async () => { await rig?.stop(); });

const date = new Date(BASE).toISOString().slice(0, 10);
const stats = (q: string) => rig.api<StatisticsResult & ApiError>(`/api/statistics?deviceId=1&date=${date}&${q}`);
const at = (v: number, q: number) => Math.round(Math.round(v / q) * q * 1e9) / 1e9;
test('per slot: the values read through the bus, at the quantity\'s resolution', async () => {
  const r = await stats('period=day&quantity=voltageL1V');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.resolution, 'slot');
  assert.deepEqual(r.body.quantity, { key: 'voltageL1V', label: r.body.quantities.find((x) => x.key === 'voltageL1V')!.label, unit: 'V', group: 'voltage' });
  assert.deepEqual(r.body.x, read.map((_, i) => (BASE + i * SLOT) / 1000));
  assert.deepEqual(r.body.rateMin, read.map(() => 15));
  assert.ok(new Set(r.body.avg).size > 1, 'the simulated voltage moves');
  for (const [key, q] of [['voltageL1V', 0.1], ['currentL1A', 0.01], ['powerFactor', 0.001], ['activePowerW', 10], ['thdVoltageL1Pct', 0.1]] as const) {
    const s = await stats(`period=day&quantity=${key}`);
    assert.equal(s.status, 200);
    // the slot holds the tick's reading; min and max are readings the poller really made (the
    // background and live reads between two ticks widen the slot), all at the quantity's resolution,
    // and a current or a power on its grid (0.7 % of the reading: stat-bucket's format 5)
    const shown = (v: number) => (key === 'currentL1A' || key === 'activePowerW' ? Math.round(gridValue(at(v, q), q) * 1e9) / 1e9 : at(v, q));
    const readings = new Set((everRead.get(key) ?? []).map(shown));
    assert.equal(s.body.x.length, 12);
    s.body.avg.forEach((a, i) => {
      const tickValue = shown(read[i][key]);
      assert.ok(s.body.min[i] <= tickValue && tickValue <= s.body.max[i], `${key} slot ${i}: ${tickValue} in [${s.body.min[i]}, ${s.body.max[i]}]`);
      assert.ok(s.body.min[i] <= a && a <= s.body.max[i]);
      assert.ok(readings.has(s.body.min[i]) && readings.has(s.body.max[i]), `${key} slot ${i}: min and max were read`);
      assert.equal(at(a, q), a, 'at the resolution');
    });
  }
});

test('the device\'s quantities come labelled from the catalogue; default quantity is its active power', async () => {
  const r = await stats('period=day');
  assert.equal(r.status, 200);
  const keys = r.body.quantities.map((x) => x.key);
  for (const k of ['activePowerW', 'voltageL1V', 'currentL1A', 'powerFactor', 'thdCurrentL1Pct']) assert.ok(keys.includes(k), k);
  assert.ok(!keys.some((k) => k.startsWith('activeEnergy')), 'counters are not statistics');
  assert.equal(r.body.quantity?.key, 'activePowerW');
  assert.ok(r.body.quantities.every((x) => x.label.length > 0 && x.label !== x.key), 'catalogue labels');
});

test('merged per hour (and per day for a month or a year): time-weighted mean, min of minima, max of maxima', async () => {
  const slots = (await stats('period=day&quantity=currentL1A')).body;
  const r = await stats('period=day&quantity=currentL1A&resolution=hour');
  assert.equal(r.status, 200);
  assert.equal(r.body.x.length, 3);
  r.body.x.forEach((x, h) => {
    const i = [0, 1, 2, 3].map((k) => h * 4 + k);
    assert.equal(x, (BASE + h * 3_600_000) / 1000);
    assert.ok(Math.abs(r.body.avg[h] - i.reduce((a, k) => a + slots.avg[k], 0) / 4) < 1e-6);
    assert.equal(r.body.min[h], Math.min(...i.map((k) => slots.min[k])));
    assert.equal(r.body.max[h], Math.max(...i.map((k) => slots.max[k])));
  });
  for (const period of ['month', 'year']) {
    const m = await stats(`period=${period}&quantity=currentL1A`);
    assert.equal(m.status, 200);
    assert.equal(m.body.resolution, period === 'month' ? 'hour' : 'day');
    assert.equal(Math.min(...m.body.min), Math.min(...slots.min));
    assert.equal(Math.max(...m.body.max), Math.max(...slots.max));
  }
});

test('bad queries get field errors; unknown devices and quantities 404', async () => {
  const bad = await rig.api<ApiError>(`/api/statistics?deviceId=x&period=week&date=2026-02-30`);
  assert.equal(bad.status, 400);
  for (const f of ['deviceId', 'period', 'date']) assert.ok(bad.body.fields?.[f]?.length, f);
  assert.equal((await rig.api(`/api/statistics?deviceId=77&period=day&date=${date}`)).status, 404);
  const q = await rig.api<ApiError>(`/api/statistics?deviceId=1&period=day&date=${date}&quantity=activeEnergyImportWh`);
  assert.equal(q.status, 404);
  assert.ok(q.body.fields?.quantity?.length);
  // rights: the Consumptions page's (a user without it is refused)
  const anon = rig.client();
  assert.equal((await anon(`/api/statistics?deviceId=1&period=day&date=${date}`)).status, 401);
});
