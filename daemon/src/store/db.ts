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
  close(): Promise<void>;
}

export function openDatabases(dataDir: string): Databases {
  mkdirSync(dataDir, { recursive: true });
  const root = open({ path: join(dataDir, 'ews.lmdb'), maxDbs: 32 });
  const config = root.openDB<unknown, string>({ name: 'config' });
  const audit = root.openDB<unknown, string>({ name: 'audit' });
  const auth = root.openDB<unknown, string>({ name: 'auth' });
  return { root, config, audit, auth, close: () => root.close() };
}
