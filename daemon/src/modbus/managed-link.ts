/**
 * @module modbus/managed-link
 * Keeps a link open: opens it, and when it closes or fails to open, retries with exponential
 * back-off (with jitter) until stopped. Status changes are events, so a gateway can show
 * "Communication error" with the reason while the daemon keeps running.
 */
import { Emitter } from '../util/events';
import type { Link } from './link';
import { systemClock, type Clock, type Timer } from '../util/clock';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import { ModbusError } from './errors';

export type LinkStatus =
  | { state: 'open' }
  | { state: 'down'; reason: string; retryInMs: number; everOpened: boolean }
  | { state: 'stopped' };

export interface ManagedLinkOptions {
  clock?: Clock;
  log?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class ManagedLink {
  readonly events = new Emitter<{ status: [LinkStatus]; data: [Uint8Array] }>();
  private link: Link | undefined;
  private unsubscribe: Array<() => void> = [];
  private timer: Timer | undefined;
  private backoffMs: number;
  private running = false;
  private opening: Promise<void> | undefined;
  private everOpened = false;
  private _status: LinkStatus = { state: 'stopped' };
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private factory: () => Link, opts: ManagedLinkOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.backoffMs = this.minBackoffMs;
  }

  get status(): LinkStatus { return this._status; }
  get isOpen(): boolean { return this.link?.isOpen ?? false; }
  get name(): string { return this.link?.name ?? this.factory().name; }

  /** Starts keeping the link open; resolves after the first attempt (success or not). */
  start(): Promise<void> {
    if (this.running) return this.opening ?? Promise.resolve();
    this.running = true;
    return this.attempt();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) { this.clock.clearTimeout(this.timer); this.timer = undefined; }
    await this.opening?.catch(() => {});
    await this.teardown();
    this.setStatus({ state: 'stopped' });
  }

  /** Replaces the link (new port or settings): closes the current one and opens the new at once. */
  async replace(factory: () => Link): Promise<void> {
    this.factory = factory;
    if (this.timer) { this.clock.clearTimeout(this.timer); this.timer = undefined; }
    await this.opening?.catch(() => {});
    await this.teardown();
    this.backoffMs = this.minBackoffMs;
    if (this.running) await this.attempt();
  }

  async write(data: Uint8Array): Promise<void> {
    const link = this.link;
    if (!link || !link.isOpen) throw this.downError();
    try {
      await link.write(data);
    } catch (err) {
      throw new ModbusError('closed', `write failed on ${link.name}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  /** The error a request gets while the link is down. */
  downError(): ModbusError {
    const s = this._status;
    if (s.state === 'down' && !s.everOpened) return new ModbusError('unreachable', s.reason);
    return new ModbusError('closed', s.state === 'down' ? s.reason : 'link not open');
  }

  private setStatus(s: LinkStatus): void {
    this._status = s;
    this.events.emit('status', s);
  }

  private async teardown(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    if (link) await link.close().catch(() => {});
  }

  private attempt(): Promise<void> {
    const link = this.factory();
    this.opening = (async () => {
      try {
        await link.open();
      } catch (err) {
        const reason = (err as Error).message || 'open failed';
        this.scheduleRetry(reason);
        return;
      }
      if (!this.running) { await link.close().catch(() => {}); return; }
      this.link = link;
      this.everOpened = true;
      this.backoffMs = this.minBackoffMs;
      this.unsubscribe.push(
        link.events.on('data', (d) => this.events.emit('data', d)),
        link.events.on('close', (reason) => {
          if (this.link !== link) return;
          for (const u of this.unsubscribe) u();
          this.unsubscribe = [];
          this.link = undefined;
          this.log.warn('link lost', { link: link.name, reason });
          this.scheduleRetry(reason);
        }),
      );
      this.log.info('link open', { link: link.name });
      this.setStatus({ state: 'open' });
    })().finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private scheduleRetry(reason: string): void {
    if (!this.running) return;
    const jitter = 0.8 + Math.random() * 0.4;
    const delay = Math.round(this.backoffMs * jitter);
    this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
    this.log.debug('link down, retrying', { reason, retryInMs: delay });
    this.setStatus({ state: 'down', reason, retryInMs: delay, everOpened: this.everOpened });
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => { this.timer = undefined; if (this.running) void this.attempt(); }, delay);
  }
}
