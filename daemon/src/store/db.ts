/**
 * @module store/db
 * The LMDB environment: one file set under the data folder, named sub-databases per concern.
 * LMDB gives crash safety (copy-on-write B-tree, synced commits); we keep its defaults.
 */
import { open, type RootDatabase, type Database } from 'lmdb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Databases {
  root: RootDatabase;
  /** Installation configuration (gateways, devices, settings), versioned. */
  config: Database<unknown, string>;
  /** Who changed what (CFG-5). */
  audit: Database<unknown, string>;
  /** Users, sessions, trusted browsers. */
  auth: Database<unknown, string>;
  /** Sample history (store/history): buckets keyed `day × 65536 + series`, and their registry. */
  history: HistoryDatabases;
  close(): Promise<void>;
}

export interface HistoryDatabases {
  root: RootDatabase;
  /**
   * The statistics' own environment (`ews-stats.lmdb`). Statistics are most of the bytes written
   * and are never read by consumption charts: kept in the main file, their pages sat between the
   * counter pages, and every page a chart read brought its neighbours into the process's resident
   * memory (the kernel maps up to 64 KB of cached pages around each fault, whatever
   * MADV_RANDOM says). Apart, a chart only ever maps counter and ledger pages.
   */
  statsRoot: RootDatabase;
  /** One UTC day of one counter series per value. */
  counters: Database<Uint8Array, number>;
  /** One UTC day of one statistic at the sample rate per value (in `statsRoot`). */
  stats: Database<Uint8Array, number>;
  /** Energy per tariff of each counter series (the cost ledger), one UTC day per value. */
  tariffs: Database<Uint8Array, number>;
  /** Statistics thinned to hourly after their retention (in `statsRoot`). */
  statsHourly: Database<Uint8Array, number>;
  /** Series registry, counter states, ring positions. */
  meta: Database<unknown, string>;
}

const STAT_DBS = ['history.stats', 'history.statsHourly'] as const;

export function openHistoryDatabases(root: RootDatabase, statsRoot: RootDatabase): HistoryDatabases {
  const bucket = (r: RootDatabase, name: string) => r.openDB<Uint8Array, number>({ name, keyEncoding: 'uint32', encoding: 'binary' });
  migrateStatistics(root, statsRoot, bucket);
  return {
    root,
    statsRoot,
    counters: bucket(root, 'history.counters'),
    stats: bucket(statsRoot, 'history.stats'),
    statsHourly: bucket(statsRoot, 'history.statsHourly'),
    tariffs: bucket(root, 'history.tariffs'),
    meta: root.openDB<unknown, string>({ name: 'history.meta' }),
  };
}

/**
 * Data folders written before statistics had their own file: their buckets move to it (in
 * batches, each batch committed in the new file before it is removed from the old one, so an
 * interruption resumes where it stopped).
 */
function migrateStatistics(root: RootDatabase, statsRoot: RootDatabase, bucket: (r: RootDatabase, name: string) => Database<Uint8Array, number>): void {
  const names = root.getKeys({}) as Iterable<string>;
  const present = new Set<string>();
  for (const n of names) if (typeof n === 'string') present.add(n);
  for (const name of STAT_DBS) {
    if (!present.has(name)) continue;
    const from = bucket(root, name), to = bucket(statsRoot, name);
    for (;;) {
      const batch = [...from.getRange({ limit: 10_000 })].map(({ key, value }) => ({ key: key as number, value: Uint8Array.from(value) }));
      if (batch.length === 0) break;
      statsRoot.transactionSync(() => { for (const { key, value } of batch) to.putSync(key, value); });
      root.transactionSync(() => { for (const { key } of batch) from.removeSync(key); });
    }
    root.transactionSync(() => from.dropSync());
  }
}

/**
 * Opens the data folder's two environments. `readOnly`: a reader beside the daemon (a worker
 * process: data download) that never writes; the daemon must have opened (and migrated) them first.
 */
export function openDatabases(dataDir: string, opts: { readOnly?: boolean } = {}): Databases {
  if (!opts.readOnly) mkdirSync(dataDir, { recursive: true });
  // No OS read-ahead on the map: charts read scattered day buckets, and read-ahead would pull
  // neighbouring pages into memory for nothing (MDB_NORDAHEAD; the box has 512 MB).
  // `noReadAhead` is a documented lmdb-js option missing from its type declarations.
  const options: Parameters<typeof open>[0] & { noReadAhead: boolean } = { path: join(dataDir, 'ews.lmdb'), maxDbs: 32, noReadAhead: true, ...(opts.readOnly ? { readOnly: true } : {}) };
  const root = open(options);
  const statsRoot = open({ ...options, path: join(dataDir, 'ews-stats.lmdb'), maxDbs: 4 });
  const config = root.openDB<unknown, string>({ name: 'config' });
  const audit = root.openDB<unknown, string>({ name: 'audit' });
  const auth = root.openDB<unknown, string>({ name: 'auth' });
  return { root, config, audit, auth, history: openHistoryDatabases(root, statsRoot), close: async () => { await root.close(); await statsRoot.close(); } };
}
