/**
 * @module sim/serve-rtu
 * The slave side of an RTU byte stream (in-memory pipe, serial port, raw TCP socket).
 *
 * Framing: bytes are accumulated and framed with `frameRtuRequest`; invalid bytes are skipped;
 * a partial frame that stays incomplete for a silence (t3.5 with a line, else 5 ms) loses its
 * first byte and the buffer is rescanned, which is how a real slave resynchronises.
 *
 * Timing: with a `line`, the reply leaves t3.5 + turnaround (+ slow fault delay) after the end
 * of the request. An in-memory pipe created with the same line charges the wire time of each
 * frame itself; endpoints without a line model (TCP, pty) set `emulateWireTime` and the
 * request and reply wire times are added here (requests queue on the emulated line; collisions
 * of a late reply with later traffic are not modelled).
 * Due times are absolute (`clock.monotonicMs()`), so timer lateness never accumulates.
 */
import { modbus, systemClock, setTimeoutAt, type Clock, type Timer } from '@ews/daemon';
import type { SimBus } from './bus';
import { createRandom } from './noise';

type LineSettings = modbus.LineSettings;

/** What an RTU server needs from a byte stream (PipeEndpoint and Link both fit). */
export interface ByteEndpoint {
  readonly events: { on(event: 'data', fn: (chunk: Uint8Array) => void): () => void };
  write(data: Uint8Array): Promise<void>;
}

export interface RtuServeOptions {
  line?: LineSettings;
  /** Slave processing time after t3.5; defaults to the bus's turnaroundMs. */
  turnaroundMs?: number;
  /** Add request and reply wire time here (the endpoint has no line model). Needs `line`. */
  emulateWireTime?: boolean;
  /** Silence after which an incomplete frame is resynchronised (default t3.5 or 5 ms). */
  resyncSilenceMs?: number;
  clock?: Clock;
  /** Seed of the garbage bytes. */
  seed?: number;
}

export interface RtuEndpointHandle {
  /** Stops listening and cancels pending replies. */
  detach(): void;
  /** Replies scheduled but not sent yet. */
  pendingReplies(): number;
}

/** Random bytes (5…40) that do not start with `unit`: never mistaken for the reply. */
export function garbageBytes(unit: number, random: () => number): Uint8Array {
  const out = new Uint8Array(5 + Math.floor(random() * 36));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
  if (out[0] === unit) out[0] = (unit + 1 + Math.floor(random() * 254)) & 0xff;
  if (out[0] === unit) out[0] = unit ^ 0x80;
  return out;
}

/** The reply frame as it goes on the wire, spoilt as the fault says. */
export function rtuReplyBytes(unit: number, pdu: Uint8Array, corrupt: 'none' | 'badCrc' | 'garbage', random: () => number): Uint8Array {
  if (corrupt === 'garbage') return garbageBytes(unit, random);
  const frame = modbus.encodeRtu(unit, pdu);
  if (corrupt === 'badCrc') frame[frame.length - 1] ^= 0x5a;
  return frame;
}

