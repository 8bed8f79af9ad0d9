/**
 * @module store/history/migrate
 * Forward-only migrations of the history's stored formats, run when the store opens.
 *
 * Format 2 (statistics that fit the flash): statistics are kept at the resolution their
 * quantity really has (`UNIT_RESOLUTION`: 0.1 V, 0.01 A, 1 W…) instead of the register's, and
 * every bucket of a past day is sealed (bit-packed). A store written before (no format key) has
 * its statistic series' quanta coarsened and every bucket re-encoded.
 *
 * Format 3: statistics thinned to hourly are kept in weekly blocks (`HOURLY_BLOCK_DAYS`), and a
 * load-dependent quantity (`RELATIVE_UNITS`: W, var, VA, A) is sealed at a quantum relative to
 * the bucket's peak (stat-bucket's `sealQuantum`). The one-day hourly buckets are merged into
 * blocks and the sealed buckets of power and current sealed again.
 *
 * Format 4: sealed buckets may use the range layout (stat-bucket: max − min, then where the
 * average sits in it; the average's Rice parameter from the slot before's range), about 8 % smaller
 * on power and current. Every sealed bucket is sealed again (same quantum, same values).
 *
 * Format 5: a load-dependent quantity's sealed buckets are companded (stat-bucket: a step that
 * follows the reading, 0.7 % of it above the knee), and sealed buckets have a compact header.
 * Buckets sealed in format 3 or 4 are read as they are and not sealed again: rewriting a sealed
 * bucket in place gives no page back (LMDB merges a page only when it falls below a quarter full:
 * measured on a 16-meter, 10-year store, 110 688 buckets rewritten in 147 s left the statistics
 * pages at 33.1 MB against 31.6 before), and would hold the daemon's start for minutes on a big
 * store. Days sealed from now on take the new format; a store older than format 4 is sealed again
 * by the passes below anyway, and so gets it.
 *
 * Each pass works in batches: a batch is committed in the statistics file before its cursor moves
 * in the main one, so an interruption resumes where it stopped, and converting a batch twice
 * gives the same buckets.
 */
import type { HistoryDatabases } from '../db';
import type { SeriesRegistry } from './series';
import { decodeStat, encodeStat, isSealed, RELATIVE_UNITS, requantize, sealStat, statDays, UNIT_RESOLUTION, type StatDay } from './stat-bucket';
import { RING_SEALED_KEY } from './retention';
import { bucketKey, dayOf, HOURLY_BLOCK_DAYS, hourlyBlockDay, keyDay, keySeries } from './keys';
import { mergeHourly } from './hourly-block';

export const STAT_FORMAT_KEY = 'history:statFormat';
export const STAT_FORMAT = 5;
const CURSOR = 'history:statMigration:';
const BATCH = 2000;

export interface MigrationReport { from: number; to: number; buckets: number }

/** The quantum a series stored at `quantum` moves to. */
export function coarserQuantum(unit: string, quantum: number): number {
  const res = UNIT_RESOLUTION[unit];
  return res === undefined ? quantum : Math.max(res, quantum);
}

type Db = HistoryDatabases['stats'];

/** Runs `convert` over `db` in batches of keys from a persisted cursor; returns the buckets seen. */
function pass(dbs: HistoryDatabases, name: string, db: Db, convert: (batch: Array<{ key: number; bytes: Uint8Array }>) => void, nextRange: (start: number) => { start: number; end?: number; limit?: number }): number {
  let start = (dbs.meta.get(CURSOR + name) as number | undefined) ?? 0, buckets = 0;
  for (;;) {
    const range = nextRange(start);
    const batch = [...db.getRange({ start: range.start, ...(range.end !== undefined ? { end: range.end } : {}), limit: range.limit ?? BATCH })]
      .map(({ key, value }) => ({ key: key as number, bytes: Uint8Array.from(value) }));
    if (batch.length === 0 && range.end === undefined) break;
    if (batch.length > 0) dbs.statsRoot.transactionSync(() => convert(batch));
    start = range.end ?? batch[batch.length - 1].key + 1;
    buckets += batch.length;
    dbs.root.transactionSync(() => dbs.meta.putSync(CURSOR + name, start));
    if (range.end !== undefined && [...db.getKeys({ start, limit: 1 })].length === 0) break;
  }
  return buckets;
}

