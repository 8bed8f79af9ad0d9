/**
 * @module modbus/transport
 * The transaction layer: one request, one reply. RTU frames replies by the length the request
 * implies and checks unit, function and CRC; TCP matches MBAP transaction ids and discards
 * stale replies (a late answer never becomes the answer to the next request). Both flush what
 * arrived before the request and fail with typed reasons.
 */
import {
  encodeRtu, frameRtuResponse, encodeMbap, frameMbap, expectedResponsePduLength, toHex,
} from './codec';
import { ModbusError, isRetryable } from './errors';
import type { ManagedLink } from './managed-link';
import { frameTimeMs, t35Ms, type LineSettings } from './timing';
import { systemClock, setTimeoutAt, type Clock, type Timer } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export interface RequestOptions {
  timeoutMs?: number;
  /** Further attempts after a timeout, CRC error or garbage. */
  retries?: number;
  /** Extra silence after this transaction (per-model quirk). */
  interFrameDelayMs?: number;
  /**
   * RTU only: the silence allowed after the request has left before the reply's first byte (a
   * scan probe). Once a byte arrives the whole reply gets the usual `timeoutMs`.
   */
  replyStartMs?: number;
  /**
   * RTU broadcast (unit 0): nobody answers; the request resolves (with the request PDU) after
   * this turnaround delay, the time the slaves take to act on it (Modbus serial line: 100–200 ms).
   */
  broadcastDelayMs?: number;
}

/** Turnaround delay after a broadcast when none is given. */
export const BROADCAST_DELAY_MS = 100;

export interface Transport {
  /** Sends a request PDU to `unit`; resolves with the reply PDU (exceptions reject). */
  request(unit: number, pdu: Uint8Array, opts?: RequestOptions): Promise<Uint8Array>;
  readonly kind: 'rtu' | 'tcp';
  /** RTU: bytes received that answered no request (see RtuTransport). */
  readonly strayBytes?: number;
}

export interface TransportOptions {
  timeoutMs: number;
  retries: number;
  interFrameDelayMs?: number;
  clock?: Clock;
  log?: Logger;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

abstract class BaseTransport implements Transport {
  abstract readonly kind: 'rtu' | 'tcp';
  protected rx: Uint8Array = new Uint8Array(0);
  protected onRx: (() => void) | undefined;
  protected readonly clock: Clock;
  protected readonly log: Logger;

  constructor(protected readonly link: ManagedLink, protected opts: TransportOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    link.events.on('data', (chunk) => {
      this.rx = concat(this.rx, chunk);
      if (this.rx.length > 4096) this.rx = this.rx.slice(-512); // nobody is listening: keep memory bounded
      this.onRx?.();
    });
    link.events.on('status', (s) => { if (s.state !== 'open') this.onRx?.(); });
  }

  setOptions(opts: Partial<TransportOptions>): void { this.opts = { ...this.opts, ...opts }; }

  async request(unit: number, pdu: Uint8Array, opts: RequestOptions = {}): Promise<Uint8Array> {
    const retries = opts.retries ?? this.opts.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(unit, pdu, opts);
      } catch (err) {
        if (attempt >= retries || !isRetryable(err)) throw err;
        this.log.debug('retrying', { unit, attempt: attempt + 1, reason: (err as ModbusError).code });
      }
    }
  }

  protected abstract once(unit: number, pdu: Uint8Array, opts: RequestOptions): Promise<Uint8Array>;

  /** Waits until `check` settles the transaction, the deadline passes, or the link drops. */
  protected waitFor<T>(deadlineMs: () => number, check: () => T | undefined, onTimeout: () => ModbusError): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: Timer | undefined;
      let settled = false;
      const done = (fn: () => void) => {
        settled = true;
        this.onRx = undefined;
        if (timer) this.clock.clearTimeout(timer);
        fn();
      };
      const expired = () => deadlineMs() - this.clock.monotonicMs() <= 0.5;
      const arm = () => {
        if (timer) this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(() => {
          if (!expired()) return arm();
          // A process busy past the deadline runs its timers before the I/O that came meanwhile:
          // bytes already received are handled (next check phase) before giving up.
          setImmediate(() => {
            if (settled) return;
            if (!expired()) return arm();
            done(() => reject(onTimeout()));
          });
        }, deadlineMs() - this.clock.monotonicMs());
      };
      this.onRx = () => {
        if (!this.link.isOpen) return done(() => reject(this.link.downError()));
        try {
          const r = check();
          if (r !== undefined) done(() => resolve(r));
        } catch (err) {
          done(() => reject(err));
        }
      };
      arm();
      this.onRx();
    });
  }
}

