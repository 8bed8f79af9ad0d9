/**
 * @module store/history/keys
 * Time and key arithmetic. Buckets are keyed by UTC day and series id in one uint32:
 * `day × 65536 + seriesId`, so one day of every series is contiguous (a tick dirties few pages)
 * and retention drops a key prefix. Days count from the epoch (good until 2149).
 */
import { HistoryError } from './errors';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MAX_SERIES = 0xffff;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
/**
 * Statistics thinned to hourly are kept in blocks of this many days (one LMDB value per series
 * and block, keyed by the block's first day): a day alone (24 slots) paid as much in key, node and
 * header bytes as in data. A week of hourly slots (≈ 0.3–0.7 KB sealed) stays well inside a page.
 */
export const HOURLY_BLOCK_DAYS = 7;
/** First day of the hourly block holding `day`. */
export const hourlyBlockDay = (day: number): number => day - (((day % HOURLY_BLOCK_DAYS) + HOURLY_BLOCK_DAYS) % HOURLY_BLOCK_DAYS);
export const bucketKey = (day: number, seriesId: number): number => day * 0x10000 + seriesId;
export const keyDay = (key: number): number => Math.floor(key / 0x10000);
export const keySeries = (key: number): number => key % 0x10000;

/** Sample rates allowed by STO-1 all divide an hour; any whole-minute divisor of a day works. */
export function intervalMinutes(intervalMs: number): number {
  const min = intervalMs / MINUTE_MS;
  if (!Number.isInteger(min) || min < 1 || min > 1440 || 1440 % min !== 0 || min > 255) {
    throw new HistoryError('bad-interval', `sample interval ${intervalMs} ms is not a whole-minute divisor of a day`);
  }
  return min;
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
