/**
 * @module store
 * Public face of the LMDB store: the databases (config, auth, history) and the time series.
 */
export { openDatabases, openHistoryDatabases, type Databases, type HistoryDatabases } from './db';
export * from './history/index';
/** Test helper (tests and scripts): a history store in a temporary folder. */
export { tempStore, type TempStore } from './history/testkit';
