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
