/**
 * @module store/history/migrate
 * Forward-only migrations of the history's stored formats, run when the store opens.
 *
 * Format 2 (statistics that fit the flash): statistics are kept at the resolution their
 * quantity really has (`UNIT_RESOLUTION`: 0.1 V, 0.01 A, 1 W…) instead of the register's, and
 * every bucket of a past day is sealed (bit-packed). A store written before (no format key) has
 * its statistic series' quanta coarsened and every bucket re-encoded, in batches: each batch is
 * committed in the statistics file before the cursor moves in the main one, so an interruption
 * resumes where it stopped, and re-encoding a bucket twice gives the same bytes.
 */
import type { HistoryDatabases } from '../db';
import type { SeriesRegistry } from './series';
import { decodeStat, encodeStat, requantize, sealStat, UNIT_RESOLUTION } from './stat-bucket';
import { RING_SEALED_KEY } from './retention';
import { bucketKey, dayOf, keyDay, keySeries } from './keys';

export const STAT_FORMAT_KEY = 'history:statFormat';
export const STAT_FORMAT = 2;
const CURSOR = 'history:statMigration:';
const BATCH = 2000;

export interface MigrationReport { from: number; to: number; buckets: number }

/** The quantum a series stored at `quantum` moves to. */
export function coarserQuantum(unit: string, quantum: number): number {
  const res = UNIT_RESOLUTION[unit];
  return res === undefined ? quantum : Math.max(res, quantum);
}

export function migrateHistory(dbs: HistoryDatabases, registry: SeriesRegistry, latestSlotMs: number | undefined): MigrationReport | undefined {
  const from = (dbs.meta.get(STAT_FORMAT_KEY) as number | undefined) ?? 1;
  if (from >= STAT_FORMAT) return undefined;
  const statSeries = [...registry.all()].filter((s) => s.kind === 'statistic');
  let buckets = 0;
  if (statSeries.length > 0) {
    dbs.root.transactionSync(() => {
      for (const s of statSeries) {
        const q = coarserQuantum(s.unit, s.quantum ?? 0.001);
        if (q !== s.quantum) registry.update({ ...s, quantum: q });
      }
    });
    const openDay = latestSlotMs === undefined ? Infinity : dayOf(latestSlotMs);
    for (const [name, db] of [['stats', dbs.stats], ['statsHourly', dbs.statsHourly]] as const) {
      let start = (dbs.meta.get(CURSOR + name) as number | undefined) ?? 0;
      for (;;) {
        const batch = [...db.getRange({ start, limit: BATCH })].map(({ key, value }) => ({ key: key as number, day: decodeStat(value) }));
        if (batch.length === 0) break;
        dbs.statsRoot.transactionSync(() => {
          for (const { key, day } of batch) {
            const q = registry.byId(keySeries(key))?.quantum ?? day.quantum;
            const d = requantize(day, q);
            db.putSync(key, name === 'stats' && keyDay(key) >= openDay ? Uint8Array.from(encodeStat(d)) : sealStat(d));
          }
        });
        start = batch[batch.length - 1].key + 1;
        buckets += batch.length;
        dbs.root.transactionSync(() => dbs.meta.putSync(CURSOR + name, start));
      }
    }
  }
  dbs.root.transactionSync(() => {
    dbs.meta.putSync(STAT_FORMAT_KEY, STAT_FORMAT);
    if (latestSlotMs !== undefined) dbs.meta.putSync(RING_SEALED_KEY, bucketKey(dayOf(latestSlotMs), 0));
    for (const name of ['stats', 'statsHourly']) dbs.meta.removeSync(CURSOR + name);
  });
  return { from, to: STAT_FORMAT, buckets };
}
