/**
 * @module modbus/link
 * A link is a byte pipe (serial port, TCP socket, in-memory pipe). It opens, writes, delivers
 * data and reports its closing; it never throws out of an event (an unplugged adapter is an
 * event, not a crash). Reconnection is the ManagedLink's job.
 */
import { Emitter } from '../util/events';

export type LinkEvents = {
  data: [chunk: Uint8Array];
  /** The link closed by itself (unplug, peer reset) or by close(). */
  close: [reason: string];
};

export interface Link {
  /** For logs: `/dev/ttyUSB0`, `tcp://10.0.0.5:502`. */
  readonly name: string;
  readonly isOpen: boolean;
  readonly events: Emitter<LinkEvents>;
  /** Rejects with a LinkOpenError-like Error whose message says why. */
  open(): Promise<void>;
  close(): Promise<void>;
  write(data: Uint8Array): Promise<void>;
}
