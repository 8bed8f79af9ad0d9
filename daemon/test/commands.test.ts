/**
 * DEV-2 / DEV-3 / CAT-2 over the simulated bus: a breaker opened, closed and reset from the API
 * (right, confirmation, read back, audit entry); an M7TIC/IO output configured and switched,
 * then read back; a device that refuses; EMS modules behind their interface shown
 * `module-interface`; a downstream measuring module whose energy lands in export.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry, CommandResult, DeviceSummary, LiveResponse } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { combineSlaves } from '../../scripts/sim/slave';
import { CODES, slave, startRig, waitFor, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'commands-rs485' });
attachRtuEndpoint(sim, pipe.slave);
const breaker = slave('breaker', 'M7COM-MEGATIKER', 11);
const io = slave('powerSupervision', 'M7TICIO', 12);
const upstream = slave('ems', 'F80BMT63', 5, { position: 1 });
const downstream = slave('ems', 'F80BMT63', 5, { position: 2 });
const relay = slave('ems', 'F80BCS', 5, { position: 3 });
sim.add(breaker).add(io).add(combineSlaves(5, [upstream, downstream, relay]));

let rig: Rig;
let ids: Record<string, number>;
before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'breaker', model: 'M7COM-MEGATIKER', address: 11, name: 'Main breaker' },
      { gatewayId: 'local', family: 'powerSupervision', model: 'M7TICIO', address: 12, name: 'Signalling I/O', labels: { output2State: 'Pump', input1State: 'Door' } },
      { gatewayId: 'local', family: 'ems', model: 'F80BMT63', address: 5, position: 1, name: 'Feeder upstream' },
      { gatewayId: 'local', family: 'ems', model: 'F80BMT63', address: 5, position: 2, name: 'Feeder downstream', supply: 'downstream' },
      { gatewayId: 'local', family: 'ems', model: 'F80BCS', address: 5, position: 3, name: 'Contactor' },
    ],
  });
  const list = await waitFor('devices on', async () => {
    const l = (await rig.api<DeviceSummary[]>('/api/devices')).body;
    return l.every((d) => d.status === 'on') ? l : false;
  }, 20_000);
  ids = Object.fromEntries(list.map((d) => [d.name, d.id]));
});
after(async () => { await rig?.stop(); });

const post = <T>(path: string, body: unknown, api = rig.api) => api<T>(path, { method: 'POST', body: JSON.stringify(body) });
const put = <T>(path: string, body: unknown, api = rig.api) => api<T>(path, { method: 'PUT', body: JSON.stringify(body) });
const audit = async () => (await rig.api<{ entries: AuditEntry[] }>('/api/settings/audit')).body.entries.map((e) => `${e.user}: ${e.action}`);

test('a breaker is opened, closed and reset from the API: right, confirmation, read back, audit', async () => {
  const id = ids['Main breaker'];
  const noConfirm = await post<{ code: string; fields: Record<string, string[]> }>(`/api/devices/${id}/commands/open`, {});
  assert.equal(noConfirm.status, 400);
  assert.ok(noConfirm.body.fields.confirm, 'the confirmation is asked for');
  assert.equal(breaker.values().breakerState, 1, 'nothing was written');

  const user = rig.client();
  await user.login(...CODES.user);
  assert.equal((await post(`/api/devices/${id}/commands/open`, { confirm: true }, user)).status, 403, 'the user role has no panel board right');

  const open = await post<CommandResult>(`/api/devices/${id}/commands/open`, { confirm: true });
  assert.equal(open.status, 200);
  assert.equal(open.body.outcome, 'confirmed');
  assert.equal(open.body.state, 'open');
  assert.equal(breaker.values().breakerState, 0, 'the simulated breaker is open');
  await waitFor('summary shows open', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.id === id)?.breakerState === 'open');

  const close = await post<CommandResult>(`/api/devices/${id}/commands/close`, { confirm: true });
  assert.deepEqual([close.body.outcome, close.body.state], ['confirmed', 'closed']);
  assert.equal(breaker.values().breakerState, 1);

  breaker.setState('breakerState', 2); // a trip
  await waitFor('summary shows tripped', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.id === id)?.breakerState === 'tripped');
  const reset = await post<CommandResult>(`/api/devices/${id}/commands/reset`, { confirm: true });
  assert.deepEqual([reset.body.outcome, reset.body.state], ['confirmed', 'open']);

  const entries = await audit();
  for (const what of ['Open', 'Close', 'Reset']) {
    assert.ok(entries.some((e) => e.includes(`${what} "Main breaker" (address 11 on local): confirmed`)), `${what} audited: ${entries.join(' | ')}`);
  }
  assert.ok(!entries.some((e) => e.startsWith('user-') && e.includes('Main breaker')), 'the refused user left no entry');
});

test('a device that refuses a command is explained, and a command the model lacks is refused before the bus', async () => {
  sim.setFault(11, { kind: 'exception', code: 4 });
  try {
    const r = await post<CommandResult>(`/api/devices/${ids['Main breaker']}/commands/open`, { confirm: true });
    assert.equal(r.body.outcome, 'refused');
    assert.match(r.body.detail ?? '', /exception/i);
  } finally { sim.setFault(11, null); }
  assert.ok((await audit()).some((e) => /Open "Main breaker".*: refused/.test(e)));
  const missing = await post<{ code: string; fields: Record<string, string[]> }>(`/api/devices/${ids.Contactor}/commands/reset`, { confirm: true });
  assert.equal(missing.status, 409);
  assert.ok(missing.body.fields.kind);
  const bad = await post<{ fields: Record<string, string[]> }>(`/api/devices/${ids.Contactor}/commands/explode`, { confirm: true });
  assert.equal(bad.status, 404, 'no such command: the path names nothing');
  assert.ok(bad.body.fields.kind);
});

test('an EMS relay behind its interface is switched and read back', async () => {
  const r = await post<CommandResult>(`/api/devices/${ids.Contactor}/commands/open`, { confirm: true });
  assert.deepEqual([r.body.outcome, r.body.state], ['confirmed', 'open']);
  assert.equal(relay.values().contactorState, 0);
  assert.equal(upstream.values().voltageL1V > 200, true, 'the other modules behind the interface are untouched');
});

test('an M7TIC/IO output is configured and switched, then read back; custom labels show everywhere', async () => {
  const id = ids['Signalling I/O'];
  const cfg = await put<CommandResult>(`/api/devices/${id}/outputs/2/config`, { normalState: 'NC', mode: 'blinking', onTimeS: 7 });
  assert.equal(cfg.status, 200);
  assert.equal(cfg.body.outcome, 'confirmed');
  assert.deepEqual(cfg.body.config, { normalState: 'NC', mode: 'blinking', onTimeS: 7 });
  const v = io.values();
  assert.deepEqual([v.output2NormalState, v.output2ModeState, v.output2OnTimeS], [1, 1, 7]);
  assert.deepEqual([v.output1NormalState, v.output1OnTimeS], [0, 5], 'output 1 untouched');

  const bad = await put<{ fields: Record<string, string[]> }>(`/api/devices/${id}/outputs/2/config`, { normalState: 'NC', mode: 'blinking', onTimeS: -1 });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.fields.onTimeS);
  assert.equal((await put(`/api/devices/${id}/outputs/9/config`, { normalState: 'NO', mode: 'impulsive', onTimeS: 0 })).status, 409, 'no output 9');

  assert.equal((await put(`/api/devices/${id}/outputs/2`, { on: true })).status, 400, 'switching needs a confirmation');
  const on = await put<CommandResult>(`/api/devices/${id}/outputs/2`, { on: true, confirm: true });
  assert.deepEqual([on.body.outcome, on.body.state], ['confirmed', 'on']);
  assert.equal(io.values().output2State, 1);
  const live = (await rig.api<LiveResponse>(`/api/devices/${id}/live`)).body;
  assert.equal(live.values.output2State.value, 'on');
  assert.equal(live.measures.find((m) => m.key === 'output2State')?.label, 'Pump');
  assert.equal(live.measures.find((m) => m.key === 'input1State')?.label, 'Door');
  const entries = await audit();
  assert.ok(entries.some((e) => e.includes('Output 2 "Pump" of "Signalling I/O" (address 12 on local) switched on: confirmed')), entries.join(' | '));
  assert.ok(entries.some((e) => e.includes('Output 2 of "Signalling I/O" (address 12 on local) configured NC, blinking, ON time 7 s: confirmed')));
});

test('EMS modules behind their F80BIM1 interface show module-interface addresses', async () => {
  const list = (await rig.api<DeviceSummary[]>('/api/devices')).body;
  assert.equal(list.find((d) => d.name === 'Feeder downstream')?.addressLabel, '2-5');
  assert.equal(list.find((d) => d.name === 'Contactor')?.addressLabel, '3-5');
});

test('a downstream measuring module reverses the direction: its energy lands in export, its power is negative', async () => {
  const readings = await rig.daemon.poller.runTick(Math.floor(Date.now() / 1000) * 1000);
  const down = readings.readings.find((r) => r.deviceId === ids['Feeder downstream'])!;
  const up = readings.readings.find((r) => r.deviceId === ids['Feeder upstream'])!;
  assert.ok(down.ok && up.ok);
  const sensor = downstream.values(); // what the module's sensor counts (current flowing "forward" through it)
  assert.ok(sensor.activeEnergyImportWh > 0 && sensor.activePowerW > 0);
  const dv = down.values!;
  assert.ok(Math.abs((dv.activeEnergyExportWh.value as number) - sensor.activeEnergyImportWh) < 50, 'the sensor\'s forward energy is export');
  assert.equal(dv.activeEnergyImportWh.value, Math.floor(sensor.activeEnergyExportWh));
  assert.ok((dv.activePowerW.value as number) < 0, `power ${dv.activePowerW.value} W is negative`);
  assert.ok((up.values!.activeEnergyImportWh.value as number) > 0 && (up.values!.activePowerW.value as number) > 0, 'upstream unchanged');
  const live = (await rig.api<LiveResponse>(`/api/devices/${ids['Feeder downstream']}/live`)).body;
  assert.equal(live.measures.find((m) => m.key === 'activeEnergyExportWh')?.label, 'Active energy -');
});