export function migrateHistory(dbs: HistoryDatabases, registry: SeriesRegistry, latestSlotMs: number | undefined): MigrationReport | undefined {
  const from = (dbs.meta.get(STAT_FORMAT_KEY) as number | undefined) ?? 1;
  if (from >= STAT_FORMAT) return undefined;
  const statSeries = [...registry.all()].filter((s) => s.kind === 'statistic');
  if (statSeries.length === 0) {
    // a new store (or one without statistics): nothing to convert
    dbs.root.transactionSync(() => dbs.meta.putSync(STAT_FORMAT_KEY, STAT_FORMAT));
    return undefined;
  }
  const relative = (key: number) => RELATIVE_UNITS.has(registry.byId(keySeries(key))?.unit ?? '');
  const withUnit = (key: number, d: StatDay): StatDay => (relative(key) ? { ...d, relative: true } : d);
  const openDay = latestSlotMs === undefined ? Infinity : dayOf(latestSlotMs);
  let buckets = 0;
  if (from < 2) {
    dbs.root.transactionSync(() => {
      for (const s of statSeries) {
        const q = coarserQuantum(s.unit, s.quantum ?? 0.001);
        if (q !== s.quantum) registry.update({ ...s, quantum: q });
      }
    });
  }
  // format 2 to 4 (and so 5): every bucket at its series' quantum (1 → 2), past days sealed, power
  // and current at their bucket-relative quantum (2 → 3), every sealed bucket in the format 4
  // layouts (3 → 4): in format 5, companded and with the compact header. Nothing to rewrite from 4.
  for (const [name, db] of from >= 4 ? [] : [['stats', dbs.stats], ['statsHourly', dbs.statsHourly]] as const) {
    if (from === 2 && name === 'statsHourly') continue; // the blocks pass below seals them
    buckets += pass(dbs, name, db, (batch) => {
      for (const { key, bytes } of batch) {
        if (from >= 2 && !isSealed(bytes)) continue;
        const q = registry.byId(keySeries(key))?.quantum;
        const day = decodeStat(bytes);
        const d = withUnit(key, q === undefined ? day : requantize(day, Math.max(q, day.quantum)));
        db.putSync(key, name === 'stats' && keyDay(key) >= openDay ? Uint8Array.from(encodeStat(d)) : sealStat(d));
      }
    }, (start) => ({ start }));
  }
  // format 3: one-day hourly buckets into weekly blocks, a week of every series per batch
  const first = from < 3 ? [...dbs.statsHourly.getKeys({ limit: 1 })][0] as number | undefined : undefined;
  if (first !== undefined) {
    pass(dbs, 'hourlyBlocks', dbs.statsHourly, (batch) => {
      const groups = new Map<number, Array<{ key: number; bytes: Uint8Array }>>();
      for (const e of batch) {
        const bk = bucketKey(hourlyBlockDay(keyDay(e.key)), keySeries(e.key));
        groups.set(bk, [...(groups.get(bk) ?? []), e]);
      }
      for (const [bk, entries] of groups) {
        let block: StatDay | undefined;
        for (const { key, bytes } of entries.sort((a, b) => a.key - b.key)) {
          const d = withUnit(key, decodeStat(bytes));
          if (key === bk && statDays(d) > 1) block = d;
          else block = mergeHourly(block, d, keyDay(key) - keyDay(bk));
          if (key !== bk) dbs.statsHourly.removeSync(key);
        }
        dbs.statsHourly.putSync(bk, sealStat(block!));
      }
    }, (start) => {
      const next = [...dbs.statsHourly.getKeys({ start, limit: 1 })][0] as number | undefined;
      const b0 = hourlyBlockDay(keyDay(next ?? start));
      return { start: bucketKey(b0, 0), end: bucketKey(b0 + HOURLY_BLOCK_DAYS, 0), limit: 1e9 };
    });
  }
  dbs.root.transactionSync(() => {
    dbs.meta.putSync(STAT_FORMAT_KEY, STAT_FORMAT);
    if (latestSlotMs !== undefined && from < 2) dbs.meta.putSync(RING_SEALED_KEY, bucketKey(dayOf(latestSlotMs), 0));
    for (const name of ['stats', 'statsHourly', 'hourlyBlocks']) dbs.meta.removeSync(CURSOR + name);
  });
  return { from, to: STAT_FORMAT, buckets };
}
