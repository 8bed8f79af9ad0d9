/**
 * The transaction layer against a minimal in-test slave on an in-memory pipe: framing by
 * length, typed failures, stale-reply flushing, resync after noise, MBAP transaction ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryPipe, type PipeEndpoint } from './memory-link';
import { ManagedLink } from './managed-link';
import { RtuTransport, type Transport } from './transport';
import { BusQueue, GATEWAY_SHARE } from './bus';
import { encodeRtu, frameRtuRequest, readRequestPdu, serveRequestPdu, parseReadResponsePdu } from './codec';
import { ModbusError } from './errors';

type Behaviour = (unit: number, reply: Uint8Array) => Uint8Array[] | null;

function slave(endpoint: PipeEndpoint, behave: Behaviour): void {
  let buf = new Uint8Array(0);
  endpoint.events.on('data', (chunk) => {
    buf = Uint8Array.from([...buf, ...chunk]);
    const f = frameRtuRequest(buf);
    if (f.kind !== 'ok') return;
    buf = buf.slice(f.length);
    const pdu = serveRequestPdu(f.pdu, { read: (_fn, a) => a & 0xffff });
    const out = behave(f.unit, encodeRtu(f.unit, pdu));
    if (out) void (async () => { for (const o of out) { await new Promise((r) => setTimeout(r, 2)); await endpoint.write(o); } })();
  });
}

async function rig(behave: Behaviour) {
  const pipe = createMemoryPipe();
  slave(pipe.slave, behave);
  const link = new ManagedLink(() => pipe.master, { minBackoffMs: 20 });
  await link.start();
  const t = new RtuTransport(link, { timeoutMs: 60, retries: 0 });
  return { pipe, link, t };
}

const read = (t: RtuTransport, unit: number, addr = 10, n = 3) => t.request(unit, readRequestPdu(3, addr, n));
const code = async (p: Promise<unknown>) => { try { await p; return 'ok'; } catch (e) { return (e as ModbusError).code; } };

test('reads registers and reports each failure with its reason', async () => {
  const { t, link } = await rig((unit, reply) => {
    if (unit === 1) return [reply];
    if (unit === 2) return null; // silent
    if (unit === 3) { const b = reply.slice(); b[b.length - 1] ^= 0x55; return [b]; }
    if (unit === 4) return [encodeRtu(4, Uint8Array.of(0x83, 2))];
    if (unit === 5) return [Uint8Array.of(0xee, 0x12, 0x99, 0x00, 0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c)];
    if (unit === 6) return [Uint8Array.of(0x00, 0xff), reply]; // noise, then the reply
    return null;
  });
  const pdu = await read(t, 1);
  const r = parseReadResponsePdu(pdu, 3, 3);
  assert.deepEqual(r.kind === 'registers' && Array.from(r.words), [10, 11, 12]);
  assert.equal(await code(read(t, 2)), 'timeout');
  assert.equal(await code(read(t, 3)), 'crc');
  const exc = await read(t, 4).catch((e) => e as ModbusError);
  assert.ok(exc instanceof ModbusError && exc.code === 'exception' && exc.exceptionCode === 2);
  assert.equal(await code(read(t, 5)), 'garbage');
  assert.equal(await code(read(t, 6)), 'ok');
  assert.equal(await code(read(t, 1)), 'ok', 'a good device still answers after the faults');
  await link.stop();
});

test('a late reply to a timed-out request is flushed, never taken as the next reply', async () => {
  const pipe = createMemoryPipe();
  let first = true;
  let buf = new Uint8Array(0);
  pipe.slave.events.on('data', (chunk) => {
    buf = Uint8Array.from([...buf, ...chunk]);
    const f = frameRtuRequest(buf);
    if (f.kind !== 'ok') return;
    buf = buf.slice(f.length);
    const reply = encodeRtu(f.unit, serveRequestPdu(f.pdu, { read: (_fn, a) => a }));
    const delayMs = first ? 90 : 1; // the first reply comes after the master gave up
    first = false;
    setTimeout(() => void pipe.slave.write(reply), delayMs);
  });
  const link = new ManagedLink(() => pipe.master);
  await link.start();
  const t = new RtuTransport(link, { timeoutMs: 50, retries: 0 });
  assert.equal(await code(read(t, 7, 100, 2)), 'timeout');
  await new Promise((r) => setTimeout(r, 60)); // the stale [100, 101] arrives meanwhile
  const r = parseReadResponsePdu(await read(t, 7, 200, 2), 3, 2);
  assert.deepEqual(r.kind === 'registers' && Array.from(r.words), [200, 201]);
  await link.stop();
});

test('retries a timeout up to the limit, and an unplugged link fails fast then recovers', async () => {
  let calls = 0;
  const { t, link, pipe } = await rig((_u, reply) => (++calls < 3 ? null : [reply]));
  assert.equal(await code(t.request(1, readRequestPdu(3, 0, 1), { retries: 1 })), 'timeout');
  assert.equal(calls, 2);
  assert.equal(await code(t.request(1, readRequestPdu(3, 0, 1), { retries: 1 })), 'ok');
  pipe.slave.unplug();
  assert.equal(await code(read(t, 1)), 'closed');
  pipe.slave.plug();
  for (let i = 0; i < 50 && !link.isOpen; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(link.isOpen, 'link reopened by itself');
  assert.equal(await code(read(t, 1)), 'ok');
  await link.stop();
});

test('the bus queue runs one job at a time, by priority', async () => {
  const { t, link } = await rig((_u, reply) => [reply]);
  const bus = new BusQueue(t, 'test');
  const order: string[] = [];
  let inFlight = 0;
  const job = (name: string) => async (tr: Transport) => {
    inFlight++;
    assert.equal(inFlight, 1);
    await tr.request(1, readRequestPdu(3, 0, 1));
    order.push(name);
    inFlight--;
  };
  const all = [bus.run('scan', job('scan')), bus.run('tick', job('tick1')), bus.run('tick', job('tick2')), bus.run('live', job('live')), bus.run('command', job('cmd'))];
  await Promise.all(all);
  // The first job starts at once; the rest go by priority then arrival.
  assert.deepEqual(order, ['scan', 'cmd', 'live', 'tick1', 'tick2']);
  bus.stop();
  assert.equal(await code(bus.run('live', job('late'))), 'cancelled');
  await link.stop();
});

test('the gateway lane shares the line with a running tick (one after every GATEWAY_SHARE), ahead of background', async () => {
  const { t, link } = await rig((_u, reply) => [reply]);
  const bus = new BusQueue(t, 'test');
  const order: string[] = [];
  const job = (name: string) => async (tr: Transport) => { await tr.request(1, readRequestPdu(3, 0, 1)); order.push(name); };
  const all = [bus.run('live', job('first'))];
  for (let i = 1; i <= 6; i++) all.push(bus.run('tick', job(`t${i}`)));
  for (let i = 1; i <= 3; i++) all.push(bus.run('gateway', job(`g${i}`)));
  all.push(bus.run('background', job('bg')));
  await Promise.all(all);
  assert.equal(GATEWAY_SHARE, 2);
  assert.deepEqual(order, ['first', 't1', 't2', 'g1', 't3', 't4', 'g2', 't5', 't6', 'g3', 'bg']);
  bus.stop();
  await link.stop();
});
