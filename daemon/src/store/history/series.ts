/**
 * @module store/history/series
 * The series registry (name ↔ 16-bit id, persisted) and the per-series counter state that
 * travels from one tick to the next (persisted in the same transaction as the buckets).
 * Counter series are named `<scope>|<counter>` (`device:12|activeEnergyImport`,
 * `load:lighting|activeEnergyImport`, `total|activeEnergyImport`, `type:water|water`);
 * statistics `device:<id>|<register key>`.
 */
import type { Database } from 'lmdb';
import type { CounterKind } from '@ews/shared';
import { HistoryError } from './errors';
import { MAX_SERIES } from './keys';
import { newCounterState, type CounterState } from './correction';

export interface SeriesInfo {
  id: number;
  name: string;
  /** `tariff`: the energy of a counter series that fell in one tariff (costs/ledger). */
  kind: 'counter' | 'statistic' | 'tariff';
  /** `device:<id>`, `load:<id>`, `group:<id>`, `type:<energy>` or `total`. */
  scope: string;
  counter?: CounterKind;
  /** Statistic: the register key (`voltageL1V`); tariff: the tariff id. */
  key?: string;
  unit: string;
  /** Statistic: the resolution values are stored at. */
  quantum?: number;
  /** Counter of a device: the raw register is kept beside the corrected counter. */
  raw?: boolean;
}

export const counterSeriesName = (scope: string, counter: CounterKind): string => `${scope}|${counter}`;
export const statSeriesName = (deviceId: number, key: string): string => `device:${deviceId}|${key}`;

const PREFIX = 'series:';
const STATE = 'state:';

export class SeriesRegistry {
  private byName = new Map<string, SeriesInfo>();
  private byIdMap = new Map<number, SeriesInfo>();
  private nextId = 1;

  constructor(private readonly meta: Database<unknown, string>) { this.reload(); }

  reload(): void {
    this.byName.clear(); this.byIdMap.clear(); this.nextId = 1;
    for (const { value } of this.meta.getRange({ start: PREFIX, end: `${PREFIX}\uffff` })) {
      const s = value as SeriesInfo;
      this.byName.set(s.name, s); this.byIdMap.set(s.id, s);
      this.nextId = Math.max(this.nextId, s.id + 1);
    }
  }

  get(name: string): SeriesInfo | undefined { return this.byName.get(name); }
  byId(id: number): SeriesInfo | undefined { return this.byIdMap.get(id); }
  all(): IterableIterator<SeriesInfo> { return this.byIdMap.values(); }
  get size(): number { return this.byIdMap.size; }

  /** Rewrites a series' description (same id and name; inside the caller's write transaction). */
  update(s: SeriesInfo): void {
    if (this.byIdMap.get(s.id)?.name !== s.name) throw new HistoryError('bad-bucket', `no series ${s.id} named ${s.name}`);
    this.meta.putSync(PREFIX + s.name, s);
    this.byName.set(s.name, s); this.byIdMap.set(s.id, s);
  }

  /** Returns the series, creating it (inside the caller's write transaction) if new. */
  ensure(info: Omit<SeriesInfo, 'id'>): SeriesInfo {
    const existing = this.byName.get(info.name);
    if (existing) return existing;
    if (this.nextId > MAX_SERIES) throw new HistoryError('too-many-series', `more than ${MAX_SERIES} series`);
    const s: SeriesInfo = Object.assign({ id: this.nextId++ }, info);
    this.meta.putSync(PREFIX + s.name, s);
    this.byName.set(s.name, s); this.byIdMap.set(s.id, s);
    return s;
  }
}

/** Counter states, cached; `flush` writes the changed ones in the current transaction. */
export class CounterStates {
  private cache = new Map<number, CounterState>();
  private dirty = new Set<number>();
  constructor(private readonly meta: Database<unknown, string>) {}

  /** The state of a series, or undefined if it never had a value. */
  peek(id: number): CounterState | undefined {
    let st = this.cache.get(id);
    if (!st) {
      const stored = this.meta.get(STATE + id) as CounterState | undefined;
      if (!stored) return undefined;
      st = { ...newCounterState(), ...stored };
      if (st.pendingRaw === null) st.pendingRaw = NaN;
      if (st.lastRaw === null) st.lastRaw = NaN;
      this.cache.set(id, st);
    }
    return st;
  }

  /** The state, created if needed, marked for writing. */
  edit(id: number): CounterState {
    let st = this.peek(id);
    if (!st) { st = newCounterState(); this.cache.set(id, st); }
    this.dirty.add(id);
    return st;
  }

  flush(): void {
    for (const id of this.dirty) this.meta.putSync(STATE + id, this.cache.get(id));
    this.dirty.clear();
  }

  /** Forgets everything cached (after a failed transaction). */
  reset(): void { this.cache.clear(); this.dirty.clear(); }
}
