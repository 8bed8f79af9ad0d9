/**
 * EQ-1: the EN 50160 weekly check over simulated weeks. A top-range meter (THD and harmonics) is
 * simulated through a week in simulated time; its registers are decoded by the daemon's read plan
 * every 2 minutes and fed to the EQ monitor, which keeps 10-minute values in LMDB and checks the
 * week when the next one starts: OK on a normal week, KO "voltage" on a week with sags (≥ 5 % of
 * the 10-minute values below −10 %), KO "thd" on a week with THD at 9 %. Then the EQ device is
 * chosen through the API and its page answers "LAST WEEK" from the kept results.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { DeviceSummary, EqView, GatewayView, ModelDef } from '@ews/shared';
import { EqMonitor, WEEK_MS, weekStartMs } from '../src/eq/index';
import { planDevice, decodeBlock, type DecodedValue } from '../src/poll/plan';
import type { ConfigStore } from '../src/config/index';
import type { Poller } from '../src/poll/index';
import { createSimSlave, wordKey } from '../../scripts/sim/slave';
import { badSupplyWeek, type BadSupply } from '../../scripts/sim/supply';
import { fakeClock } from '../../scripts/sim/testkit';
import { catalog, startRig } from './rig';

const dir = mkdtempSync(join(tmpdir(), 'ews-eq-'));
const root = open({ path: dir });
after(async () => { await root.close(); rmSync(dir, { recursive: true, force: true }); });

const model: ModelDef = catalog.require('multifunction', 'F3N400');
const WEEK = weekStartMs(Date.UTC(2026, 10, 4)); // Monday 2026-11-02
const STEP_MS = 120_000;

/** Config and poller as the monitor sees them: one EQ device in a PM1WS32. */
const config = { edition: () => 'PM1WS32', gateways: () => [{ id: 'local', eqDeviceId: 1 }] } as unknown as ConfigStore;
const poller = { events: { on: () => () => undefined } } as unknown as Poller;

/** Simulates one week (and the first reading of the next) through the read plan into a fresh monitor. */
async function simulateWeek(name: string, bad?: BadSupply) {
  const monitor = new EqMonitor({ db: root.openDB<unknown, string>({ name }), config, poller });
  const clock = fakeClock(WEEK);
  const meter = createSimSlave(model, { address: 1, seed: 11, clock: clock.clock, ...(bad ? { supply: badSupplyWeek(bad, WEEK) } : {}) });
  const plan = planDevice(model, {});
  for (let t = WEEK; t <= WEEK + WEEK_MS; t += STEP_MS) {
    const words = meter.snapshot();
    const values: Record<string, DecodedValue> = {};
    for (const b of plan.blocks) decodeBlock(b, Array.from({ length: b.count }, (_, i) => words.get(wordKey(b.fn, b.start + i)) ?? 0), plan.wordOrder, values);
    await monitor.reading(1, values, t);
    clock.advance(STEP_MS);
  }
  return monitor.view(1, WEEK + WEEK_MS + STEP_MS);
}

test('a normal simulated week passes EN 50160', async () => {
  const view = await simulateWeek('eq-normal');
  assert.ok(view.available && view.eqDevice);
  const check = view.lastCheck!;
  assert.ok(check, 'the week was checked when the next one began');
  assert.equal(check.weekStart, '2026-11-02T00:00:00.000Z');
  assert.equal(check.windows, 1008);
  assert.deepEqual(check.failed, []);
  assert.equal(check.ok, true);
  assert.deepEqual(check.criteria.map((c) => c.criterion), ['coverage', 'voltage', 'frequency', 'thd', 'harmonics']);
  assert.ok(check.criteria.every((c) => c.sharePct === 100), JSON.stringify(check.criteria));
});

test('a week with voltage sags (8 % of the 10-minute values at −15 %) fails on voltage only', async () => {
  const check = (await simulateWeek('eq-sag', { kind: 'sag', sharePct: 8, depthPct: 15 })).lastCheck!;
  assert.equal(check.ok, false);
  assert.deepEqual(check.failed, ['voltage']);
  const v = check.criteria.find((c) => c.criterion === 'voltage')!;
  assert.ok(v.sharePct < 95 && v.sharePct > 88, `voltage share ${v.sharePct} %`);
});

test('a week with sags on only 3 % of the values still passes', async () => {
  const check = (await simulateWeek('eq-small-sag', { kind: 'sag', sharePct: 3, depthPct: 15 })).lastCheck!;
  assert.equal(check.ok, true, JSON.stringify(check.criteria));
});

test('a week with THD at 9 % fails on THD (and on the harmonics it carries)', async () => {
  const check = (await simulateWeek('eq-thd', { kind: 'thd', thdPct: 9 })).lastCheck!;
  assert.equal(check.ok, false);
  assert.ok(check.failed.includes('thd'), JSON.stringify(check.failed));
  assert.ok(!check.failed.includes('voltage') && !check.failed.includes('frequency'));
  assert.equal(check.criteria.find((c) => c.criterion === 'thd')!.sharePct, 0);
});

test('the EQ device is chosen per gateway through the API, and its page answers from the kept checks', async () => {
  const rig = await startRig({ devices: [{ gatewayId: 'local', family: 'multifunction', model: 'F3N400', address: 1, name: 'Supply' }] });
  try {
    const id = (await rig.api<DeviceSummary[]>('/api/devices')).body[0].id;
    const before = await rig.api<EqView>(`/api/devices/${id}/eq`);
    assert.equal(before.status, 200);
    assert.equal(before.body.eqDevice, false);
    const gw = (await rig.api<GatewayView[]>('/api/gateways')).body.find((g) => g.id === 'local')!;
    const { name, host, port, description, panelBoardId, enabled, timeoutMs } = gw;
    const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/gateways/local', { method: 'PUT', body: JSON.stringify({ name, host, port, description, panelBoardId, enabled, timeoutMs, eqDeviceId: 4242 }) });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.fields.eqDeviceId);
    const put = await rig.api('/api/gateways/local', { method: 'PUT', body: JSON.stringify({ name, host, port, description, panelBoardId, enabled, timeoutMs, eqDeviceId: id }) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const view = (await rig.api<EqView>(`/api/devices/${id}/eq`)).body;
    assert.deepEqual([view.available, view.eqDevice, view.lastCheck], [true, true, null]);
    assert.equal((await rig.api(`/api/devices/9999/eq`)).status, 404);
  } finally { await rig.stop(); }
});
