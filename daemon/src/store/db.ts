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
  /** One UTC day of one counter series per value. */
  counters: Database<Uint8Array, number>;
  /** One UTC day of one statistic at the sample rate per value. */
  stats: Database<Uint8Array, number>;
  /** Energy per tariff of each counter series (the cost ledger), one UTC day per value. */
  tariffs: Database<Uint8Array, number>;
  /** Statistics thinned to hourly after their retention. */
  statsHourly: Database<Uint8Array, number>;
  /** Series registry, counter states, ring positions. */
  meta: Database<unknown, string>;
}

export function openHistoryDatabases(root: RootDatabase): HistoryDatabases {
  const bucket = (name: string) => root.openDB<Uint8Array, number>({ name, keyEncoding: 'uint32', encoding: 'binary' });
  return {
    root,
    counters: bucket('history.counters'),
    stats: bucket('history.stats'),
    statsHourly: bucket('history.statsHourly'),
    tariffs: bucket('history.tariffs'),
    meta: root.openDB<unknown, string>({ name: 'history.meta' }),
  };
}

export function openDatabases(dataDir: string): Databases {
  mkdirSync(dataDir, { recursive: true });
  // No OS read-ahead on the map: charts read scattered day buckets, and read-ahead would pull
  // neighbouring pages into memory for nothing (MDB_NORDAHEAD; the box has 512 MB).
  // `noReadAhead` is a documented lmdb-js option missing from its type declarations.
  const options: Parameters<typeof open>[0] & { noReadAhead: boolean } = { path: join(dataDir, 'ews.lmdb'), maxDbs: 32, noReadAhead: true };
  const root = open(options);
  const config = root.openDB<unknown, string>({ name: 'config' });
  const audit = root.openDB<unknown, string>({ name: 'audit' });
  const auth = root.openDB<unknown, string>({ name: 'auth' });
  return { root, config, audit, auth, history: openHistoryDatabases(root), close: () => root.close() };
}
