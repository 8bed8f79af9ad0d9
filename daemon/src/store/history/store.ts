/**
 * @module store/history/store
 * `HistoryStore`: the sample history in LMDB. Live ticks and batches go through the same
 * `ingestBatch` (one write transaction per call: one per tick live, one per day when
 * back-filling); readers get corrected counters at any instant, slots with raw registers and
 * flags, and statistics.
 */
import type { CostType, CounterKind } from '@ews/shared';
import type { HistoryDatabases } from '../db';
import { BucketCache, fastBytes } from './buckets';
import { CounterStates, SeriesRegistry, counterSeriesName, statSeriesName, type SeriesInfo } from './series';
import { TickApplier, type IngestReport, type RegistersOf, type ScopesOf, type Tick } from './ingest';
import { counterAt, counterSlots, statSlots, type CounterSlot, type StatSlot } from './read';
import { DEFAULT_RETENTION, RetentionRings, type Retention } from './retention';
import { DAY_MS, dayOf, intervalMinutes } from './keys';
import { HistoryError } from './errors';
import { migrateHistory, type MigrationReport } from './migrate';
import { NO_TARIFF, TariffLedger, type LedgerProgress, type ProfileOf, type TariffProfile } from './tariff-ledger';

export interface HistoryStoreOptions {
  dbs: HistoryDatabases;
  /** The sample rate of the ticks to come (STO-1); changeable with `setSampleIntervalMs`. */
  sampleIntervalMs: number;
  /** Aggregate scopes of a device's counter; default: none (device series only). */
  scopesOf?: ScopesOf;
  retention?: Partial<Retention>;
  /** The tariff in force at each minute, per cost type (costs/); default: no tariffs. */
  profiles?: ProfileOf;
  now?: () => number;
  /** A background recomputation of costs failed. */
  onError?: (err: unknown) => void;
}

const NONE = new Uint8Array(1440).fill(NO_TARIFF);
/** No rules: no minute has a tariff. */
export const NO_PROFILE: TariffProfile = { tariffIds: [], key: 'none', utcDay: () => NONE };

export interface CounterSpan { firstSlotMs: number; firstValue: number; lastSlotMs: number; lastValue: number }

interface Observed { sum: number; count: number; min: number; max: number }

const LATEST = 'latestSlotMs';

export class HistoryStore {
  private readonly dbs: HistoryDatabases;
  private readonly registry: SeriesRegistry;
  private readonly states: CounterStates;
  private readonly counters: BucketCache;
  private readonly stats: BucketCache;
  private readonly rings: RetentionRings;
  private intervalMs: number;
  private scopesOf: ScopesOf;
  private latest: number | undefined;
  private fromDay: number;
  private observed = new Map<number, Map<string, Observed>>();
  private readonly applier: TickApplier;
  private readonly tariffCache: BucketCache;
  private readonly ledger: TariffLedger;
  private closed = false;
  /** What the forward migration at open did (undefined: the store was already current). */
  readonly migration: MigrationReport | undefined;

