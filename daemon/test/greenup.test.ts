/**
 * Green'Up over the simulated bus (EV-2, EV-5): six stations of mixed kinds charge behind a main
 * meter whose per-phase currents include what they draw (closed loop through the real RTU bus,
 * poller, controller and API). The load rises to red: the setpoints written on the bus drop step
 * by step and the non-priority station connected longest stops; the load falls: it resumes and the
 * charges are raised again; the meter is silenced: every charge is at the safe current within
 * 10 s; the meter answers again: control resumes by itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision, GreenupSettings, GreenupStatus, DeviceSummary } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimStation, type SimStation } from '../../scripts/sim/station';
import { createSimSlave } from '../../scripts/sim/slave';
import { catalog, startRig, waitFor, CODES, type Rig, type ApiCall } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'memory-rs485' });
attachRtuEndpoint(sim, pipe.slave);
const REACTION_MS = 300;
const station = (model: string, address: number, sides: Array<{ side?: 'A' | 'B'; phase?: 'L1' | 'L2' | 'L3' }>) =>
  createSimStation(catalog.require('evStation', model), { address, sides, reactionDelayMs: REACTION_MS });
const st11 = station('greenup-premium-3p', 11, [{}]);
const st12 = station('greenup-premium-3p', 12, [{}]);
const st13 = station('greenup-2s-1p', 13, [{ side: 'A', phase: 'L1' }, { side: 'B', phase: 'L2' }]);
const st14 = station('greenup-premium-1p', 14, [{ phase: 'L3' }]);
const st15 = station('greenup-1s-3p-rfid', 15, [{}]);
const stations: SimStation[] = [st11, st12, st13, st14, st15];
let baseA = 0;
const meter = createSimSlave(catalog.require('multifunction', 'F3N200'), {
  address: 1, seed: 3, profile: 'flat', nominalPowerW: 1, name: 'Car park meter',
  extraPhaseCurrentsA: () => {
    const sum: [number, number, number] = [baseA, baseA, baseA];
    for (const s of stations) s.phaseCurrentsA().forEach((a, i) => { sum[i] += a; });
    return sum;
  },
});
sim.add(meter);
for (const s of stations) sim.add(s);

let rig: Rig;
let greenup: ApiCall;
const ids: Record<string, number> = {};
const decisions: Decision[] = [];

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    greenupPeriodMs: 500, greenupSettleMs: 1500,
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Car park meter' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-premium-3p', address: 11, name: 'Bay 11' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-premium-3p', address: 12, name: 'Bay 12' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-2s-1p', address: 13, side: 'A', phase: 'L1', name: 'Bay 13A' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-2s-1p', address: 13, side: 'B', phase: 'L2', name: 'Bay 13B' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-premium-1p', address: 14, phase: 'L3', name: 'Bay 14' },
      { gatewayId: 'local', family: 'evStation', model: 'greenup-1s-3p-rfid', address: 15, name: 'Bay 15' },
    ],
  });
  rig.daemon.greenup.events.on('decision', (d) => decisions.push(d));
  for (const d of (await rig.api<DeviceSummary[]>('/api/devices')).body) ids[d.name] = d.id;
  const c = rig.client();
  await c.login(...CODES.greenUp);
  greenup = c;
});
after(async () => { await rig?.stop(); });

const status = async () => (await greenup<GreenupStatus>('/api/greenup/status')).body;
const setpointWrites = (s: SimStation, side?: 'A' | 'B') => s.writes.filter((w) => w.key === 'setpointA' && w.side === side).map((w) => w.raw / 10);
const running = (s: SimStation, side?: 'A' | 'B') => s.side(side).chargeState === 'charging';

test('the greenUp user sets the thresholds; six cars plug in and are started one by one in green', async () => {
  const settings: GreenupSettings = {
    enabled: true, meterDeviceId: ids['Car park meter'], maxCurrentA: 150, maxChargingCurrentA: 130, hysteresisPct: 0,
    step1Pct: 75, step2Pct: 50, minGuaranteedAh: 0.02, meterTimeoutMs: 5000, failSafeCurrentA: null, broadcastSetpoints: false,
    priorities: [{ deviceId: ids['Bay 11'], priority: 'priority' }],
  };
  const put = await greenup<GreenupSettings>('/api/greenup/settings', { method: 'PUT', body: JSON.stringify(settings) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const bad = await greenup<{ fields: Record<string, string[]> }>('/api/greenup/settings', { method: 'PUT', body: JSON.stringify({ ...settings, maxChargingCurrentA: 200 }) });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.fields.maxChargingCurrentA);
  assert.equal((await rig.client()('/api/greenup/status')).status, 401);

  await waitFor('stations managed', () => stations.every((s) => s.side(s === st13 ? 'A' : undefined).managed), 10_000);
  const car3p = { maxCurrentA: 32, phases: 3 as const, needWh: 500_000 };
  const car1p = { maxCurrentA: 32, phases: 1 as const, needWh: 500_000 };
  // connection order: 11 (priority), 12, 13A, 13B, 14, 15
  for (const [s, car, side] of [[st11, car3p], [st12, car3p], [st13, car1p, 'A'], [st13, car1p, 'B'], [st14, car1p], [st15, car3p]] as const) {
    s.plug(car, side);
    await waitFor(`${s.name}${side ?? ''} waiting`, async () => (await status()).stations.some((x) => x.address === s.address && x.side === side && x.chargeState !== 'available'));
  }
  await waitFor('all six charging', () => [running(st11), running(st12), running(st13, 'A'), running(st13, 'B'), running(st14), running(st15)].every(Boolean), 30_000);
  // the meter sees the six charges: L3 = 2 × 32 (three-phase) + 32 (Bay 14) + 32 (Bay 15)
  const s = await waitFor('the meter shows the charges', async () => { const x = await status(); return Math.abs((x.perPhase.L3.currentA ?? 0) - 128) < 2 && x; });
  assert.equal(s.zone, 'green');
  assert.deepEqual(s.stations.map((x) => x.setpointA).sort(), [16, 16, 32, 32, 32, 32].sort());
  assert.ok(decisions.filter((d) => d.rule === 'start').length >= 6);
});

test('the load rises to red: setpoints on the bus drop to step 1, then step 2, then the non-priority station connected longest stops', async () => {
  decisions.length = 0;
  baseA = 90; // L3 at full: 90 + 64 + 32 + 32 = 218 A
  await waitFor('a stop', () => decisions.some((d) => d.rule === 'stop'), 30_000);
  const rules = decisions.map((d) => d.rule);
  const firstStep1 = rules.indexOf('reduce-step1'), firstStep2 = rules.indexOf('reduce-step2'), stop = rules.indexOf('stop');
  assert.ok(firstStep1 >= 0 && firstStep1 < firstStep2 && firstStep2 < stop, rules.join(','));
  const stopped = decisions[stop];
  assert.equal(stopped.deviceId, ids['Bay 12'], 'Bay 11 is Priority: Bay 12 is the normal one connected longest');
  assert.equal(stopped.zone, 'red');
  assert.ok(stopped.reason.includes('step 2'));
  // on the bus: 32 → 24 → 16 for the three-phase stations, 16 → 12 → 8 for the two-side single-phase one
  assert.deepEqual(setpointWrites(st15).slice(-2), [24, 16]);
  assert.deepEqual(setpointWrites(st13, 'A').slice(-2), [12, 8]);
  await waitFor('Bay 12 waits on the bus', () => st12.side().chargeState === 'waiting' && st12.side().currentA === 0, 5000);
  assert.ok(running(st11), 'the priority station keeps charging');
  const log = (await greenup<Decision[]>('/api/greenup/decisions?limit=5')).body;
  assert.equal(log.length, 5);
  assert.ok(log[0].at >= log[4].at, 'newest first');
  assert.ok(log.every((d) => d.currentsA.L1 !== undefined && typeof d.reason === 'string'));
});

test('the load falls: the waiting charge resumes first, then the reduced charges are raised', async () => {
  decisions.length = 0;
  baseA = 0;
  await waitFor('Bay 12 resumed', () => decisions.some((d) => d.rule === 'resume' && d.deviceId === ids['Bay 12']), 15_000);
  await waitFor('a raise', () => decisions.some((d) => d.rule === 'raise'), 15_000);
  assert.ok(decisions.findIndex((d) => d.rule === 'resume') < decisions.findIndex((d) => d.rule === 'raise'));
  await waitFor('Bay 12 charging', () => running(st12), 5000);
});

test('the meter is silenced: every charge is at the safe current (step 2) within 10 s; it answers again: control resumes', async () => {
  const silencedAt = Date.now();
  sim.setFault(1, { kind: 'noReply' });
  const safe = () => [st11.side(), st12.side(), st13.side('A'), st13.side('B'), st14.side(), st15.side()]
    .every((x) => x.chargeState !== 'charging' || x.effectiveSetpointA === 16 || (x.effectiveSetpointA === 8 && x.phases.length === 1 && x.setpointA === 8));
  await waitFor('every station at the safe current', safe, 10_000);
  const tookMs = Date.now() - silencedAt;
  assert.ok(tookMs <= 10_000, `${tookMs} ms`);
  const s = await status();
  assert.equal(s.failSafe, true);
  assert.ok((s.meterAgeMs ?? 0) >= 5000);
  assert.ok(decisions.some((d) => d.rule === 'fail-safe'));
  for (const x of s.stations) if (x.chargeState === 'charging') assert.equal(x.state, 'failSafe');

  decisions.length = 0;
  sim.setFault(1, null);
  await waitFor('fail-safe ended', () => decisions.some((d) => d.rule === 'fail-safe-end'), 10_000);
  await waitFor('control raises again', () => decisions.some((d) => d.rule === 'raise'), 10_000);
  assert.equal((await status()).failSafe, false);
});

test('a Wait override holds a charge without changing the station\'s default; commands switch the EV plug', async () => {
  const id = ids['Bay 14'];
  const r = await greenup<{ override: { start?: string }; defaultPriority: string }>(`/api/greenup/overrides/${id}`, { method: 'PUT', body: JSON.stringify({ start: 'wait' }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await waitFor('Bay 14 held', () => st14.side().chargeState === 'waiting', 5000);
  assert.equal((await greenup<GreenupSettings>('/api/greenup/settings')).body.priorities.length, 1, 'defaults unchanged');
  const cmd = await greenup(`/api/greenup/stations/${ids['Bay 15']}/commands`, { method: 'POST', body: JSON.stringify({ evPlug: false }) });
  assert.equal(cmd.status, 200);
  assert.equal(st15.side().evPlug, false);
  const notStation = await greenup<{ code: string }>(`/api/greenup/overrides/${ids['Car park meter']}`, { method: 'PUT', body: JSON.stringify({ start: 'wait' }) });
  assert.equal(notStation.status, 404);
  const sessions = await greenup<Array<{ deviceId: number; energyWh: number }>>('/api/greenup/sessions?limit=20');
  assert.equal(sessions.status, 200);
  assert.ok(sessions.body.length >= 6 && sessions.body.some((s) => s.energyWh > 0));
});
