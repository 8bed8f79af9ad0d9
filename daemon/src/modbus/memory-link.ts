/**
 * @module modbus/memory-link
 * An in-memory byte pipe between a master link and a slave endpoint (the simulator), with an
 * optional line model: each frame costs its transmission time at the configured baud rate and
 * parity, and the half-duplex line carries one frame at a time.
 */
import { Emitter } from '../util/events';
import type { Link, LinkEvents } from './link';
import { frameTimeMs, type LineSettings } from './timing';
import { systemClock, setTimeoutAt, type Clock } from '../util/clock';

export interface MemoryPipeOptions {
  /** When set, bytes arrive after their transmission time on this line. */
  line?: LineSettings;
  clock?: Clock;
  name?: string;
}

/** The simulator's side of the pipe. */
export interface PipeEndpoint {
  readonly events: Emitter<{ data: [Uint8Array] }>;
  /** Sends toward the master; resolves once the bytes are fully "on the wire" and delivered. */
  write(data: Uint8Array): Promise<void>;
  /** Simulates unplugging the adapter: the master link closes and cannot reopen until plug(). */
  unplug(): void;
  plug(): void;
}

export interface MemoryPipe {
  master: Link;
  slave: PipeEndpoint;
  /**
   * The master link as opened with these UART settings: when they differ from the slave's
   * (`setSlaveLine`), every byte arrives garbled either way, as on a real line with a baud or
   * parity mismatch.
   */
  masterWithLine(line: LineSettings): Link;
  setSlaveLine(line: LineSettings | undefined): void;
}

export function createMemoryPipe(opts: MemoryPipeOptions = {}): MemoryPipe {
  const clock = opts.clock ?? systemClock;
  const line = opts.line;
  let plugged = true;
  let masterLine: LineSettings | undefined;
  let slaveLine: LineSettings | undefined;
  const mismatch = () => masterLine !== undefined && slaveLine !== undefined
    && (masterLine.baudRate !== slaveLine.baudRate || masterLine.parity !== slaveLine.parity || masterLine.stopBits !== slaveLine.stopBits);
  const garble = (d: Uint8Array) => (mismatch() ? d.map((b) => (b ^ 0xa5) & 0xff) : d);
  let open = false;
  /** Monotonic time until which the half-duplex line is busy. */
  let busyUntil = 0;
  const masterEvents = new Emitter<LinkEvents>();
  const slaveEvents = new Emitter<{ data: [Uint8Array] }>();

  const transmit = (data: Uint8Array, deliver: (d: Uint8Array) => void): Promise<void> => {
    const copy = data.slice();
    if (!line) { queueMicrotask(() => deliver(copy)); return Promise.resolve(); }
    const now = clock.monotonicMs();
    const start = Math.max(now, busyUntil);
    busyUntil = start + frameTimeMs(line, copy.length);
    const due = busyUntil;
    return new Promise((resolve) => {
      setTimeoutAt(clock, due, () => { deliver(copy); resolve(); });
    });
  };

  const master: Link = {
    name: opts.name ?? 'memory',
    get isOpen() { return open; },
    events: masterEvents,
    async open() {
      if (!plugged) throw new Error('adapter unplugged');
      open = true;
    },
    async close() {
      if (!open) return;
      open = false;
      masterEvents.emit('close', 'closed by master');
    },
    async write(data) {
      if (!open) throw new Error('link closed');
      await transmit(data, (d) => { if (plugged) slaveEvents.emit('data', garble(d)); });
    },
  };

  const slave: PipeEndpoint = {
    events: slaveEvents,
    write: (data) => transmit(data, (d) => { if (open && plugged) masterEvents.emit('data', garble(d)); }),
    unplug() {
      plugged = false;
      if (open) { open = false; masterEvents.emit('close', 'adapter unplugged'); }
    },
    plug() { plugged = true; },
  };
  return {
    master, slave,
    masterWithLine(l) {
      return {
        name: master.name, events: masterEvents,
        get isOpen() { return master.isOpen; },
        open: async () => { masterLine = l; await master.open(); },
        close: () => master.close(),
        write: (d) => master.write(d),
      };
    },
    setSlaveLine(l) { slaveLine = l; },
  };
}

