/**
 * @module store/history/buckets
 * A write-back cache of buckets for one transaction: a live tick appends to each series' day in
 * place and writes it once; a batch (back-fill, benchmark) keeps a whole day in memory and
 * writes each bucket once. Either way every put happens inside the caller's one transaction.
 * Buckets of a new day are put in key order with MDB_APPEND, which fills pages completely.
 */
import type { Database } from 'lmdb';
import { ByteWriter } from './varint';
import { appendCounter, decodeCounter, emptyCounterDay, encodeCounter, regridCounter, type CounterDay } from './counter-bucket';
import { appendStat, decodeStat, emptyStatDay, encodeStat, regridStat, sealStat, setStat, STAT_MAGIC, type StatDay } from './stat-bucket';
import { gcd, keyDay } from './keys';

const DAY_MS = 86_400_000, MINUTE_MS = 60_000;
const SLAB_BYTES = 256 * 1024;

export type BucketDb = Database<Uint8Array, number>;

export interface Entry {
  key: number;
  /** Encoded bytes (append fast path), or null once decoded. */
  w: ByteWriter | null;
  counter: CounterDay | null;
  stat: StatDay | null;
  dirty: boolean;
}

export class BucketCache {
  private entries = new Map<number, Entry>();
  private lastKey: number;
  /** Bumped whenever cached entries are dropped: callers holding an `Entry` re-fetch it. */
  generation = 0;
  private readonly scratch = new ByteWriter(1024);
  private slab: Uint8Array | null = null;
  private slabUsed = 0;

  constructor(readonly db: BucketDb) {
    const last = [...db.getKeys({ reverse: true, limit: 1 })][0];
    this.lastKey = typeof last === 'number' ? last : -1;
  }

  /** The cached entry of a bucket (loaded on first use); valid while `generation` holds. */
  load(key: number): Entry {
    let e = this.entries.get(key);
    if (e) return e;
    const stored = fastBytes(this.db, key);
    let w: ByteWriter | null = null;
    if (stored) {
      w = this.writer(stored.length + 64);
      w.buf.set(stored);
      w.len = stored.length;
    }
    e = { key, w, counter: null, stat: null, dirty: false };
    this.entries.set(key, e);
    return e;
  }

  /** The decoded counter day (created empty at `rateMin` if absent), for editing. */
  counterDay(key: number, rateMin: number, hasRaw: boolean, offset0: number): CounterDay {
    const e = this.load(key);
    if (!e.counter) {
      e.counter = e.w ? decodeCounter(e.w.bytes()) : emptyCounterDay(rateMin, hasRaw, offset0);
      e.w = null;
    }
    e.dirty = true;
    return e.counter;
  }

  /** Read-only view: the decoded day if present in the cache, else the stored bytes. */
  peekCounter(key: number): CounterDay | Uint8Array | undefined {
    const e = this.entries.get(key);
    if (e) return e.counter ?? e.w?.bytes();
    return fastBytes(this.db, key);
  }

  /** Sets one counter slot (`msInDay` from the UTC day start); positional for the hot path. */
  writeCounter(e: Entry, msInDay: number, rateMin: number, value: number, flags: number, offset: number | undefined, raw: number | undefined, hasRaw: boolean, offset0: number): void {
    if (e.w && !e.counter && !flags && offset === undefined && raw === undefined && value === value) {
      const R = e.w.buf[1] * MINUTE_MS;
      if (msInDay % R === 0 && appendCounter(e.w, msInDay / R, value)) { e.dirty = true; return; }
    }
    let day = e.counter;
    if (!day) day = this.counterDay(e.key, rateMin, hasRaw, offset0);
    e.dirty = true;
    if (msInDay % (day.rateMin * MINUTE_MS) !== 0) day = e.counter = regridCounter(day, gcd(day.rateMin, rateMin));
    const i = msInDay / (day.rateMin * MINUTE_MS);
    if (value === value) day.values[i] = value;
    if (flags) day.flags[i] |= flags;
    if (offset !== undefined) day.offsets.set(i, offset);
    if (raw !== undefined) day.raw.set(i, raw);
  }

  /** The decoded day, re-grided if needed so that every multiple of `rateMin` is a slot. */
  counterDayAtRate(key: number, rateMin: number, hasRaw: boolean, offset0: number): CounterDay {
    const e = this.load(key);
    let day = this.counterDay(key, rateMin, hasRaw, offset0);
    if (rateMin % day.rateMin !== 0) day = e.counter = regridCounter(day, gcd(day.rateMin, rateMin));
    return day;
  }

