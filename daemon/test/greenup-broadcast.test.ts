/**
 * Green'Up's opt-in setpoint broadcast over a timed RS485 line (19200 8E1): when every station of
 * one register map on the bus needs the same reduced setpoint, one broadcast (address 0) carries
 * it and every station takes it; a configured device with a register at that address keeps the
 * loop on one write per station; the setting off, no broadcast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GREENUP_SETTINGS, DEFAULT_MODBUS_SETTINGS, LOCAL_GATEWAY_ID, deviceConfigSchema, type DeviceConfig, type Gateway, type ModelDef } from '@ews/shared';
import { createMemoryPipe, type LineSettings } from '../src/modbus/index';
import { GatewayManager } from '../src/gateways/index';
import { Poller } from '../src/poll/index';
import { Greenup } from '../src/greenup/index';
import { openDatabases } from '../src/store/index';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimSlave } from '../../scripts/sim/slave';
import { createSimStation, type SimStation } from '../../scripts/sim/station';
import { catalog } from './rig';

const line: LineSettings = { baudRate: 19200, parity: 'even', stopBits: 1 };
const LOCAL: Gateway = { id: LOCAL_GATEWAY_ID, kind: 'local', name: 'Local', host: '127.0.0.1', port: 502, description: '', panelBoardId: null, enabled: true, timeoutMs: 1000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(opts: { broadcast: boolean; clash: boolean }): Promise<{ broadcasts: number; setpoints: number[] }> {
  const sim = new SimBus({ turnaroundMs: 3 });
  const pipe = createMemoryPipe({ line, name: 'gu-broadcast' });
  attachRtuEndpoint(sim, pipe.slave, { line, turnaroundMs: 3 });
  const configs: Array<{ config: DeviceConfig; model: ModelDef }> = [];
  const add = (model: ModelDef, c: Record<string, unknown>) => configs.push({ config: deviceConfigSchema.parse({ gatewayId: 'local', ...c }), model });
  const stationModel = catalog.require('evStation', 'greenup-premium-3p');
  const stations: SimStation[] = [];
  for (let i = 0; i < 3; i++) {
    const st = createSimStation(stationModel, { address: 11 + i, sides: [{}], reactionDelayMs: 100 });
    st.plug({ maxCurrentA: 32, phases: 3, needWh: 10_000_000 });
    stations.push(st);
    sim.add(st);
    add(stationModel, { id: 11 + i, family: 'evStation', model: stationModel.model, address: 11 + i, name: `Station ${i + 1}` });
  }
  let baseA = 0; // 3 × 32 = 96 A per phase: green (below 98 A)
  const meterModel = catalog.require('multifunction', 'F3N200');
  sim.add(createSimSlave(meterModel, {
    address: 1, seed: 1, profile: 'flat', nominalPowerW: 1,
    extraPhaseCurrentsA: () => { const sum: [number, number, number] = [baseA, baseA, baseA]; for (const s of stations) s.phaseCurrentsA().forEach((a, k) => { sum[k] += a; }); return sum; },
  }));
  add(meterModel, { id: 1, family: 'multifunction', model: 'F3N200', address: 1, name: 'Main meter' });
  // a third-party meter whose (generic) register sits at the Premium stations' setpoint address
  if (opts.clash) add(catalog.require('generic', 'generic-meter'), { id: 2, family: 'generic', model: 'generic-meter', address: 2, name: 'Third-party', generic: { fn: 3, address: 8200, words: 2, factor: 1 } });
  const dataDir = mkdtempSync(join(tmpdir(), 'ews-gu-broadcast-'));
  const dbs = openDatabases(dataDir);
  const gateways = new GatewayManager({ ...DEFAULT_MODBUS_SETTINGS, ...line, timeoutMs: 200, retries: 0 }, { linkFactory: () => pipe.master });
  await gateways.sync([LOCAL]);
  const poller = new Poller({ gateways, sampleIntervalMs: 24 * 3_600_000, refreshMs: 500 });
  poller.setDevices(configs);
  poller.start();
  const configView = { devices: () => configs.map((c) => c.config), device: (id: number) => configs.find((c) => c.config.id === id)?.config };
  const greenup = new Greenup({ root: dbs.root, config: configView, catalog, poller, buses: gateways, controller: { settleMs: 1000 }, stationMaxAgeMs: 60_000 });
  try {
    await Promise.all(stations.map((s) => poller.liveRead(s.address, { force: true })));
    await greenup.setSettings({ ...DEFAULT_GREENUP_SETTINGS, enabled: true, meterDeviceId: 1, maxCurrentA: 100, maxChargingCurrentA: 98, minGuaranteedAh: 1000, broadcastSetpoints: opts.broadcast });
    greenup.start();
    const end = Date.now() + 20_000;
    while (!stations.every((s) => s.side().effectiveSetpointA === 32 && s.side().chargeState === 'charging')) { if (Date.now() > end) throw new Error('stations not at full'); await sleep(50); }
    await sleep(1200);
    const before = sim.requestCount(0);
    const marks = stations.map((s) => s.writes.length);
    baseA = 40; // 40 + 3 × 32 = 136 A per phase: red
    while (!stations.every((s, i) => s.writes.slice(marks[i]).some((w) => w.key === 'setpointA' && w.raw === 240))) { if (Date.now() > end + 20_000) throw new Error('no reduced setpoints'); await sleep(50); }
    return { broadcasts: sim.requestCount(0) - before, setpoints: stations.map((s) => s.writes.slice(marks[0]).find((w) => w.key === 'setpointA')?.raw ?? -1) };
  } finally {
    await greenup.stop();
    poller.stop();
    await gateways.stop();
    await dbs.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('red zone: one broadcast carries the reduced setpoint to every station of the model', { timeout: 90_000 }, async () => {
  const r = await run({ broadcast: true, clash: false });
  assert.equal(r.broadcasts, 1, 'one broadcast');
  assert.deepEqual(r.setpoints, [240, 240, 240]);
});

test('setting off, or a configured device with a register at that address: one write per station', { timeout: 90_000 }, async () => {
  assert.equal((await run({ broadcast: false, clash: false })).broadcasts, 0);
  assert.equal((await run({ broadcast: true, clash: true })).broadcasts, 0);
});
