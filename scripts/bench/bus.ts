/**
 * pnpm bench:bus — polls 32 simulated multifunction meters (full register maps) at 19200 8E1
 * through the real poller, bus queue and RTU transport over an in-memory line that charges each
 * frame its transmission time, with the simulator's t3.5 + turnaround before each reply.
 *
 * Prints one JSON line: {cycleMs, theoreticalMs, ratio, requests, requestsOnePerQuantity, ...}
 * theoreticalMs = Σ over the same requests of the least bus time (Modbus over Serial Line:
 * 11-bit characters, a t3.5 after each frame, the configured turnaround).
 *
 * Options (env): BENCH_DEVICES (32), BENCH_TURNAROUND_MS (5), BENCH_CYCLES (5), BENCH_BAUD (19200).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, modbus, GatewayManager, Poller, LOCAL_GATEWAY } from '@ews/daemon';
import { DEFAULT_MODBUS_SETTINGS, deviceConfigSchema, type DeviceConfig } from '@ews/shared';
import { SimBus } from '../sim/bus';
import { attachRtuEndpoint } from '../sim/serve-rtu';
import { createSimSlave } from '../sim/slave';

const devices = Number(process.env.BENCH_DEVICES ?? 32);
const turnaroundMs = Number(process.env.BENCH_TURNAROUND_MS ?? 5);
const cycles = Number(process.env.BENCH_CYCLES ?? 5);
const line: modbus.LineSettings = { baudRate: Number(process.env.BENCH_BAUD ?? 19200), parity: 'even', stopBits: 1 };

const catalog = loadCatalog();
const model = catalog.require('multifunction', 'F3N200');
const sim = new SimBus({ turnaroundMs });
const pipe = modbus.createMemoryPipe({ line, name: 'bench-line' });
attachRtuEndpoint(sim, pipe.slave, { line, turnaroundMs });
const configs: DeviceConfig[] = [];
for (let a = 1; a <= devices; a++) {
  sim.add(createSimSlave(model, { address: a, seed: a }));
  configs.push(deviceConfigSchema.parse({ id: a, gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: a, name: `Meter ${a}` }));
}

const settings = { ...DEFAULT_MODBUS_SETTINGS, ...line, timeoutMs: 300, retries: 0 };
const gateways = new GatewayManager(settings, { linkFactory: () => pipe.master });
await gateways.sync([LOCAL_GATEWAY]);
const poller = new Poller({ gateways, sampleIntervalMs: 15 * 60_000 });
poller.setDevices(configs.map((config) => ({ config, model })));

const plan = poller.plan(1)!;
const requestsPerDevice = plan.blocks.length;
const requests = requestsPerDevice * devices;
const requestsOnePerQuantity = plan.registers.length * devices;
const theoreticalMs = devices * plan.blocks.reduce((s, b) => s + modbus.transactionMinMs(line, 8, 5 + 2 * b.count, turnaroundMs), 0);

const samples: number[] = [];
for (let i = 0; i <= cycles; i++) {
  const t0 = performance.now();
  const tick = await poller.runTick(Date.now());
  const ms = performance.now() - t0;
  const failed = tick.readings.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} devices failed during the benchmark`);
  if (i > 0) samples.push(ms); // first cycle warms up the JIT
}
samples.sort((a, b) => a - b);
const cycleMs = samples[Math.floor(samples.length / 2)];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
console.log(JSON.stringify({
  cycleMs: round(cycleMs), theoreticalMs: round(theoreticalMs), ratio: round(cycleMs / theoreticalMs, 3),
  requests, requestsOnePerQuantity, requestRatio: round(requests / requestsOnePerQuantity, 3),
  devices, registersPerDevice: plan.registers.length, wordsPerDevice: plan.blocks.reduce((s, b) => s + b.count, 0),
  baudRate: line.baudRate, parity: line.parity, stopBits: line.stopBits, turnaroundMs, cycles: samples.length,
  minCycleMs: round(samples[0]), maxCycleMs: round(samples[samples.length - 1]),
}));
poller.stop();
await gateways.stop();
