/**
 * @module files/folder
 * The history folder (HIST-2): data files appended as samples are stored (one file per month,
 * rows appended, never rewritten whole), settings files rewritten when the configuration
 * changes, and a rebuild that replays the recorded segments from the store into a fresh tree
 * and swaps it in (byte-identical files when nothing changed; new separators after a CSV
 * settings change). Work is serialised: a tick's append waits for a running rebuild.
 *
 * Long work (a catch-up of more than `WORKER_CATCH_UP_MS` after a start or a restore, a
 * rebuild) reads the whole store: given a `worker`, it runs in a child process (the daemon's
 * `history-worker`), so the store's pages it maps and the rows it builds never weigh on the
 * daemon's memory, and the record is read back when it ends.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HistoryStore } from '../store/index';
import { dayStartMs } from '../energy/index';
import type { Logger } from '../util/log';
import { BOM, line, monthOf, type CsvFormat } from './csv';
import { LEAD, monthFiles, type FolderStructure } from './layout';
import { rowsText, type RowContext, type SlotCosts } from './rows';
import { FolderState, type MonthState } from './state';

/** The folders of the tree the daemon writes (a rebuild replaces these, and only these). */
export const GENERATED_FOLDERS = ['devices', 'energy', 'gas', 'water', 'overallTotal', 'settings', 'eqcheck'] as const;

/** `settings/<name>.csv` → its rows (header first). Other capabilities add theirs (Green'Up: `GreenUpSettings.csv`). */
export type SettingsFiles = () => Record<string, string[][]>;

export interface HistoryFolderOptions {
  /** The folder served over FTP, WebDAV and HTTP. */
  root: string;
  /** Where the folder's record is kept (outside the folder). */
  stateDir: string;
  store: HistoryStore;
  timezone: () => string;
  format: () => CsvFormat;
  structure: () => FolderStructure;
  costs?: SlotCosts;
  settingsFiles?: SettingsFiles;
  log?: Logger;
  /** Runs a long job on the same folder and record in a child process (see the module). */
  worker?: HistoryWorker;
}

/** `replay:<YYYY-MM>`: the recorded files of that month and later rewritten (a correction). */
export type HistoryJob = 'catch-up' | 'rebuild' | 'rebuild-fresh' | `replay:${string}`;
/** Runs `job` elsewhere; resolves when the folder and its record are written (the result of a rebuild). */
export type HistoryWorker = (job: HistoryJob, onProgress: (percent: number) => void) => Promise<RebuildResult | undefined>;

/** A catch-up longer than this goes to the worker (two days of rows: a restart's gap stays in-process). */
export const WORKER_CATCH_UP_MS = 2 * 86_400_000;

