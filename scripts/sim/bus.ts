/**
 * @module sim/bus
 * A simulated RS485 bus: slaves by address and per-address faults. Transport-neutral: the
 * RTU and Modbus TCP servers ask `respond()` what to send and turn it into bytes and delays.
 */
import { modbus, systemClock, type Clock } from '@ews/daemon';
import type { SimSlave } from './slave';

export type SimFault =
  /** The slave stays silent. */
  | { kind: 'noReply' }
  /** The right reply, `delayMs` later than usual. */
  | { kind: 'slow'; delayMs: number }
  /** The right frame with a corrupted CRC (RTU); a gateway drops it (no reply). */
  | { kind: 'badCrc' }
  /** Modbus exception `code` instead of the reply. */
  | { kind: 'exception'; code: number }
  /** 5–40 random bytes instead of the reply. */
  | { kind: 'garbage' };

export type SimResponse =
  | { kind: 'silent'; reason: 'unknown-address' | 'broadcast' | 'no-reply' }
  | {
    kind: 'reply';
    pdu: Uint8Array;
    /** Extra delay on top of the normal turnaround (slow fault). */
    delayMs: number;
    /** How the transport must spoil the reply bytes. */
    corrupt: 'none' | 'badCrc' | 'garbage';
  };

export interface SimBusOptions {
  clock?: Clock;
  /** Slave processing time between the end of the request and the reply (default 0). */
  turnaroundMs?: number;
}

export const BROADCAST_UNIT = 0;

export class SimBus {
  readonly clock: Clock;
  turnaroundMs: number;
  private readonly slaves = new Map<number, SimSlave>();
  private readonly faults = new Map<number, SimFault>();
  private readonly requestCounts = new Map<number, number>();

  constructor(opts: SimBusOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.turnaroundMs = opts.turnaroundMs ?? 0;
  }

  /** Adds a slave; throws if its address is taken (two devices on one address collide). */
  add(slave: SimSlave): this {
    if (slave.address < 1 || slave.address > 247) throw new RangeError(`slave address ${slave.address} outside 1…247`);
    if (this.slaves.has(slave.address)) throw new Error(`address ${slave.address} already has ${this.slaves.get(slave.address)!.name}`);
    this.slaves.set(slave.address, slave);
    return this;
  }

  remove(address: number): boolean {
    return this.slaves.delete(address);
  }

  slave(address: number): SimSlave | undefined {
    return this.slaves.get(address);
  }

  addresses(): number[] {
    return [...this.slaves.keys()].sort((a, b) => a - b);
  }

  /** Sets (or with null clears) the fault of one address; works for absent addresses too. */
  setFault(address: number, fault: SimFault | null): void {
    if (fault) this.faults.set(address, fault);
    else this.faults.delete(address);
  }

  fault(address: number): SimFault | undefined {
    return this.faults.get(address);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests seen per unit id (including silent ones), for tests and logs. */
  requestCount(unit: number): number {
    return this.requestCounts.get(unit) ?? 0;
  }

  /** What the bus does with one request: reply (maybe spoilt, maybe late) or stay silent. */
  respond(unit: number, pdu: Uint8Array): SimResponse {
    this.requestCounts.set(unit, this.requestCount(unit) + 1);
    if (unit === BROADCAST_UNIT) {
      // every slave acts on a broadcast write; nobody answers
      for (const s of this.slaves.values()) s.serve(pdu);
      return { kind: 'silent', reason: 'broadcast' };
    }
    const slave = this.slaves.get(unit);
    if (!slave) return { kind: 'silent', reason: 'unknown-address' };
    const fault = this.faults.get(unit);
    if (fault?.kind === 'noReply') return { kind: 'silent', reason: 'no-reply' };
    if (fault?.kind === 'exception') return { kind: 'reply', pdu: modbus.exceptionPdu(pdu[0] ?? 0, fault.code), delayMs: 0, corrupt: 'none' };
    const reply = slave.serve(pdu);
    return {
      kind: 'reply',
      pdu: reply,
      delayMs: fault?.kind === 'slow' ? fault.delayMs : 0,
      corrupt: fault?.kind === 'badCrc' ? 'badCrc' : fault?.kind === 'garbage' ? 'garbage' : 'none',
    };
  }

  /** PDU-level convenience: the reply PDU, or null when nothing usable comes back. */
  serve(unit: number, pdu: Uint8Array): Uint8Array | null {
    const r = this.respond(unit, pdu);
    return r.kind === 'reply' && r.corrupt === 'none' ? r.pdu : null;
  }
}
