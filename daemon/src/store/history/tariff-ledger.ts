/**
 * @module store/history/tariff-ledger
 * The cost ledger (COST-5, DESIGN "cost counters"): for every counter series that has a cost
 * type (active energy import → electricity, gas, water) and every tariff, the energy of that
 * series that fell in that tariff, slot by slot. Costs are then energy × the price in force,
 * read at bar and price-change boundaries, so a price change needs no recomputation and a
 * price change on the 15th splits the month exactly.
 *
 * Tariff series are running counters **within blocks of 32 UTC days** (a block's first value
 * counts from 0); a reading is the sum of the totals of the blocks before plus the value in its
 * block. A rule change therefore rewrites history block by block, in place, and every block is
 * always either wholly old or wholly new: figures read during a recomputation never jump.
 *
 * Live ticks append to the current block inside the ingest transaction. A background check
 * compares each block's fingerprint (the minute-by-minute tariff profile of its days) with the
 * one it was computed with, and recomputes the blocks that differ: after a rule change, a zone
 * change, a gap filled in the past, or at the first start after an upgrade.
 */
import { COST_TYPES, costTypeOfCounter, type CostType } from '@ews/shared';
import type { Database } from 'lmdb';
import { counterAtOrBefore, decodeCounter, emptyCounterDay, encodeCounter, type CounterDay } from './counter-bucket';
import { fastBytes, type BucketCache, type BucketDb } from './buckets';
import { counterAt } from './read';
import type { CounterStates, SeriesInfo, SeriesRegistry } from './series';
import { ByteWriter } from './varint';
import { bucketKey, dayOf } from './keys';

const DAY_MS = 86_400_000, HOUR_MS = 3_600_000, MINUTE_MS = 60_000;
/** Gaps up to a day inside a block are accounted live, slot by slot; longer ones by the check. */
const LIVE_GAP_MAX_MS = DAY_MS;
export const BLOCK_DAYS = 32;
export const blockOf = (day: number): number => Math.floor(day / BLOCK_DAYS);
export const NO_TARIFF = 255;
/** Work per background transaction before yielding to the event loop. */
const CHUNK_MS = 20;


/** Which tariff is in force at each minute (costs/schedule's `TariffSchedule` fits). */
export interface TariffProfile {
  /** The tariffs the profile's indexes refer to. */
  readonly tariffIds: readonly string[];
  /** Changes whenever the profile may change (rules, tariffs, zone). */
  readonly key: string;
  /** Tariff index for each minute of a UTC day; NO_TARIFF where none. */
  utcDay(day: number): Uint8Array;
}
export type ProfileOf = (kind: CostType) => TariffProfile;

export interface LedgerProgress { kinds: CostType[]; percent: number; startedAtMs: number }

/** Where a base series stands in the ledger (persisted with the ticks). */
interface LedgerState {
  /** Slot last accounted, and the series' corrected value there. */
  c: number;
  v: number;
  /** Block of `c`, and the running energy per tariff id within it. */
  b: number;
  r: Record<string, number>;
}

type Shares = ReadonlyArray<readonly [tariff: number, share: number]>;

const STATE = 'ledger:';
const HASH = 'ledgerHash:';
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface LedgerContext {
  registry: SeriesRegistry;
  states: CounterStates;
  /** The counters' write-back cache of the running transaction (ingest), for reading base days. */
  counters: BucketCache;
  tariffs: BucketCache;
  countersDb: BucketDb;
  tariffsDb: BucketDb;
  meta: Database<unknown, string>;
  root: { transactionSync<T>(fn: () => T): T };
  /** First day still kept (retention). */
  fromDay: () => number;
  latestSlotMs: () => number | undefined;
  now?: () => number;
  /** A background check failed (it is retried at the next change or block). */
  onError?: (err: unknown) => void;
}

export class TariffLedger {
  private profileOf: ProfileOf;
  private states = new Map<number, LedgerState | null>();
  private dirtyStates = new Set<number>();
  private bases: SeriesInfo[] = [];
  private basesAt = -1;
  private tariffSeriesOf = new Map<number, SeriesInfo[]>();
  private shareMemo = new Map<string, Shares>();
  private totals = new Map<number, Map<number, number>>();
  private running: Promise<void> | null = null;
  private again = false;
  private progressNow: LedgerProgress | null = null;
  private stopped = false;
  private readonly scratch = new ByteWriter(1024);

  constructor(private readonly ctx: LedgerContext, profileOf: ProfileOf) { this.profileOf = profileOf; }

