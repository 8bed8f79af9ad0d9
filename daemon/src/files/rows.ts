/**
 * @module files/rows
 * The rows of a data file for the slots [fromMs, toMs) at one sample rate. Each value depends on
 * the store alone (never on when it is computed), so rows appended tick by tick and rows of a
 * rebuild are the same bytes. A consumption cell is counter(end) − counter(start) of the
 * scope's corrected counter, the rule of the consumption API, so a file's rows add up to the
 * API's bars over the same slots.
 */
import type { CounterKind } from '@ews/shared';
import { FLAG, type HistoryStore } from '../store/index';
import type { Column } from './layout';
import { EOL, localStamp, num, utcStamp, type CsvFormat } from './csv';

/** Cost of each slot [bounds[i], bounds[i+1]) of a scope (null where there is no energy). */
export type SlotCosts = (scope: string, counter: CounterKind, bounds: number[], energy: ReadonlyArray<number | null>) => Array<number | null>;

export interface RowContext {
  store: HistoryStore;
  timezone: string;
  format: CsvFormat;
  costs?: SlotCosts;
  /** Values computed for a range, shared by the files of one pass (a series feeds several files). */
  memo?: Map<string, unknown>;
}

function memo<T>(ctx: RowContext, key: string, fn: () => T): T {
  if (!ctx.memo) return fn();
  let v = ctx.memo.get(key) as T | undefined;
  if (v === undefined) { v = fn(); ctx.memo.set(key, v); }
  return v;
}

/** Values of a counter at each boundary (latest present slot ≤ b), with the slot flags there. */
function boundaries(store: HistoryStore, seriesId: number, bounds: number[]): { values: Float64Array; estimated: Uint8Array } {
  const n = bounds.length;
  const values = new Float64Array(n).fill(NaN);
  const estimated = new Uint8Array(n);
  const first = bounds[0], last = bounds[n - 1];
  const slots = store.counterSlots(seriesId, first, last + 1);
  let cur = store.counterAt(seriesId, first) ?? NaN;
  let curFlags = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const b = bounds[i];
    // estimated[i]: a slot in (bounds[i-1], bounds[i]] was estimated
    while (j < slots.length && slots[j].slotMs <= b) {
      const s = slots[j++];
      if (s.value !== null) cur = s.value;
      if (i > 0 && s.slotMs > bounds[i - 1]) curFlags |= s.flags;
    }
    values[i] = cur;
    estimated[i] = curFlags & FLAG.ESTIMATED ? 1 : 0;
    curFlags = 0;
  }
  return { values, estimated };
}

/** Consumption of each slot, as `energy/consumption.ts` computes a bar. */
function energy(store: HistoryStore, scope: string, counter: CounterKind, bounds: number[]): { values: Array<number | null>; estimated: Uint8Array } {
  const n = bounds.length - 1;
  const out: Array<number | null> = new Array(n).fill(null);
  const id = store.series(scope, counter)?.id;
  const span = id === undefined ? undefined : store.counterSpan(id);
  const latest = store.latestSlotMs();
  if (id === undefined || !span || latest === undefined) return { values: out, estimated: new Uint8Array(n + 1) };
  const b = boundaries(store, id, bounds);
  for (let i = 0; i < n; i++) {
    const start = b.values[i];
    const end = bounds[i + 1] <= span.firstSlotMs ? NaN : b.values[i + 1];
    if (bounds[i] <= latest && bounds[i + 1] > span.firstSlotMs && !Number.isNaN(end)) {
      out[i] = Math.round((end - (Number.isNaN(start) ? span.firstValue : start)) * 1000) / 1000;
    }
  }
  return { values: out, estimated: b.estimated };
}

/** The text of the rows [fromMs, toMs) (empty when the range is). */
export function rowsText(ctx: RowContext, columns: readonly Column[], fromMs: number, toMs: number, intervalMs: number): string {
  const bounds: number[] = [];
  for (let t = fromMs; t <= toMs; t += intervalMs) bounds.push(t);
  if (bounds[bounds.length - 1] !== toMs) bounds.push(toMs);
  return rowsForBounds(ctx, columns, bounds);
}

/** The text of the rows [bounds[i], bounds[i+1]) (local days for a daily export). */
export function rowsForBounds(ctx: RowContext, columns: readonly Column[], bounds: number[]): string {
  const n = bounds.length - 1;
  if (n <= 0) return '';
  const fromMs = bounds[0], toMs = bounds[n];
  const dec = ctx.format.decimalSeparator;
  const range = `${fromMs}|${toMs}|${n}`;
  const energyOf = (scope: string, counter: CounterKind) => memo(ctx, `e|${scope}|${counter}|${range}`, () => energy(ctx.store, scope, counter, bounds));
  const cols: string[][] = columns.map((c) => {
    const src = c.src;
    if (src.k === 'energy') return energyOf(src.scope, src.counter).values.map((v) => num(v, dec));
    if (src.k === 'estimated') {
      const e = energyOf(src.scope, src.counter);
      return e.values.map((v, i) => (v !== null && e.estimated[i + 1] ? '1' : ''));
    }
    if (src.k === 'cost') {
      const e = energyOf(src.scope, src.counter).values;
      const c2 = memo(ctx, `c|${src.scope}|${src.counter}|${range}`, () => (ctx.costs ? ctx.costs(src.scope, src.counter, bounds, e) : e.map(() => null)));
      return c2.map((v) => num(v, dec));
    }
    // the sample that closes the slot (at its end) carries the slot's avg/min/max
    const bySample = memo(ctx, `s|${src.deviceId}|${src.key}|${range}`, () => {
      const m = new Map<number, { avg: number; min: number; max: number }>();
      for (const s of ctx.store.statistics(src.deviceId, src.key, fromMs + 1, toMs + 1)) m.set(s.slotMs, s);
      return m;
    });
    return bounds.slice(1).map((t) => num(bySample.get(t)?.[src.field], dec));
  });
  // numbers and stamps never hold a separator or a quote: rows are joined without quoting
  const sep = ctx.format.fieldSeparator;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let row = `${localStamp(ctx.timezone, bounds[i])}${sep}${utcStamp(bounds[i])}`;
    for (const c of cols) row += sep + c[i];
    parts.push(row);
  }
  return parts.length ? `${parts.join(EOL)}${EOL}` : '';
}
