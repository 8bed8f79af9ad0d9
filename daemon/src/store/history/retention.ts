/**
 * @module store/history/retention
 * Retention rings (STO-3): counters at the sample rate are kept `counterDays` (≥ 10 years),
 * statistics at the sample rate `statDays` (2 years, up to a week more: a week is thinned to hourly
 * once all its days are past) and then hourly, in weekly blocks (`HOURLY_BLOCK_DAYS`) kept
 * `hourlyStatDays` (until the block's last day is past). Statistics of a day that is over are sealed (re-encoded bit-packed, see
 * stat-bucket) the ticks after it ends. Work is bounded per call so that it rides along in each tick's transaction
 * without ever making one tick slow; relative to the newest stored day, never the wall clock.
 */
import type { Database } from 'lmdb';
import { decodeStat, isSealed, sealStat, thinToHourly } from './stat-bucket';
import type { BucketDb } from './buckets';
import { bucketKey, HOURLY_BLOCK_DAYS, hourlyBlockDay, keyDay, keySeries } from './keys';
import { mergeHourly } from './hourly-block';

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
    if (left > 0) left -= this.thin(hourlyBlockDay(latestDay - this.retention.statDays + 1), left);
    // a weekly block goes once all its days are past retention
    if (left > 0) left -= this.drop(statsHourly, hourlyBlockDay(latestDay - this.retention.hourlyStatDays + 1), left);
    if (left > 0) left -= this.seal(latestDay, left);
    return budget - left;
  }

  /**
   * Thins the statistics of the weeks before `beforeDay` (a block's first day) to hourly: per
   * series, the days of its oldest week join one weekly block written once (series in key order, so
   * blocks are appended and pages stay full); a block found already there (a week cut by the
   * budget) is merged. At most about `limit` bucket operations.
   */
  private thin(beforeDay: number, limit: number): number {
    const { stats, statsHourly } = this.dbs;
    const end = bucketKey(beforeDay, 0);
    let done = 0;
    while (done < limit) {
      const first = [...stats.getKeys({ start: 0, end, limit: 1 })][0] as number | undefined;
      if (first === undefined) break;
      const day0 = hourlyBlockDay(keyDay(first));
      const sids = [...stats.getKeys({ start: first, end: Math.min(end, bucketKey(keyDay(first) + 1, 0)), limit: Math.max(1, Math.floor((limit - done) / HOURLY_BLOCK_DAYS)) })] as number[];
      for (const k of sids) {
        const sid = keySeries(k), blockKey = bucketKey(day0, sid);
        const old = statsHourly.getBinary(blockKey);
        let block = old ? decodeStat(old) : undefined;
        for (let d = day0; d < day0 + HOURLY_BLOCK_DAYS && d < beforeDay; d++) {
          const bytes = stats.getBinary(bucketKey(d, sid));
          if (!bytes) continue;
          block = mergeHourly(block, decodeStat(bytes), d - day0);
          stats.removeSync(bucketKey(d, sid));
          done++;
        }
        if (!block) continue;
        const sealed = sealStat(block);
        if (blockKey > this.hourlyLastKey) { statsHourly.putSync(blockKey, sealed, { append: true }); this.hourlyLastKey = blockKey; }
        else statsHourly.putSync(blockKey, sealed);
        done++;
      }
    }
    return done;
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
