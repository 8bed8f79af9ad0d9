/**
 * @module store/history
 * Public face of the sample history (DESIGN "Storage (LMDB)", SPEC STO-1…6).
 */
export { HistoryStore, NO_PROFILE, type HistoryStoreOptions, type CounterSpan } from './store';
export { NO_TARIFF, BLOCK_DAYS, type TariffProfile, type ProfileOf, type LedgerProgress } from './tariff-ledger';
export { HistoryError, type HistoryErrorCode } from './errors';
export { FLAG, decodeCounter } from './counter-bucket';
export { counterUnit, type IngestRegister, type RegistersOf, type ScopesOf, type Tick, type IngestReport } from './ingest';
export type { SeriesInfo } from './series';
export type { CounterSlot, StatSlot } from './read';
export { DEFAULT_RETENTION, type Retention } from './retention';
export { statSlotCount, statQuantum, gridValue, RELATIVE_UNITS, UNIT_RESOLUTION } from './stat-bucket';
export { STAT_FORMAT, type MigrationReport } from './migrate';
export { TUNING as CORRECTION_TUNING } from './correction';