  /**
   * New profiles. `changed` kinds show as being recomputed at once (0 %) when they have history,
   * until the check has found what to do.
   */
  setProfiles(profileOf: ProfileOf, changed: readonly CostType[] = []): void {
    this.profileOf = profileOf;
    this.shareMemo.clear();
    const withData = changed.filter((k) => this.baseSeries().some((b) => costTypeOfCounter(b.counter) === k));
    if (withData.length && this.ctx.latestSlotMs() !== undefined) {
      const kinds = [...new Set([...(this.progressNow?.kinds ?? []), ...withData])];
      this.progressNow = { kinds, percent: this.progressNow?.percent ?? 0, startedAtMs: this.progressNow?.startedAtMs ?? this.ctx.now?.() ?? Date.now() };
    }
  }

  /** The recomputation under way, if any. */
  progress(): LedgerProgress | null { return this.progressNow; }

  // #region series
  /** Counter series that have a cost type (devices and every aggregate scope). */
  baseSeries(): SeriesInfo[] {
    if (this.basesAt !== this.ctx.registry.size) {
      this.bases = [...this.ctx.registry.all()].filter((s) => s.kind === 'counter' && costTypeOfCounter(s.counter) !== null);
      this.tariffSeriesOf.clear();
      for (const s of this.ctx.registry.all()) {
        if (s.kind !== 'tariff') continue;
        const base = this.ctx.registry.get(s.name.slice(0, s.name.lastIndexOf('|tariff:')));
        if (!base) continue;
        let list = this.tariffSeriesOf.get(base.id);
        if (!list) this.tariffSeriesOf.set(base.id, (list = []));
        list.push(s);
      }
      this.basesAt = this.ctx.registry.size;
    }
    return this.bases;
  }

  private tariffSeries(base: SeriesInfo, tariffId: string): SeriesInfo {
    const name = `${base.name}|tariff:${tariffId}`;
    const existing = this.ctx.registry.get(name);
    if (existing) return existing;
    const s = this.ctx.registry.ensure({ name, kind: 'tariff', scope: base.scope, counter: base.counter!, key: tariffId, unit: base.unit });
    this.basesAt = -1;
    return s;
  }
  // #endregion

  // #region states
  private state(id: number): LedgerState | undefined {
    let s = this.states.get(id);
    if (s === undefined) {
      s = (this.ctx.meta.get(STATE + id) as LedgerState | undefined) ?? null;
      this.states.set(id, s);
    }
    return s ?? undefined;
  }

  private setState(id: number, s: LedgerState): void { this.states.set(id, s); this.dirtyStates.add(id); }

  /** Writes the changed states (inside the caller's transaction). */
  flush(): void {
    for (const id of this.dirtyStates) this.ctx.meta.putSync(STATE + id, this.states.get(id));
    this.dirtyStates.clear();
  }

  /** After a failed transaction: forget what was not written. */
  reset(): void {
    this.states.clear();
    this.dirtyStates.clear();
    this.basesAt = -1;
    this.totals.clear();
  }
  // #endregion

