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
}

export function createMemoryPipe(opts: MemoryPipeOptions = {}): MemoryPipe {
  const clock = opts.clock ?? systemClock;
  const line = opts.line;
  let plugged = true;
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
      await transmit(data, (d) => { if (plugged) slaveEvents.emit('data', d); });
    },
  };

  const slave: PipeEndpoint = {
    events: slaveEvents,
    write: (data) => transmit(data, (d) => { if (open && plugged) masterEvents.emit('data', d); }),
    unplug() {
      plugged = false;
      if (open) { open = false; masterEvents.emit('close', 'adapter unplugged'); }
    },
    plug() { plugged = true; },
  };
  return { master, slave };
}

