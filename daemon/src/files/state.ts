/**
 * @module files/state
 * What the folder holds, recorded outside it: for each file, its byte size and its segments
 * (slot range, sample rate, columns, whether a header starts it). A rebuild replays the
 * segments, so it gives the same files; the size lets a restart cut rows appended after the
 * last record (a power cut between the append and the record) instead of doubling them. One
 * JSON file per month, so a tick rewrites only the current month's record.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Column } from './layout';

export interface Segment { fromMs: number; toMs: number; intervalMs: number; header: boolean; columns: Column[] }
export interface FileState { bytes: number; segments: Segment[] }
export interface MonthState { files: Record<string, FileState> }
export interface Progress { writtenToMs: number | null }

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export class FolderState {
  private months = new Map<string, MonthState>();
  constructor(readonly dir: string) { mkdirSync(dir, { recursive: true }); }

  progress(): Progress {
    try { return JSON.parse(readFileSync(join(this.dir, 'progress.json'), 'utf8')) as Progress; } catch { return { writtenToMs: null }; }
  }
  saveProgress(p: Progress): void { writeAtomic(join(this.dir, 'progress.json'), JSON.stringify(p)); }

  monthList(): string[] {
    return readdirSync(this.dir).filter((f) => /^\d{4}-\d{2}\.json$/.test(f)).map((f) => f.slice(0, 7)).sort();
  }
  month(m: string): MonthState {
    let s = this.months.get(m);
    if (!s) {
      try { s = JSON.parse(readFileSync(join(this.dir, `${m}.json`), 'utf8')) as MonthState; } catch { s = { files: {} }; }
      if (this.months.size > 3) this.months.clear();
      this.months.set(m, s);
    }
    return s;
  }
  saveMonth(m: string): void {
    const s = this.months.get(m);
    if (s) writeAtomic(join(this.dir, `${m}.json`), JSON.stringify(s));
  }
  /** Forget everything (a rebuild from the store with today's structure). */
  clear(): void {
    this.months.clear();
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
}