/** Modbus RTU master over a serial port or a raw TCP pipe. */
export class RtuTransport extends BaseTransport {
  readonly kind = 'rtu' as const;
  private quietUntil = 0;
  /**
   * Bytes received between transactions, flushed before the next request: a reply later than
   * its timeout, or noise. A scan tells a slave slower than its probe by them.
   */
  strayBytes = 0;

  constructor(link: ManagedLink, opts: TransportOptions & { line?: LineSettings }) {
    super(link, opts);
    this.line = opts.line;
  }
  private line: LineSettings | undefined;

  setLine(line: LineSettings | undefined): void { this.line = line; }

  protected async once(unit: number, pdu: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    if (!this.link.isOpen) throw this.link.downError();
    // Inter-frame silence: t3.5 (plus the configured gap) since the line last went quiet.
    if (this.quietUntil > this.clock.monotonicMs()) await new Promise<void>((r) => setTimeoutAt(this.clock, this.quietUntil, r));
    const frame = encodeRtu(unit, pdu);
    const responseLength = (expectedResponsePduLength(pdu) ?? 253) + 3;
    if (unit === 0) return this.broadcast(frame, pdu, opts);
    this.strayBytes += this.rx.length;
    this.rx = new Uint8Array(0); // flush: nothing before our request can be its reply
    const sentAt = this.clock.monotonicMs();
    if (this.log.enabled('trace')) this.log.trace('tx', { unit, hex: toHex(frame) });
    await this.link.write(frame);
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    // The timeout is the silence allowed before the reply; wire time of both frames is added.
    const wireMs = this.line ? frameTimeMs(this.line, frame.length + responseLength) : 0;
    const fullDeadline = sentAt + wireMs + timeoutMs;
    const startDeadline = opts.replyStartMs === undefined ? Infinity
      : sentAt + (this.line ? frameTimeMs(this.line, frame.length) : 0) + opts.replyStartMs;
    // The reply must start (a byte that can be its unit address) by startDeadline; once it has, it
    // may take until fullDeadline. Bytes that cannot begin it (a late reply of another unit) do not count.
    const deadline = () => (this.rx.indexOf(unit) < 0 ? Math.min(fullDeadline, startDeadline) : fullDeadline);
    const gapMs = (this.line ? t35Ms(this.line) : 0) + (opts.interFrameDelayMs ?? 0) + (this.opts.interFrameDelayMs ?? 0);
    let result: Uint8Array | undefined;
    try {
      result = await this.waitFor(
        deadline,
        () => {
          const f = frameRtuResponse(this.rx, unit, pdu);
          switch (f.kind) {
            case 'incomplete': return undefined;
            case 'ok': return f.pdu;
            case 'exception': throw ModbusError.exception(f.code);
            case 'crc': throw new ModbusError('crc', `CRC error in reply from ${unit}`);
            case 'garbage': {
              // Noise before the reply: look for a valid reply further on before giving up.
              for (let i = 1; i < this.rx.length; i++) {
                if (this.rx[i] !== unit) continue;
                const g = frameRtuResponse(this.rx.subarray(i), unit, pdu);
                if (g.kind === 'ok') return g.pdu;
                if (g.kind === 'exception') throw ModbusError.exception(g.code);
              }
              if (this.rx.length >= responseLength + 16) throw new ModbusError('garbage', `unexpected bytes from ${unit}`);
              return undefined;
            }
          }
        },
        () => (this.rx.length > 0
          ? new ModbusError('garbage', `${this.rx.length} unexpected bytes from ${unit}`)
          : new ModbusError('timeout', startDeadline < fullDeadline
            ? `no reply from ${unit} started within ${opts.replyStartMs} ms`
            : `no reply from ${unit} within ${timeoutMs} ms`)),
      );
      if (this.log.enabled('trace')) this.log.trace('rx', { unit, bytes: result.length + 3 });
      return result;
    } finally {
      this.quietUntil = this.clock.monotonicMs() + gapMs;
      this.rx = new Uint8Array(0);
    }
  }
/** Broadcast on the RS485 line: sent, no reply, then the turnaround delay for the slaves to act. */
  private async broadcast(frame: Uint8Array, pdu: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    const sentAt = this.clock.monotonicMs();
    if (this.log.enabled('trace')) this.log.trace('tx', { unit: 0, hex: toHex(frame) });
    await this.link.write(frame);
    const until = sentAt + (this.line ? frameTimeMs(this.line, frame.length) : 0) + (opts.broadcastDelayMs ?? BROADCAST_DELAY_MS);
    await new Promise<void>((r) => setTimeoutAt(this.clock, until, r));
    this.quietUntil = this.clock.monotonicMs() + (this.line ? t35Ms(this.line) : 0) + (opts.interFrameDelayMs ?? 0) + (this.opts.interFrameDelayMs ?? 0);
    this.rx = new Uint8Array(0);
    return pdu;
  }
}

