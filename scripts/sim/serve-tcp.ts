/**
 * @module sim/serve-tcp
 * Two TCP faces of a simulated bus:
 * - `serveModbusTcp`: a Modbus TCP ↔ RS485 gateway (Legrand 0 046 89 / BTicino PM1AC). MBAP
 *   framing with merged and split segments; replies echo transaction id and unit. The gateway
 *   has one RS485 line: requests from all connections are served one at a time. An address that
 *   does not answer (absent, noReply, badCrc, too slow) gets exception 0x0B after `timeoutMs`
 *   (`noReplyMode: 'exception'`, the real gateway) or nothing (`'silence'`). The `garbage` fault
 *   writes raw random bytes on the socket (a stream the client must give up on).
 * - `serveRtuOverTcp`: raw RTU frames over TCP (a remote serial port, ser2net style).
 */
import type net from 'node:net';
import { Emitter, modbus, systemClock, type Clock, type Timer } from '@ews/daemon';
import type { SimBus } from './bus';
import { createRandom } from './noise';
import { attachRtuEndpoint, garbageBytes, type ByteEndpoint } from './serve-rtu';
import { listenTcp, type TcpServerHandle } from './tcp-server';

export type { TcpServerHandle } from './tcp-server';

export const GATEWAY_TARGET_FAILED = 0x0b;

export interface ModbusTcpOptions {
  /** 0 picks a free port (see the handle's `port`). */
  port: number;
  host?: string;
  /** What the gateway does when the slave stays silent (default 'exception'). */
  noReplyMode?: 'exception' | 'silence';
  /** The gateway's RS485 response timeout (default 300 ms). */
  timeoutMs?: number;
  /** RS485 line behind the gateway: adds wire time and t3.5 to each transaction. */
  line?: modbus.LineSettings;
  turnaroundMs?: number;
  clock?: Clock;
  seed?: number;
}

export async function serveModbusTcp(bus: SimBus, opts: ModbusTcpOptions): Promise<TcpServerHandle> {
  const clock = opts.clock ?? bus.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? 300;
  const noReplyMode = opts.noReplyMode ?? 'exception';
  const line = opts.line;
  const t35 = line ? modbus.t35Ms(line) : 0;
  const wireMs = (bytes: number) => (line ? modbus.frameTimeMs(line, bytes) : 0);
  const random = createRandom(opts.seed ?? 0x7cb);
  /** The RS485 side is busy until this monotonic time. */
  let rs485BusyUntil = 0;

  const transact = (socket: net.Socket, transactionId: number, unit: number, pdu: Uint8Array, timers: Set<Timer>): void => {
    const send = (atMs: number, bytes: Uint8Array) => {
      const t = clock.setTimeout(() => {
        timers.delete(t);
        if (!socket.destroyed && socket.writable) socket.write(bytes);
      }, Math.max(0, atMs - clock.monotonicMs()));
      timers.add(t);
    };
    const startMs = Math.max(clock.monotonicMs(), rs485BusyUntil);
    const requestEndMs = startMs + wireMs(pdu.length + 3) + t35;
    const response = bus.respond(unit, pdu);
    const turnaroundMs = opts.turnaroundMs ?? bus.turnaroundMs;
    if (response.kind === 'silent' && response.reason === 'broadcast') { rs485BusyUntil = requestEndMs + turnaroundMs; return; }
    if (response.kind === 'reply' && response.corrupt === 'garbage') {
      const doneMs = requestEndMs + turnaroundMs + response.delayMs + wireMs(8);
      rs485BusyUntil = doneMs;
      send(doneMs, garbageBytes(unit, random));
      return;
    }
    const replyMs = response.kind === 'reply' && response.corrupt === 'none'
      ? requestEndMs + turnaroundMs + response.delayMs + wireMs(response.pdu.length + 3) + t35
      : Infinity;
    if (response.kind === 'reply' && replyMs - startMs <= timeoutMs) {
      rs485BusyUntil = replyMs;
      send(replyMs, modbus.encodeMbap(transactionId, unit, response.pdu));
      return;
    }
    // the target failed to respond within the gateway's own timeout
    const giveUpMs = startMs + timeoutMs;
    rs485BusyUntil = giveUpMs;
    if (noReplyMode === 'exception') send(giveUpMs, modbus.encodeMbap(transactionId, unit, modbus.exceptionPdu(pdu[0] ?? 0, GATEWAY_TARGET_FAILED)));
  };

  return listenTcp(opts, (socket) => {
    let buffer = new Uint8Array(0);
    const timers = new Set<Timer>();
    socket.on('data', (chunk: Buffer) => {
      const merged = new Uint8Array(buffer.length + chunk.length);
      merged.set(buffer); merged.set(chunk, buffer.length);
      buffer = merged;
      for (;;) {
        const f = modbus.frameMbap(buffer);
        if (f.kind === 'incomplete') return;
        if (f.kind === 'invalid') { socket.destroy(); return; } // no way to resynchronise a stream
        buffer = buffer.slice(f.length);
        transact(socket, f.transactionId, f.unit, f.pdu, timers);
      }
    });
    return () => { for (const t of timers) clock.clearTimeout(t); timers.clear(); };
  });
}

export interface RtuOverTcpOptions {
  port: number;
  host?: string;
  /** Emulated RS485 line: wire time, t3.5 and turnaround are added to every transaction. */
  line?: modbus.LineSettings;
  turnaroundMs?: number;
  clock?: Clock;
}

/** Raw RTU over TCP; each connection is one master (one at a time is the intended use). */
export async function serveRtuOverTcp(bus: SimBus, opts: RtuOverTcpOptions): Promise<TcpServerHandle> {
  return listenTcp(opts, (socket) => {
    const events = new Emitter<{ data: [Uint8Array] }>();
    const endpoint: ByteEndpoint = {
      events,
      write: (data) => new Promise((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(data, () => resolve());
      }),
    };
    const handle = attachRtuEndpoint(bus, endpoint, {
      ...(opts.line ? { line: opts.line, emulateWireTime: true } : {}),
      ...(opts.turnaroundMs !== undefined ? { turnaroundMs: opts.turnaroundMs } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    socket.on('data', (chunk: Buffer) => events.emit('data', new Uint8Array(chunk)));
    return () => { handle.detach(); events.removeAll(); };
  });
}
