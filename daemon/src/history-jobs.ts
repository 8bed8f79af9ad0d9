/**
 * @module history-jobs
 * Runs the history folder's long jobs in the worker process (history-worker.ts; built:
 * dist/history-worker.js, beside this module's chunk; from source under tsx: the .ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { HistoryWorker, RebuildResult } from './files/index';
import type { Logger } from './util/log';

function workerCommand(): { file: string; args: string[] } {
  const js = fileURLToPath(new URL('./history-worker.js', import.meta.url));
  if (existsSync(js)) return { file: js, args: [] };
  return { file: fileURLToPath(new URL('./history-worker.ts', import.meta.url)), args: ['--import', 'tsx'] };
}

export interface HistoryWorkerHandle { run: HistoryWorker; stop(): void }

export function historyWorker(opts: { dataDir: string; historyDir: string; log: Logger }): HistoryWorkerHandle {
  const running = new Set<ChildProcess>();
  const run: HistoryWorker = (job, onProgress) => new Promise((resolve, reject) => {
    const { file, args } = workerCommand();
    const child = spawn(process.execPath, [...args, file, job, opts.dataDir, opts.historyDir], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    running.add(child);
    let result: RebuildResult | undefined;
    let error: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: { percent?: number; ok?: boolean; error?: string } & Partial<RebuildResult>;
      try { m = JSON.parse(line) as typeof m; } catch { return; }
      if (typeof m.percent === 'number') onProgress(m.percent);
      else if (m.ok) result = { files: m.files ?? 0, bytes: m.bytes ?? 0, ms: m.ms ?? 0 };
      else if (m.error) error = m.error;
    });
    child.once('error', (err) => { running.delete(child); reject(err); });
    child.once('close', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve(result);
      else reject(new Error(`the history worker failed: ${error ?? (signal ? `stopped by ${signal}` : `exit ${code}`)}`));
    });
    opts.log.info('history folder job started in the worker', { job, pid: child.pid });
  });
  return { run, stop: () => { for (const c of running) c.kill('SIGTERM'); } };
}