export function attachRtuEndpoint(bus: SimBus, endpoint: ByteEndpoint, opts: RtuServeOptions = {}): RtuEndpointHandle {
  const clock = opts.clock ?? bus.clock ?? systemClock;
  const line = opts.line;
  const t35 = line ? modbus.t35Ms(line) : 0;
  const silenceMs = opts.resyncSilenceMs ?? (line ? Math.max(t35, 1) : 5);
  const emulate = Boolean(opts.emulateWireTime && line);
  const random = createRandom(opts.seed ?? 0x6a5b);
  const timers = new Set<{ cancel(): void }>();
  let buffer = new Uint8Array(0);
  let resyncTimer: Timer | undefined;
  let lastDataMs = 0;
  /** Emulated line busy with requests until (monotonic ms). */
  let lineBusyUntil = 0;
  let detached = false;

  // Never earlier than due: the line model must not be faster than the wire.
  const at = (dueMs: number, fn: () => void): void => {
    const t = setTimeoutAt(clock, dueMs, () => { timers.delete(t); if (!detached) fn(); });
    timers.add(t);
  };

  const wireMs = (bytes: number): number => (emulate && line ? modbus.frameTimeMs(line, bytes) : 0);

  const handle = (unit: number, pdu: Uint8Array, frameBytes: number, arrivalMs: number): void => {
    const requestEndMs = emulate ? Math.max(arrivalMs, lineBusyUntil) + wireMs(frameBytes) : arrivalMs;
    if (emulate) lineBusyUntil = requestEndMs;
    const response = bus.respond(unit, pdu);
    if (response.kind === 'silent') return;
    const bytes = rtuReplyBytes(unit, response.pdu, response.corrupt, random);
    const turnaroundMs = opts.turnaroundMs ?? bus.turnaroundMs;
    // replies do not hold back later requests: a late (slow) reply must not delay the others
    const deliverMs = requestEndMs + t35 + turnaroundMs + response.delayMs + wireMs(bytes.length);
    at(deliverMs, () => { endpoint.write(bytes).catch(() => { /* master went away */ }); });
  };

  /** Frames what it can; true if an incomplete frame is left waiting for more bytes. */
  const scan = (arrivalMs: number): boolean => {
    while (buffer.length > 0) {
      const f = modbus.frameRtuRequest(buffer);
      if (f.kind === 'ok') { buffer = buffer.slice(f.length); handle(f.unit, f.pdu, f.length, arrivalMs); continue; }
      if (f.kind === 'invalid') { buffer = buffer.slice(f.skip); continue; }
      return true;
    }
    return false;
  };

  /** After a silence, a partial frame can no longer complete: drop bytes until what is left frames. */
  const armResync = (): void => {
    if (resyncTimer !== undefined) clock.clearTimeout(resyncTimer);
    resyncTimer = clock.setTimeout(() => {
      resyncTimer = undefined;
      if (detached || buffer.length === 0) return;
      if (clock.monotonicMs() - lastDataMs + 0.01 < silenceMs) { armResync(); return; }
      do buffer = buffer.slice(1); while (scan(lastDataMs) && buffer.length > 0);
    }, silenceMs);
  };

  const off = endpoint.events.on('data', (chunk) => {
    if (detached) return;
    lastDataMs = clock.monotonicMs();
    const merged = new Uint8Array(buffer.length + chunk.length);
    merged.set(buffer); merged.set(chunk, buffer.length);
    // a real slave holds at most one ADU; anything older is line noise
    buffer = merged.length > 4 * modbus.MAX_RTU_FRAME ? merged.slice(merged.length - modbus.MAX_RTU_FRAME) : merged;
    if (scan(lastDataMs)) armResync();
  });

  return {
    detach() {
      detached = true;
      off();
      if (resyncTimer !== undefined) clock.clearTimeout(resyncTimer);
      for (const t of timers) t.cancel();
      timers.clear();
    },
    pendingReplies: () => timers.size,
  };
}

export interface SerialServeOptions {
  turnaroundMs?: number;
  /** Add wire time for `line` (a pty ignores baud rate; default true). */
  emulateWireTime?: boolean;
  /** Retry period when the port disappears (pty killed, adapter unplugged); default 500 ms. */
  reopenMs?: number;
  clock?: Clock;
}

export interface SerialServerHandle {
  readonly path: string;
  isOpen(): boolean;
  close(): Promise<void>;
}

/**
 * Serves the bus on a real serial device through the daemon's SerialLink (the `serialport`
 * package), e.g. one end of a socat pty pair. If the port goes away it is reopened every
 * `reopenMs` until it exists again (a new pty pair linked at the same path).
 */
export async function serveRtuOverSerial(bus: SimBus, path: string, line: LineSettings, opts: SerialServeOptions = {}): Promise<SerialServerHandle> {
  const clock = opts.clock ?? bus.clock ?? systemClock;
  const link = new modbus.SerialLink(path, line);
  let endpoint: RtuEndpointHandle | undefined;
  let retry: Timer | undefined;
  let closed = false;

  const open = async (): Promise<void> => {
    await link.open();
    endpoint = attachRtuEndpoint(bus, link, {
      line, emulateWireTime: opts.emulateWireTime ?? true, clock,
      ...(opts.turnaroundMs !== undefined ? { turnaroundMs: opts.turnaroundMs } : {}),
    });
  };
  const scheduleReopen = (): void => {
    if (closed || retry !== undefined) return;
    retry = clock.setTimeout(() => {
      retry = undefined;
      if (closed) return;
      open().catch(() => scheduleReopen());
    }, opts.reopenMs ?? 500);
  };
  link.events.on('close', () => {
    endpoint?.detach();
    endpoint = undefined;
    scheduleReopen();
  });
  await open();
  return {
    path,
    isOpen: () => link.isOpen,
    async close() {
      closed = true;
      if (retry !== undefined) clock.clearTimeout(retry);
      endpoint?.detach();
      endpoint = undefined;
      await link.close().catch(() => undefined);
    },
  };
}
