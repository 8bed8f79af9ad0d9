/**
 * @module auth/rate-limit
 * Login throttling (AUTH-5): per client and per user, 5 failures within a window are allowed;
 * then every attempt is refused (even with the right code) until a lock ends; each new lock
 * lasts twice as long as the previous (30 s, 60 s, … up to 15 min). Success resets the client.
 */
import { systemClock, type Clock } from '../util/clock';

export interface LimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  firstLockMs?: number;
  maxLockMs?: number;
}

interface Entry { failures: number[]; lockedUntilMs: number; locks: number }

export class LoginLimiter {
  private entries = new Map<string, Entry>();
  private readonly o: Required<LimiterOptions>;

  constructor(private readonly clock: Clock = systemClock, opts: LimiterOptions = {}) {
    this.o = { maxFailures: 5, windowMs: 10 * 60_000, firstLockMs: 30_000, maxLockMs: 15 * 60_000, ...opts };
  }

  /** Milliseconds until `key` may try again (0: allowed now). */
  retryAfterMs(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntilMs - this.clock.now());
  }

  /** Records a failure; returns the lock duration if this failure started a lock. */
  fail(key: string): number {
    const now = this.clock.now();
    const e = this.entries.get(key) ?? { failures: [], lockedUntilMs: 0, locks: 0 };
    e.failures = e.failures.filter((t) => now - t < this.o.windowMs);
    e.failures.push(now);
    let lockMs = 0;
    if (e.failures.length >= this.o.maxFailures) {
      lockMs = Math.min(this.o.maxLockMs, this.o.firstLockMs * 2 ** e.locks);
      e.locks++;
      e.lockedUntilMs = now + lockMs;
      e.failures = [];
    }
    this.entries.set(key, e);
    if (this.entries.size > 10_000) this.prune(now);
    return lockMs;
  }

  succeed(key: string): void { this.entries.delete(key); }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.lockedUntilMs < now && e.failures.every((t) => now - t > this.o.windowMs)) this.entries.delete(k);
  }
}
