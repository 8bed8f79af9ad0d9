/**
 * MS-1 c: the Modbus TCP server under 10 000 random, truncated and malformed MBAP frames (many
 * of them valid-looking requests for the gateway function, which load the Local bus's gateway
 * lane) and 200 concurrent connections. The daemon never crashes, the API never answers 5xx,
 * and the sample tick keeps its schedule: every slot of the run is ticked and every device is
 * read at each tick (the gateway lane comes after the tick's).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { SampleTick } from '../src/poll/index';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { encodeMbap } from '../src/modbus/codec';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { freePort, rawConnection, scadaClient } from '../../scripts/sim/peers';
import { startRig, slave, waitFor, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
let rig: Rig;
let port: number;

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'B' },
    ],
  });
  port = await freePort();
  const put = await rig.api('/api/settings/modbus', { method: 'PUT', body: JSON.stringify({ tcpServer: true, tcpPort: port, tcpBind: '127.0.0.1', tcpMaxConnections: 64 }) });
  assert.equal(put.status, 200);
  await waitFor('listening', () => rig.daemon.interop.modbus.status().running);
  await waitFor('devices on', async () => (await rig.api<Array<{ status: string }>>('/api/devices')).body.every((d) => d.status === 'on'));
});
after(async () => { await rig?.stop(); });

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzzFrame(rnd: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  switch (int(6)) {
    case 0: return bytes(1 + int(300)); // noise
    case 1: { // a valid frame cut short
      const f = encodeMbap(int(65536), int(256), Uint8Array.of(3, int(256), int(256), 0, 1 + int(125)));
      return f.subarray(0, int(f.length));
    }
    case 2: { // a header that lies about its length or protocol
      const f = encodeMbap(int(65536), int(256), bytes(1 + int(20)));
      if (rnd() < 0.5) { f[2] = int(256); f[3] = 1 + int(255); } else { f[4] = int(256); f[5] = int(256); }
      return f;
    }
    case 3: return encodeMbap(int(65536), 247, Uint8Array.of(rnd() < 0.5 ? 3 : 4, int(256), int(256), int(256), int(256))); // slave: any range
    case 4: return encodeMbap(int(65536), 1 + int(20), Uint8Array.of(3, 0xc3, 0x53, 0, 1 + int(10))); // gateway: reads, some to silent units
    default: return encodeMbap(int(65536), int(256), bytes(1 + int(40))); // any function, any unit
  }
}

test('10 000 random and truncated MBAP frames and 200 concurrent connections: no crash, no 5xx, ticks on schedule', async () => {
  const ticks: SampleTick[] = [];
  const off = rig.daemon.poller.events.on('sample', (t) => ticks.push(t));
  const statuses: number[] = [];
  let apiRunning = true;
  const apiProbe = (async () => {
    while (apiRunning) {
      for (const path of ['/api/health', '/api/devices', '/api/modbus/slave']) statuses.push((await rig.api(path)).status);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const startedAt = Date.now();
  const rnd = prng(20261204);
  let sent = 0;
  const TOTAL = 10_000;
  const workers = Array.from({ length: 16 }, async () => {
    let sock: Socket | null = null;
    for (;;) {
      if (!sock || sock.destroyed) {
        sock = await rawConnection(port);
        if (!sock) { await new Promise((r) => setTimeout(r, 5)); continue; }
        sock.on('data', () => {});
      }
      if (sent >= TOTAL) break;
      const frame = fuzzFrame(rnd);
      sent++;
      const s: Socket = sock;
      await new Promise<void>((r) => s.write(frame, () => r()));
      if (rnd() < 0.1) { s.destroy(); sock = null; } // truncated: the client goes away mid-frame
      if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1)); // let the event loop breathe like a network would
    }
    sock?.destroy();
  });
  await Promise.all(workers);

  // 200 connections at once, each asking the slave function for the total.
  const seen = () => { const st = rig.daemon.interop.modbus.serverStats(); return st.accepted + st.refused; };
  // The fuzzers' connections are gone (the server may still be accepting some the kernel completed).
  let settled = -1;
  await waitFor('fuzz connections closed', async () => {
    const n = seen();
    const quiet = n === settled && rig.daemon.interop.modbus.status().connections === 0;
    settled = n;
    if (!quiet) await new Promise((r) => setTimeout(r, 200));
    return quiet;
  }, 20_000);
  const seenBefore = seen();
  const refusedBefore = rig.daemon.interop.modbus.serverStats().refused;
  const conns = await Promise.all(Array.from({ length: 200 }, () => rawConnection(port)));
  // The kernel completes handshakes before the server accepts: wait until it has seen all 200, so the limit applies.
  await waitFor('the server saw the 200 connections', () => seen() - seenBefore >= 200, 20_000);
  const answered = await Promise.all(conns.map((s, i) => new Promise<boolean>((resolve) => {
    if (!s) return resolve(false);
    const timer = setTimeout(() => { s.destroy(); resolve(false); }, 3000);
    s.once('data', () => { clearTimeout(timer); s.destroy(); resolve(true); });
    s.once('close', () => { clearTimeout(timer); resolve(false); });
    s.write(encodeMbap(i, 247, Uint8Array.of(3, 0, 0, 0, 8)));
  })));
  const elapsedMs = Date.now() - startedAt;
  apiRunning = false;
  await apiProbe;
  off();

  const stats = rig.daemon.interop.modbus.serverStats();
  console.log(JSON.stringify({ frames: sent, elapsedMs, concurrent: 200, answered: answered.filter(Boolean).length, server: stats, gateway: rig.daemon.interop.modbus.gatewayStats, ticks: ticks.length, maxTickLateMs: Math.max(...ticks.map((t) => t.lateMs ?? 0)) }));

  assert.equal(sent, TOTAL);
  assert.ok(statuses.length > 0 && statuses.every((s) => s < 500), `API statuses: ${[...new Set(statuses)].join()}`);
  assert.ok(stats.invalid > 100, 'malformed frames closed their connections');
  assert.equal(answered.filter(Boolean).length, 64, 'up to the connection limit (64), clients are answered');
  assert.equal(stats.refused - refusedBefore, 136, 'beyond the limit, connections are closed at once');
  // The sample tick kept its schedule: one tick per second of the run, consecutive slots, every device read.
  assert.ok(ticks.length >= Math.floor(elapsedMs / 1000) - 1, `${ticks.length} ticks in ${elapsedMs} ms`);
  for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i].slotMs - ticks[i - 1].slotMs, 1000, 'no slot skipped');
  assert.ok(ticks.every((t) => t.readings.every((r) => r.ok)), 'every device read at every tick despite the gateway load');

  // Still serving properly afterwards.
  const c = await scadaClient(port);
  c.setID(1);
  assert.deepEqual((await c.readHoldingRegisters(50003, 1)).data, [4163]);
  await c.close();
  assert.equal((await rig.api<{ ok: boolean }>('/api/health')).body.ok, true);
});