/** Modbus TCP client (MBAP) for IP gateways. */
export class TcpTransport extends BaseTransport {
  readonly kind = 'tcp' as const;
  private transactionId = Math.floor(Math.random() * 0x10000);

  protected async once(unit: number, pdu: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    if (!this.link.isOpen) throw this.link.downError();
    this.transactionId = (this.transactionId + 1) & 0xffff;
    const tid = this.transactionId;
    const frame = encodeMbap(tid, unit, pdu);
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    const deadline = this.clock.monotonicMs() + timeoutMs;
    this.rx = new Uint8Array(0);
    await this.link.write(frame);
    try {
      return await this.waitFor(
        () => deadline,
        () => {
          for (;;) {
            const f = frameMbap(this.rx);
            if (f.kind === 'incomplete') return undefined;
            if (f.kind === 'invalid') {
              this.rx = new Uint8Array(0);
              throw new ModbusError('garbage', `invalid MBAP header from gateway (${f.why})`);
            }
            this.rx = this.rx.slice(f.length);
            if (f.transactionId !== tid) { this.log.debug('stale reply discarded', { tid: f.transactionId, expected: tid }); continue; }
            if (f.unit !== unit) throw new ModbusError('garbage', `reply for unit ${f.unit} instead of ${unit}`);
            if (f.pdu[0] === ((pdu[0] | 0x80) & 0xff)) {
              const code = f.pdu[1] ?? 0;
              // 0x0A/0x0B: the gateway could not reach the RS485 device: that is a timeout of the device.
              if (code === 0x0b || code === 0x0a) throw new ModbusError('timeout', `gateway: no reply from unit ${unit} (exception ${code})`, code);
              throw ModbusError.exception(code);
            }
            if (f.pdu[0] !== pdu[0]) throw new ModbusError('garbage', `function ${f.pdu[0]} in reply to ${pdu[0]}`);
            return f.pdu;
          }
        },
        () => new ModbusError('timeout', `no reply from unit ${unit} within ${timeoutMs} ms`),
      );
    } finally {
      const gap = (opts.interFrameDelayMs ?? 0) + (this.opts.interFrameDelayMs ?? 0);
      if (gap > 0) await new Promise<void>((r) => this.clock.setTimeout(r, gap));
    }
  }
}
