/**
 * @module alarms/outbox
 * Delivery that loses nothing (NOTE-6): every notice is written to LMDB before any attempt, sent
 * in the background (never on the bus, tick or API path), retried with a growing back-off across
 * restarts, and dropped only after an explicit expiry, which is logged. Sent and expired notices
 * stay listed for a while with their attempts and last error.
 */
import type { Database } from 'lmdb';
import type { OutboxItem } from '@ews/shared';
import type { Clock, Timer } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import { smtpErrorText, type MailMessage } from './email';

export type Channel = 'email' | 'telegram';

/** An e-mail (`to`: comma-separated addresses) or a Telegram message (`to`: the chat id). */
export type Notice = MailMessage;

interface StoredItem extends Notice {
  id: string;
  channel: Channel;
  createdAtMs: number;
  attempts: number;
  nextAttemptAtMs: number | null;
  lastError?: string;
  state: 'pending' | 'sent' | 'expired';
  doneAtMs?: number;
}

export interface OutboxOptions {
  db: Database<unknown, string>;
  send: (channel: Channel, m: Notice) => Promise<void>;
  clock: Clock;
  log?: Logger;
  /** First retry delay and its ceiling (doubling between them). Defaults 30 s and 30 min. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A notice not delivered after this long is expired (default 7 days). */
  expireMs?: number;
  /** Sent and expired notices are kept this long (default 30 days). */
  keepDoneMs?: number;
}

const PREFIX = 'o:';

export class Outbox {
  private timer: Timer | undefined;
  private running = false;
  private working: Promise<void> | undefined;
  private seq = 0;
  private readonly log: Logger;

  constructor(private readonly opts: OutboxOptions) {
    this.log = opts.log ?? silentLogger;
    for (const key of opts.db.getKeys({ start: `${PREFIX}~`, end: PREFIX, reverse: true, limit: 1 })) this.seq = Number(String(key).slice(-6));
  }

  start(): void {
    this.running = true;
    const pending = this.items().filter((i) => i.state === 'pending').length;
    if (pending) this.log.info('pending notices to deliver', { pending });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.working;
  }

  /** Persists a notice (before any attempt) and wakes the sender. */
  async enqueue(channel: Channel, m: Notice): Promise<string> {
    const now = this.opts.clock.now();
    const id = `${String(now).padStart(13, '0')}-${String(++this.seq % 1_000_000).padStart(6, '0')}`;
    const item: StoredItem = { id, channel, ...m, createdAtMs: now, attempts: 0, nextAttemptAtMs: now, state: 'pending' };
    await this.opts.db.put(PREFIX + id, item);
    this.log.info('notice queued', { id, channel, to: m.to, subject: m.subject });
    this.schedule(0);
    return id;
  }

  list(limit = 200): OutboxItem[] {
    return this.items(limit).map((i) => ({
      id: i.id, channel: i.channel, to: i.to, subject: i.subject, createdAt: new Date(i.createdAtMs).toISOString(),
      ...(i.attachments?.length ? { attachments: i.attachments.map((a) => a.filename) } : {}), attempts: i.attempts,
      nextAttemptAt: i.nextAttemptAtMs === null ? null : new Date(i.nextAttemptAtMs).toISOString(),
      ...(i.lastError ? { lastError: i.lastError } : {}), state: i.state,
    }));
  }

  private items(limit?: number): StoredItem[] {
    return [...this.opts.db.getRange({ start: `${PREFIX}~`, end: PREFIX, reverse: true, ...(limit ? { limit } : {}) })].map((e) => e.value as StoredItem);
  }

  private schedule(inMs: number): void {
    if (!this.running) return;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => { this.timer = undefined; this.kick(); }, Math.max(0, inMs));
  }

  private kick(): void {
    if (this.working) { void this.working.then(() => this.schedule(0)); return; }
    this.working = this.work().catch((err: unknown) => { this.log.error('outbox failed', { err }); }).finally(() => { this.working = undefined; });
  }

  /** Sends every due notice, one at a time, then sleeps until the next is due. */
  private async work(): Promise<void> {
    const { clock } = this.opts;
    const minMs = this.opts.minBackoffMs ?? 30_000, maxMs = this.opts.maxBackoffMs ?? 1_800_000;
    const expireMs = this.opts.expireMs ?? 7 * 86_400_000, keepMs = this.opts.keepDoneMs ?? 30 * 86_400_000;
    let nextDueMs: number | null = null;
    for (const item of this.items().reverse()) {
      if (!this.running) return;
      const now = clock.now();
      if (item.state !== 'pending') {
        if (item.doneAtMs !== undefined && now - item.doneAtMs > keepMs) await this.opts.db.remove(PREFIX + item.id);
        continue;
      }
      if (now - item.createdAtMs > expireMs) {
        await this.opts.db.put(PREFIX + item.id, { ...item, state: 'expired', nextAttemptAtMs: null, doneAtMs: now });
        this.log.warn('notice expired undelivered', { id: item.id, to: item.to, subject: item.subject, attempts: item.attempts, lastError: item.lastError });
        continue;
      }
      if ((item.nextAttemptAtMs ?? 0) > now) { nextDueMs = Math.min(nextDueMs ?? Infinity, item.nextAttemptAtMs!); continue; }
      const attempts = item.attempts + 1;
      try {
        await this.opts.send(item.channel, { to: item.to, subject: item.subject, text: item.text, ...(item.attachments ? { attachments: item.attachments } : {}) });
        // attachments are not kept once delivered (the list shows their names)
        const { attachments, ...rest } = item;
        await this.opts.db.put(PREFIX + item.id, { ...rest, ...(attachments ? { attachments: attachments.map((a) => ({ ...a, content: Buffer.alloc(0) })) } : {}), attempts, state: 'sent', nextAttemptAtMs: null, doneAtMs: clock.now() });
        this.log.info('notice sent', { id: item.id, to: item.to, attempts });
      } catch (err) {
        const backoffMs = Math.min(maxMs, minMs * 2 ** Math.min(20, attempts - 1));
        const next = clock.now() + backoffMs;
        const lastError = smtpErrorText(err);
        await this.opts.db.put(PREFIX + item.id, { ...item, attempts, nextAttemptAtMs: next, lastError });
        this.log.warn('notice not delivered, will retry', { id: item.id, attempts, retryInMs: backoffMs, error: lastError });
        nextDueMs = Math.min(nextDueMs ?? Infinity, next);
      }
    }
    if (nextDueMs !== null) this.schedule(nextDueMs - clock.now());
  }
}