  /** `relative`: a load-dependent quantity (stat-bucket's `RELATIVE_UNITS`), marked in a new bucket. */
  writeStat(e: Entry, msInDay: number, rateMin: number, quantum: number, avg: number, min: number, max: number, relative = false): void {
    if (e.w && !e.stat) {
      const rate = e.w.buf[1];
      if (msInDay % (rate * MINUTE_MS) === 0 && appendStat(e.w, msInDay / (rate * MINUTE_MS), quantum, avg, min, max)) { e.dirty = true; return; }
    }
    if (!e.stat) { e.stat = e.w ? decodeStat(e.w.bytes()) : emptyStatDay(rateMin, quantum, 1, relative); e.w = null; }
    if (msInDay % (e.stat.rateMin * MINUTE_MS) !== 0) e.stat = regridStat(e.stat, gcd(e.stat.rateMin, rateMin));
    e.dirty = true;
    setStat(e.stat, msInDay / (e.stat.rateMin * MINUTE_MS), avg, min, max);
  }

  /**
   * Puts every changed bucket (in key order), then forgets them all. Statistics of days before
   * `sealBeforeDay` (days whose last slot is written) are put sealed.
   */
  flush(sealBeforeDay = -Infinity): number {
    const keys = [...this.entries.keys()].sort((a, b) => a - b);
    let puts = 0;
    for (const key of keys) {
      const e = this.entries.get(key)!;
      if (!e.dirty) continue;
      const seal = keyDay(key) < sealBeforeDay && (e.stat !== null || (e.w !== null && e.w.buf[0] === STAT_MAGIC));
      const bytes = seal ? sealStat(e.stat ?? decodeStat(e.w!.bytes()))
        : e.counter ? encodeCounter(e.counter, this.scratch) : e.stat ? encodeStat(e.stat, this.scratch) : e.w!.bytes();
      if (key > this.lastKey) { this.db.putSync(key, bytes, { append: true }); this.lastKey = key; }
      else this.db.putSync(key, bytes);
      puts++;
    }
    this.forget();
    return puts;
  }

  /**
   * A writer for a loaded bucket, carved from a block shared by the buckets of this transaction:
   * one allocation per 256 KB instead of one per bucket (thousands per tick with 255 meters),
   * and blocks that size are mmap'd by malloc (MALLOC_MMAP_THRESHOLD_, daemon/src/runtime.ts),
   * so they go back to the OS once the transaction's buckets are forgotten instead of leaving
   * the malloc heap at the tick's peak.
   */
  private writer(size: number): ByteWriter {
    if (size > SLAB_BYTES / 16) return new ByteWriter(size);
    if (!this.slab || this.slabUsed + size > SLAB_BYTES) { this.slab = new Uint8Array(SLAB_BYTES); this.slabUsed = 0; }
    const view = this.slab.subarray(this.slabUsed, this.slabUsed + size);
    this.slabUsed += (size + 7) & ~7;
    return new ByteWriter(size, view);
  }

  /**
   * Drops every entry and its bytes. Callers (the ingest plans) keep the `Entry` they last used
   * until they see the new generation at the next tick: emptied here, a tick's buffers (a few MB
   * for 255 meters: one per bucket written) are not kept alive from one tick to the next.
   */
  private forget(): void {
    for (const e of this.entries.values()) { e.w = null; e.counter = null; e.stat = null; e.dirty = false; }
    this.entries.clear();
    this.slab = null;
    this.generation++;
  }

  /** Drops everything cached (after a failed transaction) and re-reads the last key. */
  reset(): void {
    this.forget();
    const last = [...this.db.getKeys({ reverse: true, limit: 1 })][0];
    this.lastKey = typeof last === 'number' ? last : -1;
  }
}

export const msInDay = (slotMs: number): number => ((slotMs % DAY_MS) + DAY_MS) % DAY_MS;

/**
 * lmdb-js's reusable read buffer, as a view of exactly the value (its `length` is patched but
 * its typed-array length is the whole shared buffer). Valid until the next read.
 */
export function fastBytes(db: BucketDb, key: number): Uint8Array | undefined {
  const b = db.getBinaryFast(key);
  return b ? b.subarray(0, b.length) : undefined;
}
