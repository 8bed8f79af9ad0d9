/**
 * @module reports/export
 * Data download (HIST-5): `reportdata.zip` with, per energy type and kind of scope chosen,
 * `report_energy_<devices|groups|loads>_<electricity|gas|water>.csv` and, with costs,
 * `…_cost.csv`. Rows at 15 min, 1 h or one local day over [from, to], values from the store by
 * the consumption API's rule (only recorded data; a slot estimated over a gap is flagged in the
 * `Estimated` column). Built in the background into a file (fflate, streamed: neither the
 * archive nor a whole CSV is held in memory), with its progress; kept an hour. The daemon builds
 * it in its worker process (`ExportRunner`, history-jobs.ts): a whole-store read would leave
 * the store's pages resident in the daemon.
 */
import { createWriteStream, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { CounterKind, ExportState } from '@ews/shared';
import type { HistoryStore } from '../store/index';
import { dayStartMs, parseDate, formatDate, localTime } from '../energy/index';
import { BOM, COUNTER_OF, LEAD, UNIT_OF, line, rowsForBounds, textEntry, zipStream, type Column, type CsvFormat, type EnergyType, type RowContext, type SlotCosts, type ZipEntry } from '../files/index';
import type { Logger } from '../util/log';

export interface ExportJobRequest { scopes: readonly string[]; from: string; to: string; costs: boolean; rate: '15min' | '1h' | '1day' }

/** What building a `reportdata.zip` reads: the store and the configuration it is labelled and costed with. */
export interface ExportSource {
  store: HistoryStore;
  timezone: string;
  format: CsvFormat;
  costs: SlotCosts;
  currency: string;
  /** Energy type and label of a scope (undefined: the scope names nothing). */
  describe: (scope: string) => { label: string; types: EnergyType[] } | undefined;
}

export interface ExportResult { bytes: number; files: number }

/**
 * Builds `reportdata.zip` at `path` (in a worker process: it reads the whole store, whose pages
 * would otherwise stay resident in the daemon). `onProgress` gets the percent done.
 */
export type ExportRunner = (req: ExportJobRequest, path: string, onProgress: (percent: number) => void) => { done: Promise<ExportResult>; cancel(): void };

export interface ExportsOptions {
  dir: string;
  /** Builds the zip of a job (the daemon: in its worker process; `buildExport` in process otherwise). */
  run: ExportRunner;
  log: Logger;
  now?: () => number;
}

interface Job extends ExportState { path: string; createdAtMs: number; cancel?: () => void }

const KEEP_MS = 3_600_000;
/** Cells of one file written per step (255 devices at 15 min: 78 rows), so that a step holds the event loop about a second at most. */
const CHUNK_CELLS = 20_000;
const KINDS = { device: 'devices', group: 'groups', load: 'loads' } as const;

/** The data download's jobs: started, followed, kept an hour; each built by the runner. */
export class Exports {
  private jobs = new Map<string, Job>();
  constructor(private readonly opts: ExportsOptions) {
    mkdirSync(opts.dir, { recursive: true });
    for (const f of readdirSync(opts.dir)) rmSync(join(opts.dir, f), { force: true }); // leftovers of a previous run
  }

  state(id: string): ExportState | undefined {
    const j = this.jobs.get(id);
    return j ? { id: j.id, percent: j.percent, done: j.done, ...(j.error ? { error: j.error } : {}), ...(j.bytes !== undefined ? { bytes: j.bytes } : {}) } : undefined;
  }
  /** The zip of a finished job. */
  file(id: string): string | undefined { const j = this.jobs.get(id); return j?.done && !j.error ? j.path : undefined; }

  start(req: ExportJobRequest): ExportState {
    this.expire();
    const id = randomBytes(8).toString('hex');
    const job: Job = { id, percent: 0, done: false, path: join(this.opts.dir, `${id}.zip`), createdAtMs: this.now() };
    this.jobs.set(id, job);
    let running: ReturnType<ExportRunner>;
    try {
      running = this.opts.run(req, job.path, (p) => { if (!job.done) job.percent = Math.min(99, Math.max(job.percent, Math.round(p))); });
    } catch (err) {
      running = { done: Promise.reject(err as Error), cancel: () => {} };
    }
    job.cancel = running.cancel;
    running.done.then((r) => {
      job.cancel = undefined;
      if (!this.jobs.has(id)) { rmSync(job.path, { force: true }); return; }
      job.bytes = r.bytes;
      job.percent = 100;
      job.done = true;
      this.opts.log.info('data download built', { id, files: r.files, bytes: r.bytes });
    }, (err: unknown) => {
      job.cancel = undefined;
      job.error = `the export failed: ${(err as Error).message}`;
      job.done = true;
      rmSync(job.path, { force: true });
      this.opts.log.error('data download failed', { id, err });
    });
    return this.state(id)!;
  }

  /** Stops the jobs under way (the daemon stops) and removes their files. */
  stop(): void {
    for (const j of this.jobs.values()) if (j.cancel) { j.cancel(); j.cancel = undefined; rmSync(j.path, { force: true }); }
  }

  private now(): number { return this.opts.now?.() ?? Date.now(); }

  private expire(): void {
    for (const [id, j] of this.jobs) {
      if (this.now() - j.createdAtMs > KEEP_MS) { j.cancel?.(); rmSync(j.path, { force: true }); this.jobs.delete(id); }
    }
  }
}

/** Row boundaries: every 15 min / hour, or local midnights, from `from` 00:00 to the day after `to`. */
function exportBounds(src: ExportSource, req: ExportJobRequest): number[] {
  const tz = src.timezone;
  const start = dayStartMs(tz, parseDate(req.from));
  const last = parseDate(req.to);
  const endDate = new Date(Date.UTC(last.year, last.month - 1, last.day + 1));
  const end = dayStartMs(tz, parseDate(formatDate({ year: endDate.getUTCFullYear(), month: endDate.getUTCMonth() + 1, day: endDate.getUTCDate() })));
  const latest = src.store.latestSlotMs() ?? start;
  const stop = Math.min(end, Math.max(start, latest));
  const out: number[] = [];
  if (req.rate === '1day') {
    for (let t = start; t < stop;) {
      out.push(t);
      const l = localTime(tz, t + 13 * 3_600_000);
      const next = new Date(Date.UTC(l.year, l.month - 1, l.day + 1));
      t = dayStartMs(tz, { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() });
    }
  } else {
    const step = req.rate === '1h' ? 3_600_000 : 900_000;
    for (let t = start; t < stop; t += step) out.push(t);
  }
  out.push(stop);
  return out;
}

/** Builds `reportdata.zip` of a request into `path` from the store, streamed (fflate). */
export async function buildExport(src: ExportSource, req: ExportJobRequest, path: string, onProgress: (percent: number) => void = () => {}): Promise<ExportResult> {
  const format = src.format;
  const ctx: RowContext = { store: src.store, timezone: src.timezone, format, costs: src.costs };
  const bounds = exportBounds(src, req);
  // files: (kind of scope, energy type) → columns
  const files = new Map<string, { name: string; columns: Column[]; cost: boolean }>();
  for (const scope of req.scopes) {
    const d = src.describe(scope);
    if (!d) continue;
    const kind = KINDS[scope.slice(0, scope.indexOf(':')) as keyof typeof KINDS];
    for (const type of d.types) {
      const counter: CounterKind = COUNTER_OF[type];
      for (const cost of req.costs ? [false, true] : [false]) {
        const name = `report_energy_${kind}_${type}${cost ? '_cost' : ''}.csv`;
        let f = files.get(name);
        if (!f) files.set(name, (f = { name, columns: [], cost }));
        f.columns.push({ label: `${d.label} (${cost ? src.currency : UNIT_OF[type]})`, src: cost ? { k: 'cost', scope, counter } : { k: 'energy', scope, counter } });
      }
    }
  }
  const list = [...files.values()];
  // chunks of at most a month of rows and about CHUNK_CELLS cells (a file's columns × rows, held
  // as strings while a chunk is written): progress moves, memory stays small with 255 columns
  const columnsMax = Math.max(1, ...list.map((f) => f.columns.length));
  const chunk = Math.max(24, Math.min(req.rate === '1day' ? 366 : req.rate === '1h' ? 744 : 2976, Math.floor(CHUNK_CELLS / columnsMax)));
  const chunks = Math.max(1, Math.ceil((bounds.length - 1) / chunk));
  const total = list.length * chunks;
  let done = 0;
  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const f of list) {
      yield textEntry(f.name, async function* () {
        yield BOM + line([...LEAD, ...f.columns.map((c) => c.label), ...(f.cost ? [] : ['Estimated'])], format);
        for (let i = 0; i < bounds.length - 1; i += chunk) {
          const b = bounds.slice(i, Math.min(bounds.length, i + chunk + 1));
          ctx.memo = new Map();
          let text = rowsForBounds(ctx, f.columns, b);
          if (!f.cost) text = withEstimated(ctx, f.columns, b, text, format);
          yield text;
          onProgress((++done / total) * 100);
          await new Promise((r) => setImmediate(r));
        }
      });
    }
  }
  const out = createWriteStream(path);
  await zipStream(entries()).pipeTo(Writable.toWeb(out) as WritableStream<Uint8Array>);
  return { bytes: statSync(path).size, files: list.length };
}

/** Adds the `Estimated` column: 1 when any column's series had an estimated slot in the row. */
function withEstimated(ctx: RowContext, columns: readonly Column[], bounds: number[], text: string, format: CsvFormat): string {
  const flagCols: Column[] = columns.map((c) => (c.src.k === 'energy' ? { label: '', src: { k: 'estimated', scope: c.src.scope, counter: c.src.counter } } : c));
  const flags = rowsForBounds(ctx, flagCols, bounds).split('\r\n');
  const sep = format.fieldSeparator;
  return text.split('\r\n').map((row, i) => {
    if (!row) return row;
    const cells = flags[i].split(sep).slice(LEAD.length);
    return `${row}${sep}${cells.includes('1') ? '1' : ''}`;
  }).join('\r\n');
}
