/**
 * @module store/history/retention
 * Retention rings (STO-3): counters at the sample rate are kept `counterDays` (≥ 10 years),
 * statistics at the sample rate `statDays` (2 years) and then thinned to hourly buckets kept
 * `hourlyStatDays`. Statistics of a day that is over are sealed (re-encoded bit-packed, see
 * stat-bucket) the ticks after it ends. Work is bounded per call so that it rides along in each tick's transaction
 * without ever making one tick slow; relative to the newest stored day, never the wall clock.
 */
import type { Database } from 'lmdb';
import { decodeStat, isSealed, sealStat, thinToHourly } from './stat-bucket';
import type { BucketDb } from './buckets';
import { bucketKey } from './keys';

export interface Retention {
  counterDays: number;
  statDays: number;
  hourlyStatDays: number;
}

export const DEFAULT_RETENTION: Retention = { counterDays: 3660, statDays: 731, hourlyStatDays: 3660 };

export const RING_FROM_DAY = 'ring:counterFromDay';
/** Statistics buckets with a smaller key are sealed. */
export const RING_SEALED_KEY = 'ring:statSealedKey';

export class RetentionRings {
  private hourlyLastKey: number;

  constructor(private readonly dbs: { counters: BucketDb; stats: BucketDb; statsHourly: BucketDb; tariffs?: BucketDb; meta: Database<unknown, string> }, public retention: Retention) {
    const last = [...dbs.statsHourly.getKeys({ reverse: true, limit: 1 })][0];
    this.hourlyLastKey = typeof last === 'number' ? last : -1;
  }

  /** First day whose counters are still kept. */
  counterFromDay(): number { return (this.dbs.meta.get(RING_FROM_DAY) as number | undefined) ?? 0; }

  /** Does at most `budget` bucket operations; returns how many it did. */
  maintain(latestDay: number, budget: number): number {
    let left = budget;
    const { counters, stats, statsHourly, meta } = this.dbs;
    // `n` days are kept: the newest stored day and the n − 1 before it
    const fromDay = latestDay - this.retention.counterDays + 1;
    left -= this.drop(counters, fromDay, left);
    if (this.dbs.tariffs) left -= this.drop(this.dbs.tariffs, fromDay, left);
    if (fromDay > this.counterFromDay()) meta.putSync(RING_FROM_DAY, fromDay);
    if (left > 0) {
      const end = bucketKey(latestDay - this.retention.statDays + 1, 0);
      const batch = [...stats.getRange({ start: 0, end, limit: left })].map(({ key, value }) => ({ key: key as number, day: decodeStat(value) }));
      for (const { key, day } of batch) {
        const bytes = sealStat(thinToHourly(day));
        if (key > this.hourlyLastKey) { statsHourly.putSync(key, bytes, { append: true }); this.hourlyLastKey = key; }
        else statsHourly.putSync(key, bytes);
        stats.removeSync(key);
      }
      left -= batch.length;
    }
    if (left > 0) left -= this.drop(statsHourly, latestDay - this.retention.hourlyStatDays + 1, left);
    if (left > 0) left -= this.seal(latestDay, left);
    return budget - left;
  }

  /** Seals the statistics buckets of the days before `latestDay`, at most `limit` of them. */
  private seal(latestDay: number, limit: number): number {
    const { stats, meta } = this.dbs;
    const from = (meta.get(RING_SEALED_KEY) as number | undefined) ?? 0;
    const end = bucketKey(latestDay, 0);
    if (from >= end) return 0;
    let done = 0, next = from;
    const batch = [...stats.getRange({ start: from, end, limit })].map(({ key, value }) => ({ key: key as number, day: isSealed(value) ? null : decodeStat(value) }));
    for (const { key, day } of batch) {
      if (day) stats.putSync(key, sealStat(day));
      next = key + 1;
      done++;
    }
    if (done < limit) next = end;
    meta.putSync(RING_SEALED_KEY, next);
    return done;
  }

  private drop(db: BucketDb, beforeDay: number, limit: number): number {
    if (limit <= 0 || beforeDay <= 0) return 0;
    const keys = [...db.getKeys({ start: 0, end: bucketKey(beforeDay, 0), limit })] as number[];
    for (const k of keys) db.removeSync(k);
    return keys.length;
  }

  reset(): void {
    const last = [...this.dbs.statsHourly.getKeys({ reverse: true, limit: 1 })][0];
    this.hourlyLastKey = typeof last === 'number' ? last : -1;
  }
}
