/**
 * pnpm bench:ev — the Green'Up control loop on a loaded bus: 32 charging stations and the main
 * meter on the Local bus at 19200 8E1 with line timing (an in-memory line that charges each frame
 * its transmission time, t3.5 and the slave's turnaround), the sample tick of 32 other meters
 * running through the real poller. The main meter's per-phase currents include the stations'
 * draw, so every setpoint goes round the real loop.
 *
 * Prints three JSON lines:
 *   {"metric":"reactionMs","p50","p95","max",…}  a red reading on the meter (end of the meter read)
 *        → the reduced setpoint written on the bus (end of the write; `allStations*`: the last of
 *        the 32 stations).
 *   {"metric":"failSafeMs","max",…}  meter silenced → every station's safe setpoint written and
 *        acknowledged (`effectiveMax` adds the stations' own reaction delay).
 *   {"metric":"tickDelayMs","p95",…}  per transaction of the sample tick, the bus time of the EV
 *        loop's jobs (meter reads and writes on the command lane, station refreshes at live
 *        priority) that ran between it and the tick's previous transaction: how much the
 *        EV loop delays the tick at each step, against one of the tick's own transactions
 *        (`transactionMs`) and the EV loop's (`evTransactionMs`). `perTickP95`: how much longer a
 *        whole tick of the 32 meters takes with the loop than without (ticks alternate; the
 *        loop's one-per-second meter reads add up over a tick of ~11 s).
 *
 * Options (env): BENCH_TRIALS (12 reaction trials), BENCH_FAILSAFE_TRIALS (3), BENCH_TICKS (8 per side),
 * BENCH_BROADCAST=1 (Green'Up's opt-in setpoint broadcast: the 32 stations are of two models, so
 * two broadcasts with their 100 ms turnaround delay instead of 32 writes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, modbus, GatewayManager, Poller, LOCAL_GATEWAY, openDatabases, Greenup } from '@ews/daemon';
import { DEFAULT_MODBUS_SETTINGS, DEFAULT_GREENUP_SETTINGS, deviceConfigSchema, type DeviceConfig, type ModelDef } from '@ews/shared';
import { SimBus } from '../sim/bus';
import { attachRtuEndpoint } from '../sim/serve-rtu';
import { createSimSlave } from '../sim/slave';
import { createSimStation, type SimStation } from '../sim/station';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 12);
const FAILSAFE_TRIALS = Number(process.env.BENCH_FAILSAFE_TRIALS ?? 3);
const TICKS = Number(process.env.BENCH_TICKS ?? 8);
/** BENCH_BROADCAST=1: the opt-in setpoint broadcast (one write per station model instead of one per station). */
const BROADCAST = process.env.BENCH_BROADCAST === '1';
const STATIONS = 32, METERS = 32, TURNAROUND_MS = 5, STATION_REACTION_MS = 1000;
const line: modbus.LineSettings = { baudRate: 19200, parity: 'even', stopBits: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const catalog = loadCatalog();
const meterModel = catalog.require('multifunction', 'F3N200');
const sim = new SimBus({ turnaroundMs: TURNAROUND_MS });
const pipe = modbus.createMemoryPipe({ line, name: 'bench-ev-line' });
attachRtuEndpoint(sim, pipe.slave, { line, turnaroundMs: TURNAROUND_MS });

const configs: Array<{ config: DeviceConfig; model: ModelDef }> = [];
const add = (model: ModelDef, c: Record<string, unknown>) => configs.push({ config: deviceConfigSchema.parse(c), model });
// 32 stations at addresses 101…132: three-phase Premium and old-range three-phase, 32 A
const stations: SimStation[] = [];
for (let i = 0; i < STATIONS; i++) {
  const modelName = i % 2 ? 'greenup-premium-3p' : 'greenup-1s-3p';
  const model = catalog.require('evStation', modelName);
  const st = createSimStation(model, { address: 101 + i, sides: [{}], reactionDelayMs: STATION_REACTION_MS });
  st.plug({ maxCurrentA: 32, phases: 3, needWh: 10_000_000 });
  stations.push(st);
  sim.add(st);
  add(model, { id: 101 + i, gatewayId: 'local', family: 'evStation', model: modelName, address: 101 + i, name: `Station ${i + 1}` });
}
let baseA = 20;
sim.add(createSimSlave(meterModel, {
  address: 1, seed: 1, profile: 'flat', nominalPowerW: 1, name: 'Main meter',
  extraPhaseCurrentsA: () => {
    const sum: [number, number, number] = [baseA, baseA, baseA];
    for (const s of stations) s.phaseCurrentsA().forEach((a, i) => { sum[i] += a; });
    return sum;
  },
}));
add(meterModel, { id: 1, gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main meter' });
for (let a = 2; a <= METERS + 1; a++) {
  sim.add(createSimSlave(meterModel, { address: a, seed: a }));
  add(meterModel, { id: a, gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: a, name: `Meter ${a}` });
}

const dataDir = mkdtempSync(join(tmpdir(), 'ews-bench-ev-'));
const dbs = openDatabases(dataDir);
const gateways = new GatewayManager({ ...DEFAULT_MODBUS_SETTINGS, ...line, timeoutMs: 300, retries: 0 }, { linkFactory: () => pipe.master });
await gateways.sync([LOCAL_GATEWAY]);
// stations refreshed in the background (as in the daemon); the meters' sample tick is run below
const poller = new Poller({ gateways, sampleIntervalMs: 24 * 3_600_000, refreshMs: 2000 });
poller.setDevices(configs);
poller.start();
const configView = { devices: () => configs.map((c) => c.config), device: (id: number) => configs.find((c) => c.config.id === id)?.config };
const tickMeters = configs.filter((c) => c.config.family === 'multifunction' && c.config.id !== 1);
const tickPoller = new Poller({ gateways, sampleIntervalMs: 24 * 3_600_000 });
tickPoller.setDevices(tickMeters);

// full load on a phase: 20 + 32 × 32 = 1044 A; red above 1100 A
const settings = {
  ...DEFAULT_GREENUP_SETTINGS, enabled: true, meterDeviceId: 1, maxCurrentA: 1100, maxChargingCurrentA: 1080, minGuaranteedAh: 1000,
  broadcastSetpoints: BROADCAST,
};
let greenup: Greenup | undefined;
const startLoop = async () => {
  await greenup?.stop();
  // the new loop starts from fresh station reports (as the daemon's does at boot, after the first reads)
  await Promise.all(stations.map((s) => poller.liveRead(s.address, { force: true })));
  greenup = new Greenup({ root: dbs.root, config: configView, catalog, poller, buses: gateways, controller: { settleMs: 4000 } });
  await greenup.setSettings(settings);
  greenup.start();
  return greenup;
};
const waitUntil = async (what: string, fn: () => boolean, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (!fn()) { if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`); await sleep(20); }
};
const allAt = (a: number) => stations.every((s) => s.side().effectiveSetpointA === a && s.side().chargeState === 'charging');

// wait for the stations' first reports, then let the loop take them over at full current
await waitUntil('stations read', () => configs.every((c) => poller.state(c.config.id)?.status === 'on'));

// Every bus job's priority and times, to tell what delayed whom.
const bus = gateways.bus('local')!;
interface Job { priority: string; enq: number; start: number; end: number }
const jobs: Job[] = [];
const run = bus.run.bind(bus);
bus.run = ((priority, job, signal) => {
  const rec: Job = { priority, enq: performance.now(), start: 0, end: 0 };
  jobs.push(rec);
  return run(priority, async (t) => { rec.start = performance.now(); try { return await job(t); } finally { rec.end = performance.now(); } }, signal);
}) as typeof bus.run;

// the sample tick of the 32 meters runs during the reaction and fail-safe trials, 2 s apart (the
// stations' reports come from the background refresh, which runs between ticks)
let ticking = true;
const tickLoop = (async () => { while (ticking) { await tickPoller.runTick(Date.now()); await sleep(2000); } })();

// --- reaction: red reading → reduced setpoint on the bus ---------------------------------------
const reactionFirst: number[] = [], reactionAll: number[] = [];
let missedTrials = 0;
for (let trial = 0; trial < TRIALS; trial++) {
  baseA = 20;
  const g = await startLoop();
  await waitUntil('all stations at full', () => allAt(32));
  await sleep(1200); // the meter shows them
  let redReadAt: number | null = null;
  const reduced = new Map<number, number>();
  let off = () => {};
  const done = new Promise<boolean>((resolve) => {
    off = g.events.on('cycle', ({ meterReadAt, output, writes: w }) => {
      if (redReadAt === null && output.zone === 'red' && meterReadAt !== null) redReadAt = meterReadAt;
      if (redReadAt === null) return;
      for (const x of w) if (x.key === 'setpointA' && x.raw === 240 && !reduced.has(x.deviceId)) reduced.set(x.deviceId, x.at);
      if (reduced.size >= STATIONS) {
        const at = [...reduced.values()];
        reactionFirst.push(Math.min(...at) - redReadAt); reactionAll.push(Math.max(...at) - redReadAt); resolve(true);
      }
    });
  });
  baseA = 120; // 1140 A: red
  const ok = await Promise.race([done, sleep(30_000).then(() => false)]);
  off();
  if (!ok) {
    missedTrials++;
    const missing = stations.filter((s) => !reduced.has(s.address)).map((s) => `${s.address} (${poller.state(s.address)?.status}, ${s.side().effectiveSetpointA} A)`);
    console.error(`bench: trial ${trial}: no reduced setpoint for ${missing.join(', ')} within 30 s`);
  }
}

// --- fail-safe: meter silenced → every station at the safe current -----------------------------
const failSafeWritten: number[] = [], failSafeEffective: number[] = [];
for (let trial = 0; trial < FAILSAFE_TRIALS; trial++) {
  baseA = 20;
  sim.setFault(1, null);
  await startLoop();
  await waitUntil('all stations at full', () => allAt(32));
  await sleep(1500);
  const since = Date.now();
  const mark = stations.map((s) => s.writes.length);
  sim.setFault(1, { kind: 'noReply' });
  await waitUntil('safe setpoints written', () => stations.every((s, i) => s.writes.slice(mark[i]).some((w) => w.key === 'setpointA' && w.raw === 160)), 30_000);
  failSafeWritten.push(Math.max(...stations.map((s, i) => s.writes.slice(mark[i]).find((w) => w.key === 'setpointA' && w.raw === 160)!.atMs)) - since);
  await waitUntil('safe current in effect', () => allAt(16), 30_000);
  failSafeEffective.push(Date.now() - since);
}
sim.setFault(1, null);

// --- sample tick delay: ticks of the 32 meters alternately without and with the EV loop ---------
ticking = false;
await tickLoop;
baseA = 20;
const g = await startLoop();
await waitUntil('all stations at full', () => allAt(32));
await sleep(2000);
const without: number[] = [], withEv: number[] = [], perJob: number[] = [], evJobMs: number[] = [];
let evRunning = true;
let failedTicks = 0;
const tickTransactions: number[] = [];
for (let i = 0; i < 2 * TICKS + 2; i++) {
  const wantEv = i % 2 === 0;
  if (wantEv && !evRunning) { g.start(); evRunning = true; await sleep(1500); }
  if (!wantEv && evRunning) { await g.stop(); evRunning = false; await sleep(300); }
  const before = { n: bus.stats.transactions, busy: bus.stats.busyMs };
  const mark = jobs.length;
  const t0 = performance.now();
  const tick = await tickPoller.runTick(Date.now());
  const ms = performance.now() - t0;
  if (tick.readings.some((r) => !r.ok)) { failedTicks++; continue; } // a timeout on a loaded machine: not a sample
  if (i < 2) continue; // warm-up
  (wantEv ? withEv : without).push(ms);
  if (!wantEv) tickTransactions.push((bus.stats.busyMs - before.busy) / Math.max(1, bus.stats.transactions - before.n));
  if (wantEv) {
    // per tick transaction: the bus time of the EV loop's jobs that ran between the
    // previous tick transaction and this one, i.e. what the EV loop inserted before it
    const recent = jobs.slice(mark);
    // the loop's jobs: meter reads and writes (command lane), station refreshes (live reads)
    const ev = recent.filter((j) => j.priority === 'command' || j.priority === 'live');
    const tickJobs = recent.filter((x) => x.priority === 'tick').sort((a, b) => a.start - b.start);
    tickJobs.forEach((j, k) => {
      const from = k === 0 ? j.enq : tickJobs[k - 1].end;
      perJob.push(ev.filter((e) => e.start >= from && e.start < j.start).reduce((sum, e) => sum + (e.end - e.start), 0));
      if (j === tickJobs[0]) evJobMs.push(...ev.map((e) => e.end - e.start));
    });
  }
}
const baseline = pct(without, 0.5);
const delays = withEv.map((ms) => Math.max(0, ms - baseline));

console.log(JSON.stringify({
  metric: 'reactionMs', p50: round(pct(reactionAll, 0.5)), p95: round(pct(reactionAll, 0.95)), max: round(Math.max(...reactionAll)),
  firstStationP95: round(pct(reactionFirst, 0.95)), trials: reactionAll.length, missedTrials, stations: STATIONS, meters: METERS,
  baudRate: line.baudRate, parity: line.parity, stopBits: line.stopBits, turnaroundMs: TURNAROUND_MS, broadcastSetpoints: BROADCAST,
}));
console.log(JSON.stringify({
  metric: 'failSafeMs', max: round(Math.max(...failSafeWritten)), effectiveMax: round(Math.max(...failSafeEffective)),
  meterTimeoutMs: settings.meterTimeoutMs, stationReactionMs: STATION_REACTION_MS, trials: failSafeWritten.length,
}));
console.log(JSON.stringify({
  metric: 'tickDelayMs', p95: round(pct(perJob, 0.95)), max: round(Math.max(...perJob)), transactionMs: round(pct(tickTransactions, 0.5)), evTransactionMs: round(pct(evJobMs, 0.5)),
  perTickP95: round(pct(delays, 0.95)), tickMsWithout: round(baseline), tickMsWith: round(pct(withEv, 0.5)), ticks: withEv.length, failedTicks, tickTransactions: perJob.length,
}));

await greenup?.stop();
poller.stop();
await gateways.stop();
await dbs.close();
rmSync(dataDir, { recursive: true, force: true });
