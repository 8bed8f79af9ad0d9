/**
 * pnpm bench:modbus-server — the Modbus TCP server (MS-1) of a daemon polling 32 simulated
 * F3N200 meters at 19200 8E1 over an in-memory line with wire timing:
 * 1. the sample tick's cycle time alone, then while SCADA clients hammer the gateway function
 *    (reads of Local devices through the bus's gateway lane): the tick should lose at most about
 *    one transaction per block it reads, and the SCADA gets what is left of the line;
 * 2. unit 247 (slave function) reads by concurrent clients: requests/s and latency.
 *
 * Prints JSON lines. Options (env): BENCH_DEVICES (32), BENCH_CLIENTS (4), BENCH_SECONDS (5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, modbus, silentLogger, startDaemon } from '@ews/daemon';
import type { SlaveMap } from '@ews/shared';
import { SimBus } from '../sim/bus';
import { attachRtuEndpoint } from '../sim/serve-rtu';
import { createSimSlave } from '../sim/slave';
import { freePort, scadaClient } from '../sim/peers';

const devices = Number(process.env.BENCH_DEVICES ?? 32);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const line: modbus.LineSettings = { baudRate: 19200, parity: 'even', stopBits: 1 };
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN; };

const catalog = loadCatalog();
const model = catalog.require('multifunction', 'F3N200');
const sim = new SimBus({ turnaroundMs: 5 });
const pipe = modbus.createMemoryPipe({ line, name: 'bench-line' });
attachRtuEndpoint(sim, pipe.slave, { line, turnaroundMs: 5 });
for (let a = 1; a <= devices; a++) sim.add(createSimSlave(model, { address: a, seed: a }));

const dataDir = mkdtempSync(join(tmpdir(), 'ews-bench-mbs-'));
const port = await freePort();
const daemon = await startDaemon({
  dataDir, port: 0, catalog, log: silentLogger, linkFactory: () => pipe.master, sampleIntervalMs: 86_400_000, refreshMs: 3_600_000,
  seed: {
    modbus: { ...line, timeoutMs: 300, retries: 0, tcpServer: true, tcpPort: port, tcpBind: '127.0.0.1', tcpMaxConnections: 64 },
    devices: Array.from({ length: devices }, (_, i) => ({ gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: i + 1, name: `Meter ${i + 1}` })),
  },
});
try {
  while (!daemon.interop.modbus.status().running) await new Promise((r) => setTimeout(r, 50));
  const slotMs = 15 * 60_000;
  let slot = Math.floor(Date.now() / slotMs) * slotMs - 10 * slotMs;
  const tick = async () => {
    const t0 = performance.now();
    const r = await daemon.poller.runTick(slot);
    slot += slotMs;
    if (r.readings.some((x) => !x.ok)) throw new Error('a device failed during the benchmark');
    return performance.now() - t0;
  };
  await tick(); // warm-up, and a stored slot for unit 247
  const alone = [await tick(), await tick()];

  // SCADA clients reading Local devices through the gateway function, as fast as they are answered.
  let running = true;
  const gwLatency: number[] = [];
  const first = daemon.poller.plan(1)!.blocks[0];
  const scada = Array.from({ length: clients }, async (_, k) => {
    const c = await scadaClient(port, '127.0.0.1', 5000);
    for (let i = 0; running; i++) {
      c.setID(1 + ((i * clients + k) % devices));
      const t0 = performance.now();
      await (first.fn === 3 ? c.readHoldingRegisters(first.start, first.count) : c.readInputRegisters(first.start, first.count)).catch(() => {});
      gwLatency.push(performance.now() - t0);
    }
    await c.close();
  });
  await new Promise((r) => setTimeout(r, 500));
  const loaded = [await tick(), await tick()];
  const gwT0 = performance.now();
  const gwBefore = gwLatency.length;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const gwRate = (gwLatency.length - gwBefore) / ((performance.now() - gwT0) / 1000);
  running = false;
  await Promise.all(scada);
  const blocks = daemon.poller.plan(1)!.blocks.length;
  console.log(JSON.stringify({
    bench: 'modbus-server-gateway', devices, baudRate: line.baudRate, scadaClients: clients,
    tickAloneMs: round(Math.min(...alone)), tickWithScadaMs: round(Math.max(...loaded)), tickBlocks: blocks * devices,
    gatewayRequestsPerS: round(gwRate), gatewayP50Ms: round(pct(gwLatency, 0.5)), gatewayP95Ms: round(pct(gwLatency, 0.95)),
    forwarded: daemon.interop.modbus.gatewayStats.forwarded, failures: daemon.interop.modbus.gatewayStats.failures,
  }));

  // Unit 247: concurrent clients reading blocks of every Remote ID served.
  const map = await (async () => {
    const entries = daemon.interop.slave.entries().filter((e) => e.energyWh !== null);
    return { entries } as Pick<SlaveMap, 'entries'>;
  })();
  const slaveLatency: number[] = [];
  running = true;
  const readers = Array.from({ length: clients * 4 }, async (_, k) => {
    const c = await scadaClient(port);
    c.setID(247);
    for (let i = k; running; i++) {
      const e = map.entries[i % map.entries.length];
      const t0 = performance.now();
      await c.readHoldingRegisters(e.address, 8);
      slaveLatency.push(performance.now() - t0);
    }
    await c.close();
  });
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  await Promise.all(readers);
  console.log(JSON.stringify({
    bench: 'modbus-server-slave', remoteIds: map.entries.length, clients: clients * 4,
    requestsPerS: round(slaveLatency.length / ((performance.now() - t0) / 1000)), p50Ms: round(pct(slaveLatency, 0.5), 2), p95Ms: round(pct(slaveLatency, 0.95), 2),
  }));
} finally {
  await daemon.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