  // #region shares
  /** How the minutes [endMs − lengthMs, endMs) divide between tariffs. */
  private shares(kind: CostType, profile: TariffProfile, endMs: number, lengthMs: number): Shares {
    const key = `${kind}|${endMs}|${lengthMs}`;
    const memo = this.shareMemo.get(key);
    if (memo) return memo;
    const minutes = Math.max(1, Math.min(1440, Math.round(lengthMs / MINUTE_MS)));
    const counts = new Map<number, number>();
    let day = NaN, prof: Uint8Array | null = null;
    for (let k = 1; k <= minutes; k++) {
      const t = endMs - k * MINUTE_MS;
      const d = Math.floor(t / DAY_MS);
      if (d !== day) { day = d; prof = profile.utcDay(d); }
      const x = prof![Math.floor((t - d * DAY_MS) / MINUTE_MS)];
      if (x !== NO_TARIFF) counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    const out: Shares = [...counts].map(([x, n]) => [x, n / minutes] as const);
    if (this.shareMemo.size > 4096) this.shareMemo.clear();
    this.shareMemo.set(key, out);
    return out;
  }
  // #endregion

  // #region live
  /**
   * Accounts slot `slotMs` of every base series that got a value at that slot (inside the
   * ingest transaction, after the tick was applied).
   */
  afterTick(slotMs: number, intervalMs: number): void {
    const day = dayOf(slotMs), block = blockOf(day);
    const rateMin = intervalMs / MINUTE_MS;
    for (const base of this.baseSeries()) {
      const st = this.ctx.states.peek(base.id);
      if (!st || st.lastSlotMs !== slotMs) continue;
      const kind = costTypeOfCounter(base.counter)!;
      const profile = this.profileOf(kind);
      // no tariffs: nothing to account (when tariffs come, the check recomputes the blocks)
      if (profile.tariffIds.length === 0) continue;
      const ls = this.state(base.id);
      if (!ls) { this.setState(base.id, { c: slotMs, v: st.lastValue, b: block, r: {} }); continue; }
      if (slotMs <= ls.c) continue;
      if (ls.b !== block) { ls.b = block; ls.r = {}; this.scheduleCheck(); }
      const gapMs = slotMs - ls.c;
      if (gapMs > intervalMs && (gapMs > LIVE_GAP_MAX_MS || blockOf(dayOf(ls.c)) !== block)) {
        // a long gap, or one from another block: the background check rewrites the blocks
        this.markDirty(kind, ls.c, slotMs);
        this.account(base, profile, ls, slotMs, st.lastValue, intervalMs, rateMin);
      } else if (gapMs > intervalMs) {
        // A short gap inside the block: the ingest has just spread it over the missing slots;
        // account each of them as the background recomputation would, instead of invalidating
        // the whole block of every series (32 days rewritten for one late answer).
        for (let t = ls.c + intervalMs; t < slotMs; t += intervalMs) {
          const v = this.counterValue(base.id, t);
          if (!Number.isNaN(v)) this.account(base, profile, ls, t, v, intervalMs, rateMin);
        }
        this.account(base, profile, ls, slotMs, st.lastValue, intervalMs, rateMin);
      } else {
        this.account(base, profile, ls, slotMs, st.lastValue, intervalMs, rateMin);
      }
      this.setState(base.id, ls);
    }
  }

  /**
   * Accounts the counter reaching `value` at slot `t` (after `ls.c`): the increase is shared
   * among the tariffs in force over the time since the previous value (at most an hour, as in
   * `recomputeBlock`, so that live and recomputed figures are the same).
   */
  private account(base: SeriesInfo, profile: TariffProfile, ls: LedgerState, t: number, value: number, intervalMs: number, rateMin: number): void {
    const d = value - ls.v;
    if (d !== 0) {
      const kind = costTypeOfCounter(base.counter)!;
      const day = dayOf(t), inDay = t - day * DAY_MS;
      for (const [x, share] of this.shares(kind, profile, t, Math.min(t - ls.c, Math.max(intervalMs, HOUR_MS)))) {
        const id = profile.tariffIds[x];
        const v = round3((ls.r[id] ?? 0) + d * share);
        ls.r[id] = v;
        const ts = this.tariffSeries(base, id);
        this.ctx.tariffs.writeCounter(this.ctx.tariffs.load(bucketKey(day, ts.id)), inDay, rateMin, v, 0, undefined, undefined, false, 0);
      }
    }
    ls.c = t; ls.v = value;
  }

  /** A base series' counter at slot `t` from the ingest's cache (NaN when the slot has none). */
  private counterValue(id: number, t: number): number {
    const day = dayOf(t);
    const c = this.ctx.counters.peekCounter(bucketKey(day, id));
    if (!c) return NaN;
    const cd = c instanceof Uint8Array ? decodeCounter(c) : c;
    const i = (t - day * DAY_MS) / (cd.rateMin * MINUTE_MS);
    return Number.isInteger(i) && i < cd.values.length ? cd.values[i] : NaN;
  }

  /** Values in [fromMs, toMs] of `kind`'s series changed after they were accounted. */
  markDirty(kind: CostType, fromMs: number, toMs: number): void {
    for (let b = blockOf(dayOf(fromMs)); b <= blockOf(dayOf(toMs)); b++) this.ctx.meta.removeSync(`${HASH}${kind}:${b}`);
    this.totals.clear();
    this.scheduleCheck();
  }
  // #endregion

  // #region reading
  /**
   * Energy of `base` that fell in tariff `tariffId` up to instant `ms` (the latest slot at or
   * before it), from an origin of the ledger's choosing: only differences are meaningful.
   */
  energyAt(base: SeriesInfo, tariffId: string, ms: number): number {
    const ts = this.ctx.registry.get(`${base.name}|tariff:${tariffId}`);
    if (!ts) return 0;
    const day = dayOf(ms), block = blockOf(day);
    return this.prefix(base, ts.id, block) + this.inBlock(ts.id, day, ms);
  }

  /**
   * `energyAt` at each instant of `times` (a row's boundaries): the series looked up once and
   * each day's bucket read once (the data download reads a year of 15-minute boundaries).
   */
  energyAtEach(base: SeriesInfo, tariffId: string, times: readonly number[]): number[] {
    const ts = this.ctx.registry.get(`${base.name}|tariff:${tariffId}`);
    if (!ts) return times.map(() => 0);
    const days = new Map<number, Uint8Array | undefined>();
    const bytesOf = (d: number) => {
      if (days.has(d)) return days.get(d);
      const b = fastBytes(this.ctx.tariffsDb, bucketKey(d, ts.id));
      const copy = b ? Uint8Array.from(b) : undefined; // lmdb reuses the buffer of a fast read
      days.set(d, copy);
      return copy;
    };
    const prefixes = new Map<number, number>();
    return times.map((ms) => {
      const day = dayOf(ms), block = blockOf(day);
      let p = prefixes.get(block);
      if (p === undefined) prefixes.set(block, (p = this.prefix(base, ts.id, block)));
      return p + this.inBlock(ts.id, day, ms, bytesOf);
    });
  }

  /** Value within its block at the latest slot ≤ ms (0 before the block's first). */
  private inBlock(id: number, day: number, ms: number, bytesOf: (day: number) => Uint8Array | undefined = (d) => fastBytes(this.ctx.tariffsDb, bucketKey(d, id))): number {
    for (let d = day; d >= blockOf(day) * BLOCK_DAYS; d--) {
      const bytes = bytesOf(d);
      if (!bytes) continue;
      const slot = d === day ? Math.floor((ms - d * DAY_MS) / (bytes[1] * MINUTE_MS)) : 1439;
      const v = counterAtOrBefore(bytes, slot);
      if (!Number.isNaN(v)) return v;
    }
    return 0;
  }

  /** Sum of the totals of the blocks before `block`. */
  private prefix(base: SeriesInfo, id: number, block: number): number {
    const st = this.ctx.states.peek(base.id);
    if (!st || st.firstSlotMs < 0) return 0;
    const first = blockOf(Math.max(dayOf(st.firstSlotMs), this.ctx.fromDay()));
    const latest = this.ctx.latestSlotMs();
    const current = latest === undefined ? Infinity : blockOf(dayOf(latest));
    let cache = this.totals.get(id);
    if (!cache) this.totals.set(id, (cache = new Map()));
    let sum = 0;
    for (let b = first; b < block; b++) {
      let total = cache.get(b);
      if (total === undefined) {
        total = this.inBlock(id, b * BLOCK_DAYS + BLOCK_DAYS - 1, (b + 1) * BLOCK_DAYS * DAY_MS - 1);
        if (b < current) cache.set(b, total);
      }
      sum += total;
    }
    return sum;
  }
  // #endregion

  // #region recomputation
  private hashOf(profile: TariffProfile, block: number): string {
    let h = 0x811c9dc5;
    for (let d = block * BLOCK_DAYS - 1; d < (block + 1) * BLOCK_DAYS; d++) {
      const p = profile.utcDay(d);
      for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i], 0x01000193);
    }
    return `${(h >>> 0).toString(36)}:${profile.tariffIds.join(',')}`;
  }

  /** Rewrites one block of one base series from its counter (in the caller's transaction). */
  private recomputeBlock(base: SeriesInfo, kind: CostType, profile: TariffProfile, block: number): void {
    const st = this.ctx.states.peek(base.id);
    if (!st || st.lastSlotMs < 0) return;
    const firstDay = block * BLOCK_DAYS;
    const lastDay = Math.min(firstDay + BLOCK_DAYS - 1, dayOf(st.lastSlotMs));
    const source = (k: number) => fastBytes(this.ctx.countersDb, k);
    let prevV = counterAt(source, base.id, st, firstDay * DAY_MS - 1, this.ctx.fromDay());
    let prevT = NaN;
    const running = new Map<number, number>();
    const old = this.tariffSeriesOf.get(base.id) ?? [];
    for (let day = firstDay; day <= lastDay; day++) {
      const bytes = fastBytes(this.ctx.countersDb, bucketKey(day, base.id));
      const written = new Set<number>();
      if (bytes) {
        const src = decodeCounter(bytes);
        const R = src.rateMin * MINUTE_MS;
        const out = new Map<number, CounterDay>();
        for (let i = 0; i < src.values.length; i++) {
          const v = src.values[i];
          if (Number.isNaN(v)) continue;
          const t = day * DAY_MS + i * R;
          const d = Number.isNaN(prevV) ? 0 : v - prevV;
          if (d !== 0) {
            const len = Number.isNaN(prevT) ? R : Math.min(t - prevT, Math.max(R, 60 * MINUTE_MS));
            for (const [x, share] of this.shares(kind, profile, t, len)) {
              const r = round3((running.get(x) ?? 0) + d * share);
              running.set(x, r);
              let cd = out.get(x);
              if (!cd) out.set(x, (cd = emptyCounterDay(src.rateMin, false, 0)));
              cd.values[i] = r;
            }
          }
          prevV = v; prevT = t;
        }
        for (const [x, cd] of out) {
          const ts = this.tariffSeries(base, profile.tariffIds[x]);
          this.ctx.tariffsDb.putSync(bucketKey(day, ts.id), encodeCounter(cd, this.scratch));
          written.add(ts.id);
        }
      }
      for (const ts of old) if (!written.has(ts.id)) this.ctx.tariffsDb.removeSync(bucketKey(day, ts.id));
    }
    const ls = this.state(base.id);
    const stateBlock = ls ? ls.b : blockOf(dayOf(st.lastSlotMs));
    if (stateBlock === block && !Number.isNaN(prevT)) {
      const r: Record<string, number> = {};
      for (const [x, v] of running) r[profile.tariffIds[x]] = v;
      this.setState(base.id, { c: prevT, v: prevV, b: block, r });
    }
  }

  /** Runs the check soon (debounced); resolves when the ledger is up to date. */
  scheduleCheck(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) { this.again = true; return this.running; }
    this.running = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => this.check())
      .catch((err: unknown) => { if (!this.stopped) this.ctx.onError?.(err); })
      .finally(() => { this.running = null; this.progressNow = null; });
    return this.running;
  }

  /** Stops background work (the store is closing). */
  stop(): void { this.stopped = true; }

  private async check(): Promise<void> {
    if (this.stopped) return;
    do {
      this.again = false;
      const latest = this.ctx.latestSlotMs();
      if (latest === undefined) return;
      const todo: Array<{ kind: CostType; block: number; hash: string; key: string; bases: SeriesInfo[] }> = [];
      for (const kind of COST_TYPES) {
        const profile = this.profileOf(kind);
        const bases = this.baseSeries().filter((b) => costTypeOfCounter(b.counter) === kind);
        let firstDay = Infinity;
        for (const b of bases) {
          const st = this.ctx.states.peek(b.id);
          if (st && st.firstSlotMs >= 0) firstDay = Math.min(firstDay, dayOf(st.firstSlotMs));
        }
        if (firstDay === Infinity) continue;
        firstDay = Math.max(firstDay, this.ctx.fromDay());
        // no tariffs now and none ever accounted: nothing to read or write but the fingerprints
        const nothing = profile.tariffIds.length === 0 && bases.every((b) => !this.tariffSeriesOf.get(b.id)?.length);
        const fresh: Array<[string, string]> = [];
        for (let block = blockOf(firstDay); block <= blockOf(dayOf(latest)); block++) {
          const hash = this.hashOf(profile, block);
          const key = `${HASH}${kind}:${block}`;
          if (this.ctx.meta.get(key) === hash) continue;
          if (nothing) fresh.push([key, hash]);
          else todo.push({ kind, block, hash, key: profile.key, bases });
        }
        if (fresh.length) this.ctx.root.transactionSync(() => { for (const [k, h] of fresh) this.ctx.meta.putSync(k, h); });
        await yieldToLoop();
        if (this.stopped) return;
      }
      if (todo.length === 0) { if (!this.again) this.progressNow = null; continue; }
      const units = todo.reduce((n, t) => n + t.bases.length, 0);
      let done = 0;
      this.progressNow = { kinds: [...new Set(todo.map((t) => t.kind))], percent: 0, startedAtMs: this.progressNow?.startedAtMs ?? this.ctx.now?.() ?? Date.now() };
      for (const item of todo) {
        const profile = this.profileOf(item.kind);
        if (profile.key !== item.key) { this.again = true; break; }
        // transactions of at most ~20 ms, so that polling and requests keep their pace
        for (let i = 0; i < item.bases.length;) {
          const start = performance.now();
          const from = i;
          this.ctx.root.transactionSync(() => {
            this.baseSeries();
            do this.recomputeBlock(item.bases[i++], item.kind, profile, item.block);
            while (i < item.bases.length && performance.now() - start < CHUNK_MS);
            if (i >= item.bases.length) this.ctx.meta.putSync(`${HASH}${item.kind}:${item.block}`, item.hash);
            this.flush();
          });
          this.ctx.tariffs.reset();
          this.totals.clear();
          done += i - from;
          this.progressNow = { ...this.progressNow, percent: Math.min(99, Math.floor((100 * done) / units)) };
          await yieldToLoop();
          if (this.stopped) return;
          if (this.profileOf(item.kind).key !== item.key) { this.again = true; break; }
        }
        if (this.again) break;
      }
    } while (this.again && !this.stopped);
  }
  // #endregion
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
