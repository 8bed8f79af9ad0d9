/**
 * @module modbus/bus
 * The bus queue: exactly one transaction in flight per RS485 port or TCP host, served by
 * priority (commands, then live reads, then sample ticks, then requests of Modbus TCP clients
 * through the gateway function (MS-1; sharing the line with a running tick, see GATEWAY_SHARE),
 * then scans (a technician waits for one; it lasts seconds), then the background refresh of
 * statuses),
 * first come first served within a priority. Each job is one transaction, so a live read waits
 * at most for the transaction in flight (STO-2). The next job is picked after the finished one's
 * continuations have run (a client's next transaction is queued by then), so a lower priority
 * never slips in between two transactions of a higher one.
 */
import type { Transport } from './transport';
import { ModbusError } from './errors';

export const PRIORITY = { command: 0, live: 1, tick: 2, gateway: 3, scan: 4, background: 5 } as const;
export type Priority = keyof typeof PRIORITY;
/** While a sample tick runs, one gateway transaction is let through after this many of the tick's. */
export const GATEWAY_SHARE = 2;

interface Job {
  run: (t: Transport) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  detach: () => void;
}

export interface BusStats {
  transactions: number;
  failures: number;
  /** Failures by reason (timeout, crc, exception, garbage, closed, unreachable, cancelled). */
  failuresByReason: Record<string, number>;
  queued: number;
  /** Sum of job durations, to compute utilisation. */
  busyMs: number;
}

export class BusQueue {
  private readonly queues: Job[][] = Object.values(PRIORITY).map(() => []);
  private busy = false;
  private stopped = false;
  readonly stats: BusStats = { transactions: 0, failures: 0, failuresByReason: {}, queued: 0, busyMs: 0 };

  constructor(private transport: Transport, readonly name: string) {}

  /** Replaces the transport (e.g. new serial settings); queued jobs run on the new one. */
  setTransport(t: Transport): void { this.transport = t; }
  get currentTransport(): Transport { return this.transport; }

  /** Queues one transaction. Rejects with `cancelled` if aborted while queued or the bus stops. */
  run<T>(priority: Priority, job: (t: Transport) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopped) return Promise.reject(new ModbusError('cancelled', `bus ${this.name} stopped`));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const q = this.queues[PRIORITY[priority]];
        const i = q.indexOf(entry);
        if (i >= 0) { q.splice(i, 1); this.stats.queued--; reject(new ModbusError('cancelled', 'aborted')); }
      };
      // the listener goes once the job leaves the queue: a long scan shares one signal over hundreds of jobs
      const entry: Job = { run: job, resolve: resolve as (v: unknown) => void, reject, signal, detach: () => signal?.removeEventListener('abort', onAbort) };
      this.queues[PRIORITY[priority]].push(entry);
      this.stats.queued++;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  get pending(): number { return this.stats.queued; }

  stop(): void {
    this.stopped = true;
    for (const q of this.queues) {
      for (const j of q.splice(0)) j.reject(new ModbusError('cancelled', `bus ${this.name} stopped`));
    }
    this.stats.queued = 0;
  }

  /** Sample-tick transactions served since the last gateway one (see GATEWAY_SHARE). */
  private ticksSinceGateway = 0;

  private pump(): void {
    if (this.busy) return;
    let q = this.queues.find((x) => x.length > 0);
    if (!q) return;
    // The gateway lane shares the line with a running sample tick instead of waiting for its end
    // (a tick of 255 meters lasts tens of seconds; a SCADA would time out): one gateway
    // transaction after every GATEWAY_SHARE tick transactions, so the tick is never starved.
    const gateway = this.queues[PRIORITY.gateway];
    if (q === this.queues[PRIORITY.tick]) {
      if (gateway.length > 0 && this.ticksSinceGateway >= GATEWAY_SHARE) q = gateway;
      else this.ticksSinceGateway++;
    }
    if (q === gateway) this.ticksSinceGateway = 0;
    const job = q.shift()!;
    job.detach();
    this.stats.queued--;
    this.busy = true;
    const started = performance.now();
    job.run(this.transport).then(
      (v) => { this.stats.transactions++; job.resolve(v); },
      (e) => {
        this.stats.transactions++; this.stats.failures++;
        const reason = e instanceof ModbusError ? e.code : 'other';
        this.stats.failuresByReason[reason] = (this.stats.failuresByReason[reason] ?? 0) + 1;
        job.reject(e);
      },
    ).finally(() => {
      this.stats.busyMs += performance.now() - started;
      // The next job is chosen once the promise continuations of this one have run: a client that
      // queues its transactions one after another (a tick's blocks, a scan's probes, a loop's
      // writes) has its next one queued by then, and priorities decide, not which client's
      // continuation came first. The bus stays busy meanwhile, so no job slips in.
      setImmediate(() => { this.busy = false; this.pump(); });
    });
  }
}