  constructor(opts: HistoryStoreOptions) {
    this.dbs = opts.dbs;
    intervalMinutes(opts.sampleIntervalMs);
    this.intervalMs = opts.sampleIntervalMs;
    this.scopesOf = opts.scopesOf ?? (() => []);
    this.registry = new SeriesRegistry(this.dbs.meta);
    this.states = new CounterStates(this.dbs.meta);
    this.counters = new BucketCache(this.dbs.counters);
    this.stats = new BucketCache(this.dbs.stats);
    this.rings = new RetentionRings({ counters: this.dbs.counters, stats: this.dbs.stats, statsHourly: this.dbs.statsHourly, tariffs: this.dbs.tariffs, meta: this.dbs.meta }, { ...DEFAULT_RETENTION, ...opts.retention });
    this.latest = this.dbs.meta.get(LATEST) as number | undefined;
    this.migration = migrateHistory(this.dbs, this.registry, this.latest);
    this.fromDay = this.rings.counterFromDay();
    this.applier = new TickApplier({ registry: this.registry, states: this.states, counters: this.counters, stats: this.stats }, this.scopesOf);
    this.tariffCache = new BucketCache(this.dbs.tariffs);
    this.ledger = new TariffLedger({
      registry: this.registry, states: this.states, counters: this.counters, tariffs: this.tariffCache,
      countersDb: this.dbs.counters, tariffsDb: this.dbs.tariffs, meta: this.dbs.meta, root: this.dbs.root,
      fromDay: () => this.fromDay, latestSlotMs: () => this.latest, ...(opts.now ? { now: opts.now } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
    }, opts.profiles ?? (() => NO_PROFILE));
  }

  get sampleIntervalMs(): number { return this.intervalMs; }
  /** New rate for the ticks to come; stored days keep theirs (each bucket carries its rate). */
  setSampleIntervalMs(ms: number): void { intervalMinutes(ms); this.intervalMs = ms; }
  setScopes(scopesOf: ScopesOf): void { this.scopesOf = scopesOf; this.applier.setScopes(scopesOf); }
  /** Slot of the newest tick stored. */
  latestSlotMs(): number | undefined { return this.latest; }

  /** One tick, one write transaction. */
  ingest(tick: Tick, registersOf: RegistersOf): IngestReport { return this.ingestBatch([tick], registersOf); }

  /** Ticks in time order, all in one write transaction. */
  ingestBatch(ticks: readonly Tick[], registersOf: RegistersOf): IngestReport {
    if (this.closed) throw new HistoryError('closed', 'history store is closed');
    const report: IngestReport = { ticks: 0, skipped: 0, filledSlots: 0, events: 0, puts: 0 };
    const I = this.intervalMs;
    let latest = this.latest ?? -Infinity;
    try {
      // statistics have their own file (store/db): its transaction encloses the main one, so a
      // failure rolls both back; the main one (counters, ledger) commits first
      this.dbs.statsRoot.transactionSync(() => this.dbs.root.transactionSync(() => {
        const applier = this.applier;
        let current: Tick | undefined;
        const live = this.observed;
        applier.begin({
          registersOf, intervalMs: I, report,
          ...(live.size || ticks.some((t) => t.observed)
            ? { takeObserved: (id: number, key: string) => (current?.observed ? current.observed(id, key) : live.get(id)?.get(key)) }
            : {}),
        });
        let day = NaN;
        for (const tick of ticks) {
          current = tick;
          const slotMs = Math.floor(tick.slotMs / I) * I;
          if (slotMs <= latest) { report.skipped++; continue; }
          if (dayOf(slotMs) !== day) { report.puts += this.counters.flush() + this.stats.flush(dayOf(latest + I)) + this.tariffCache.flush(); day = dayOf(slotMs); }
          applier.apply({ slotMs, readings: tick.readings });
          this.ledger.afterTick(slotMs, I);
          this.observed.clear();
          latest = slotMs;
          report.ticks++;
        }
        // a day is over once its last slot is written: its statistics are put sealed
        report.puts += this.counters.flush() + this.stats.flush(dayOf(latest + I)) + this.tariffCache.flush();
        this.ledger.flush();
        if (report.ticks === 0) return;
        this.dbs.meta.putSync(LATEST, latest);
        const perTick = 64 + Math.ceil((2 * this.registry.size * I) / DAY_MS);
        this.rings.maintain(dayOf(latest), perTick * report.ticks);
        this.states.flush();
      }));
    } catch (err) {
      this.resetCaches();
      throw err;
    }
    if (report.ticks) this.latest = latest;
    this.fromDay = this.rings.counterFromDay();
    return report;
  }

  /** Values read between ticks (live refresh): they widen the next slot's avg/min/max. */
  observe(deviceId: number, values: Record<string, { value: number | string }>): void {
    let m = this.observed.get(deviceId);
    if (!m) this.observed.set(deviceId, (m = new Map()));
    for (const [key, { value }] of Object.entries(values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const o = m.get(key);
      if (!o) m.set(key, { sum: value, count: 1, min: value, max: value });
      else { o.sum += value; o.count++; o.min = Math.min(o.min, value); o.max = Math.max(o.max, value); }
    }
  }

  /**
   * The device's next reading starts a new baseline (a meter replaced on purpose, or the hand-over
   * from a back-fill to live readings): no consumption is derived from the jump.
   */
  rebaseline(deviceId: number, counter?: CounterKind): void {
    this.dbs.root.transactionSync(() => {
      for (const s of this.registry.all()) {
        if (s.scope !== `device:${deviceId}` || s.kind !== 'counter' || (counter && s.counter !== counter)) continue;
        const st = this.states.edit(s.id);
        if (st.lastSlotMs >= 0) st.rebase = true;
      }
      this.states.flush();
    });
  }

  series(scope: string, counter: CounterKind): SeriesInfo | undefined { return this.registry.get(counterSeriesName(scope, counter)); }
  statisticSeries(deviceId: number, key: string): SeriesInfo | undefined { return this.registry.get(statSeriesName(deviceId, key)); }

  listSeries(filter: { kind?: SeriesInfo['kind']; scopePrefix?: string; counter?: CounterKind } = {}): SeriesInfo[] {
    return [...this.registry.all()].filter((s) => (!filter.kind || s.kind === filter.kind)
      && (!filter.scopePrefix || s.scope.startsWith(filter.scopePrefix))
      && (!filter.counter || s.counter === filter.counter));
  }

  /** Corrected counter at `ms` (the latest slot at or before it); undefined before any value. */
  counterAt(seriesId: number, ms: number): number | undefined {
    const v = counterAt((k) => fastBytes(this.dbs.counters, k), seriesId, this.states.peek(seriesId), ms, this.fromDay);
    return Number.isNaN(v) ? undefined : v;
  }

  counterSpan(seriesId: number): CounterSpan | undefined {
    const st = this.states.peek(seriesId);
    if (!st || st.lastSlotMs < 0) return undefined;
    const firstSlotMs = Math.max(st.firstSlotMs, this.fromDay * DAY_MS);
    const firstValue = firstSlotMs === st.firstSlotMs ? st.firstValue : this.counterAt(seriesId, firstSlotMs) ?? st.firstValue;
    return { firstSlotMs, firstValue, lastSlotMs: st.lastSlotMs, lastValue: st.lastValue };
  }

  counterSlots(seriesId: number, fromMs: number, toMs: number): CounterSlot[] { return counterSlots(this.dbs.counters, seriesId, fromMs, toMs); }

  statistics(deviceId: number, key: string, fromMs: number, toMs: number): StatSlot[] {
    const s = this.statisticSeries(deviceId, key);
    return s ? statSlots(this.dbs.stats, this.dbs.statsHourly, s.id, fromMs, toMs) : [];
  }

  /** Pages used by each history database (LMDB statistics). */
  sizes(): Record<'counters' | 'stats' | 'statsHourly' | 'meta', { bytes: number; entries: number }> {
    const one = (db: { getStats(): unknown }) => {
      const s = db.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; entryCount: number };
      return { bytes: s.pageSize * (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages), entries: s.entryCount };
    };
    return { counters: one(this.dbs.counters), stats: one(this.dbs.stats), statsHourly: one(this.dbs.statsHourly), meta: one(this.dbs.meta) };
  }

  // #region costs (COST-5)
  /** New tariff profiles (rules, tariffs or zone changed): history is checked and recomputed in the background. */
  setProfiles(profiles: ProfileOf, changed: readonly CostType[] = []): Promise<void> {
    this.ledger.setProfiles(profiles, changed);
    return this.ledger.scheduleCheck();
  }
  /** Brings the cost ledger up to date with the profiles (resolves when done). */
  checkCosts(): Promise<void> { return this.ledger.scheduleCheck(); }
  costProgress(): LedgerProgress | null { return this.ledger.progress(); }
  /**
   * Energy of a counter series that fell in a tariff, up to instant `ms`, from an arbitrary
   * origin (only differences mean something). 0 for series or tariffs without any.
   */
  tariffEnergyAt(scope: string, counter: CounterKind, tariffId: string, ms: number): number {
    const base = this.series(scope, counter);
    return base ? this.ledger.energyAt(base, tariffId, ms) : 0;
  }
  /** `tariffEnergyAt` at each of `times` (ascending or not), reading each day once. */
  tariffEnergyAtEach(scope: string, counter: CounterKind, tariffId: string, times: readonly number[]): number[] {
    const base = this.series(scope, counter);
    return base ? this.ledger.energyAtEach(base, tariffId, times) : times.map(() => 0);
  }
  // #endregion

  /** Stops accepting ticks; the LMDB environment is closed by its owner. */
  close(): void { this.closed = true; this.ledger.stop(); }

  private resetCaches(): void {
    this.registry.reload();
    this.states.reset();
    this.counters.reset();
    this.stats.reset();
    this.rings.reset();
    this.observed.clear();
    this.applier.invalidate();
    this.tariffCache.reset();
    this.ledger.reset();
  }
}