export interface RebuildProgress { percent: number; startedAtMs: number }
export interface RebuildResult { files: number; bytes: number; ms: number }

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export class HistoryFolder {
  readonly root: string;
  private readonly opts: HistoryFolderOptions;
  private state: FolderState;
  private chain: Promise<unknown> = Promise.resolve();
  /** The earliest month a correction asked to rewrite, until the queue gets to it. */
  private replayFromMonth: string | undefined;
  private rebuilding: RebuildProgress | null = null;
  private extraSettings = new Map<string, SettingsFiles>();
  private closed = false;

  constructor(opts: HistoryFolderOptions) {
    this.opts = opts;
    this.root = opts.root;
    this.state = new FolderState(opts.stateDir);
    mkdirSync(this.root, { recursive: true });
  }

  /** Another capability's files in `settings/` (e.g. Green'Up's `GreenUpSettings.csv`); written at the next `writeSettings`. */
  addSettingsFiles(name: string, files: SettingsFiles): void { this.extraSettings.set(name, files); }

  /**
   * Appends the rows of every slot stored since the last call (a tick, or catching up after a
   * start). `correctedFromMs`: the store changed slots from there on (a gap filled with
   * estimates when a device came back), so the months from there are rewritten first — the
   * folder stays what a rebuild would give.
   */
  update(opts: { correctedFromMs?: number } = {}): Promise<void> {
    if (opts.correctedFromMs !== undefined) {
      const month = monthOf(this.opts.timezone(), opts.correctedFromMs);
      if (this.replayFromMonth === undefined || month < this.replayFromMonth) this.replayFromMonth = month;
    }
    return this.serial(async () => {
      // corrections queued meanwhile (while a worker ran) make one replay, from the earliest month
      const fromMonth = this.replayFromMonth;
      this.replayFromMonth = undefined;
      if (fromMonth !== undefined) {
        // a month of rows of every file: in the worker, like a catch-up (its garbage and the
        // store's pages would otherwise stay in the daemon: +20 MB heap for a few seconds)
        if (this.opts.worker) await this.inWorker(`replay:${fromMonth}`, () => {});
        else await this.replay(this.root, () => {}, fromMonth);
      }
      if (this.opts.worker && this.pendingMs() > WORKER_CATCH_UP_MS) await this.inWorker('catch-up', () => {});
      await this.advance(this.root, this.state);
    }).catch((err) => this.opts.log?.error('writing the history folder failed', { err }));
  }

  /** Catches up in this process (the worker's own job); rejects on failure. */
  catchUp(onProgress?: (p: number) => void): Promise<void> {
    return this.serial(() => this.advance(this.root, this.state, onProgress));
  }

  /** Rewrites the recorded files of `fromMonth` (YYYY-MM) and later in this process (the worker's `replay:` job). */
  replayFrom(fromMonth: string, onProgress?: (p: number) => void): Promise<void> {
    return this.serial(() => this.replay(this.root, onProgress ?? (() => {}), fromMonth));
  }

  /** How much stored history the folder has not written yet. */
  private pendingMs(): number {
    const latest = this.opts.store.latestSlotMs();
    if (latest === undefined) return 0;
    const from = this.state.progress().writtenToMs ?? this.firstSlotMs(this.opts.store.sampleIntervalMs);
    return from === undefined ? 0 : latest - from;
  }

  private async inWorker(job: HistoryJob, progress: (p: number) => void): Promise<RebuildResult | undefined> {
    const startedAtMs = Date.now();
    try {
      return await this.opts.worker!(job, progress);
    } finally {
      // the worker wrote the record: read it again (months and progress)
      this.state = new FolderState(this.opts.stateDir);
      this.opts.log?.info('history folder job done in the worker', { job, ms: Date.now() - startedAtMs });
    }
  }

  /** Rewrites `settings/*.csv` (after a configuration change). */
  writeSettings(): Promise<void> {
    return this.serial(async () => { this.settingsInto(this.root); }).catch((err) => this.opts.log?.error('writing the settings files failed', { err }));
  }

  rebuildProgress(): RebuildProgress | null { return this.rebuilding; }
  /** Resolves when the work queued so far is done. */
  idle(): Promise<void> { return this.serial(async () => {}); }

  /**
   * Rebuilds the folder from the store: the recorded segments are replayed (`fresh`: the record
   * is dropped and the whole history laid out with today's structure). Files the daemon did not
   * generate (a backup's `database.zip`) are left in place.
   */
  rebuild(opts: { fresh?: boolean; onProgress?: (p: number) => void } = {}): Promise<RebuildResult> {
    const startedAtMs = Date.now();
    this.rebuilding = { percent: 0, startedAtMs };
    return this.serial(async () => {
      try {
        const tmp = `${this.root}.rebuild`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp, { recursive: true });
        const progress = (p: number) => { this.rebuilding = { percent: Math.round(p), startedAtMs }; opts.onProgress?.(p); };
        if (this.opts.worker) {
          rmSync(tmp, { recursive: true, force: true });
          const r = await this.inWorker(opts.fresh ? 'rebuild-fresh' : 'rebuild', progress);
          return { files: r?.files ?? 0, bytes: r?.bytes ?? 0, ms: Date.now() - startedAtMs };
        }
        if (opts.fresh) {
          this.state.clear();
          this.state.saveProgress({ writtenToMs: null });
          await this.advance(tmp, this.state, progress);
        } else {
          await this.replay(tmp, progress);
        }
        this.settingsInto(tmp);
        const result = this.swap(tmp);
        this.opts.log?.info('history folder rebuilt', { ...result, ms: Date.now() - startedAtMs });
        return { ...result, ms: Date.now() - startedAtMs };
      } finally {
        this.rebuilding = null;
      }
    });
  }

  close(): void { this.closed = true; }

  // #region internals
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => {}); // each caller sees (and reports) its own failure
    return next;
  }

  private firstSlotMs(intervalMs: number): number | undefined {
    let first = Infinity;
    for (const s of this.opts.store.listSeries({ kind: 'counter' })) {
      const span = this.opts.store.counterSpan(s.id);
      if (span) first = Math.min(first, span.firstSlotMs);
    }
    return Number.isFinite(first) ? Math.floor(first / intervalMs) * intervalMs : undefined;
  }

  private nextMonthStartMs(tz: string, month: string): number {
    const [y, m] = month.split('-').map(Number);
    return dayStartMs(tz, m === 12 ? { year: y + 1, month: 1, day: 1 } : { year: y, month: m + 1, day: 1 });
  }

  private ctx(): RowContext {
    return { store: this.opts.store, timezone: this.opts.timezone(), format: this.opts.format(), ...(this.opts.costs ? { costs: this.opts.costs } : {}) };
  }

  private headerText(cols: ReadonlyArray<{ label: string }>, format: CsvFormat): string {
    return line([...LEAD, ...cols.map((c) => c.label)], format);
  }

  /** Rows of every slot in [writtenToMs, latest), month by month, appended under `root`. */
  private async advance(root: string, state: FolderState, progress?: (p: number) => void): Promise<void> {
    const store = this.opts.store;
    const latest = store.latestSlotMs();
    const I = store.sampleIntervalMs;
    if (latest === undefined) return;
    const p = state.progress();
    const from = p.writtenToMs ?? this.firstSlotMs(I);
    if (from === undefined) return;
    let t: number = Math.ceil(from / I) * I;
    const startT = t;
    const ctx = this.ctx();
    while (t + I <= latest && !this.closed) {
      const month = monthOf(ctx.timezone, t);
      const monthEnd = this.nextMonthStartMs(ctx.timezone, month);
      // at most a day per step: the event loop (HTTP, ticks) gets a turn between steps
      const k = Math.min(Math.floor((latest - t) / I), Math.ceil((monthEnd - t) / I), Math.ceil(86_400_000 / I));
      const toMs: number = t + k * I;
      const ms = state.month(month);
      ctx.memo = new Map();
      for (const spec of monthFiles(this.opts.structure(), store, month)) {
        const fs = (ms.files[spec.path] ??= { bytes: 0, segments: [] });
        const last = fs.segments[fs.segments.length - 1];
        const same = last && JSON.stringify(last.columns) === JSON.stringify(spec.columns);
        if (!last || last.toMs !== t || last.intervalMs !== I || !same) {
          fs.segments.push({ fromMs: t, toMs: t, intervalMs: I, header: !same, columns: spec.columns });
        }
        const seg = fs.segments[fs.segments.length - 1];
        let text = '';
        if (seg.fromMs === t && seg.header) text += (fs.bytes === 0 ? BOM : '') + this.headerText(spec.columns, ctx.format);
        text += rowsText(ctx, spec.columns, t, toMs, I);
        this.append(root, spec.path, fs.bytes, text);
        seg.toMs = toMs;
        fs.bytes += Buffer.byteLength(text);
      }
      state.saveMonth(month);
      state.saveProgress({ writtenToMs: toMs });
      t = toMs;
      progress?.(((t - startT) / Math.max(1, latest - startT)) * 100);
      await yieldNow();
    }
  }

  /** Appends at `expectedBytes` (cutting what a power cut left past the record). */
  private append(root: string, rel: string, expectedBytes: number, text: string): void {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      const size = statSync(path).size;
      if (size > expectedBytes) truncateSync(path, expectedBytes);
    }
    const fd = openSync(path, 'a');
    try { writeSync(fd, text); } finally { closeSync(fd); }
  }

  /** Writes each recorded file of the months from `fromMonth` whole (atomically: a reader never sees half a file). */
  private async replay(root: string, progress: (p: number) => void, fromMonth = ''): Promise<void> {
    const ctx = this.ctx();
    const months = this.state.monthList().filter((m) => m >= fromMonth);
    let done = 0;
    for (const month of months) {
      const ms: MonthState = this.state.month(month);
      ctx.memo = new Map();
      for (const [rel, fs] of Object.entries(ms.files)) {
        let text = '';
        let first = true;
        for (const seg of fs.segments) {
          if (seg.header) text += (first ? BOM : '') + this.headerText(seg.columns, ctx.format);
          text += rowsText(ctx, seg.columns, seg.fromMs, seg.toMs, seg.intervalMs);
          first = false;
        }
        const path = join(root, rel);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(`${path}.tmp`, text);
        renameSync(`${path}.tmp`, path);
        fs.bytes = Buffer.byteLength(text);
        await yieldNow();
      }
      this.state.saveMonth(month);
      progress((++done / months.length) * 100);
    }
  }

  private settingsInto(root: string): void {
    const format = this.opts.format();
    const files: Record<string, string[][]> = { ...this.opts.settingsFiles?.() };
    for (const more of this.extraSettings.values()) Object.assign(files, more());
    mkdirSync(join(root, 'settings'), { recursive: true });
    for (const [name, rows] of Object.entries(files)) {
      const path = join(root, 'settings', name);
      const text = BOM + rows.map((r) => line(r, format)).join('');
      let old: string | undefined;
      try { old = readFileSync(path, 'utf8'); } catch { old = undefined; }
      if (old !== text) writeFileSync(path, text);
    }
  }

  /** Puts the generated folders of `tmp` in place of the old ones; other entries of the folder stay. */
  private swap(tmp: string): { files: number; bytes: number } {
    const trash = `${this.root}.old`;
    rmSync(trash, { recursive: true, force: true });
    mkdirSync(trash, { recursive: true });
    for (const name of GENERATED_FOLDERS) {
      if (existsSync(join(this.root, name))) renameSync(join(this.root, name), join(trash, name));
      if (existsSync(join(tmp, name))) renameSync(join(tmp, name), join(this.root, name));
    }
    rmSync(trash, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    let files = 0, bytes = 0;
    for (const m of this.state.monthList()) for (const f of Object.values(this.state.month(m).files)) { files++; bytes += f.bytes; }
    return { files, bytes };
  }
  // #endregion
}
