/**
 * The consumption routes over the real daemon: sample ticks from the simulator are stored and
 * come back as bars; the CSV uses the CSV settings; bad queries get field errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiError } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
let rig: Rig;

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A', loadId: 'lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'B', loadId: 'heating' },
    ],
  });
});
after(async () => { await rig?.stop(); });

interface Bars { x: number[]; series: Array<{ key: string; label: string; unit: string; values: Array<number | null> }>; previous: { x: number[] } }

test('ticks are stored and come back as bars per load; the CSV follows the CSV settings', async () => {
  const slotMs = 15 * 60_000;
  const base = Math.floor(Date.now() / slotMs) * slotMs - 2 * slotMs; // three slots up to now
  // Three aligned sample ticks through the real poller, bus and simulator.
  for (let i = 0; i < 3; i++) {
    const tick = await rig.daemon.poller.runTick(base + i * slotMs);
    assert.ok(tick.readings.every((r) => r.ok));
  }
  const date = new Date(base).toISOString().slice(0, 10);
  const day = await rig.api<Bars>(`/api/consumption?scope=total&period=day&date=${date}`);
  assert.equal(day.status, 200, JSON.stringify(day.body));
  assert.ok(day.body.x.length >= 23 && day.body.x.length <= 25);
  const keys = day.body.series.map((s) => s.key).sort();
  assert.ok(keys.includes('load:lighting') && keys.includes('load:heating'), keys.join());
  assert.equal(day.body.series.find((s) => s.key === 'load:lighting')?.label, 'Lighting');
  assert.ok(Array.isArray(day.body.previous.x));
  const dev = await rig.api<Bars>(`/api/consumption?scope=device:1&period=month&date=${date}`);
  assert.equal(dev.status, 200);
  assert.equal(dev.body.series[0].unit, 'Wh');
  const csv = await rig.api<string>(`/api/consumption.csv?scope=total&period=day&date=${date}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition') ?? '', /datalogger\.csv/);
  assert.ok(String(csv.body).split('\n')[0].includes(';'), 'default field separator ;');
  await rig.api('/api/settings/csv', { method: 'PUT', body: JSON.stringify({ decimalSeparator: '.', fieldSeparator: ',' }) });
  const csv2 = await rig.api<string>(`/api/consumption.csv?scope=total&period=day&date=${date}`);
  assert.ok(!String(csv2.body).split('\n')[0].includes(';'));
});

test('bad consumption queries get 400 with the field', async () => {
  const r = await rig.api<ApiError>('/api/consumption?scope=everything&period=week&date=2026-13-01');
  assert.equal(r.status, 400);
  assert.ok(r.body.fields?.scope && r.body.fields?.period);
});
