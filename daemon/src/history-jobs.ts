/**
 * @module history-jobs
 * Runs the jobs that read the whole store in the worker process (history-worker.ts; built:
 * dist/history-worker.js, beside this module's chunk; from source under tsx: the .ts): the
 * history folder's catch-ups and rebuilds, and the data download's `reportdata.zip` (HIST-5).
 * Read in the daemon, the store's pages such a job touches would stay resident in the daemon's
 * memory (LMDB maps the file); in the worker they go with it. The worker prints JSON lines
 * (`{"percent": n}`, then `{"ok": true, …}` or `{"error": "…"}`) and has an IPC channel to
 * the daemon, so that it ends with it, even when the daemon is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HistoryWorker, RebuildResult } from './files/index';
import type { ExportRunner } from './reports/index';
import { DAEMON_ENV, WORKER_NODE_FLAGS } from './runtime';
import type { Logger } from './util/log';

function workerCommand(): { file: string; args: string[] } {
  const js = fileURLToPath(new URL('./history-worker.js', import.meta.url));
  if (existsSync(js)) return { file: js, args: [] };
  return { file: fileURLToPath(new URL('./history-worker.ts', import.meta.url)), args: ['--import', 'tsx'] };
}

export interface WorkerJobs {
  /** A history folder job (files/HistoryFolder's worker). */
  run: HistoryWorker;
  /** Builds a data download's zip (reports/Exports' runner). */
  exportZip: ExportRunner;
  /** Stops every job under way (the daemon stops). */
  stop(): void;
}

type Reply = { percent?: number; ok?: boolean; error?: string } & Record<string, unknown>;

export function workerJobs(opts: { dataDir: string; historyDir: string; log: Logger }): WorkerJobs {
  const running = new Set<ChildProcess>();
  /** Calls `onLine` for each line of `stream` (node:readline is a module more in the daemon's memory for this alone). */
  const onLines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void): void => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) onLine(line);
    });
    stream.on('end', () => { if (rest) onLine(rest); rest = ''; });
  };
  /**
   * Starts the worker with `argv` (and node `flags`); answers its `ok` line, or rejects with its
   * error (or how it ended).
   */
  const start = (argv: string[], onProgress: (percent: number) => void, flags: readonly string[]): { child: ChildProcess; done: Promise<Reply> } => {
    const { file, args } = workerCommand();
    const child = spawn(process.execPath, [...flags, ...args, file, ...argv], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'], ...(flags.length ? { env: { ...process.env, ...DAEMON_ENV } } : {}),
    });
    running.add(child);
    const done = new Promise<Reply>((resolve, reject) => {
      let result: Reply | undefined;
      let error: string | undefined;
      onLines(child.stdout!, (line) => {
        let m: Reply;
        try { m = JSON.parse(line) as Reply; } catch { return; }
        if (typeof m.percent === 'number') onProgress(m.percent);
        else if (m.ok) result = m;
        else if (m.error) error = m.error;
      });
      child.once('error', (err) => { running.delete(child); reject(err); });
      child.once('close', (code, signal) => {
        running.delete(child);
        if (code === 0 && result) resolve(result);
        else reject(new Error(error ?? (signal ? `the worker process was stopped (${signal})` : `the worker process ended with code ${code}`)));
      });
    });
    opts.log.info('job started in the worker', { job: argv[0], pid: child.pid });
    return { child, done };
  };
  const run: HistoryWorker = async (job, onProgress) => {
    try {
      // the daemon's heap limits and malloc settings (with the optimizing compiler: WORKER_NODE_FLAGS):
      // a rebuild or a month replay of 255 devices reads as much as an export, and the worker
      // counts against the unit's MemoryMax with the daemon
      const m = await start([job, opts.dataDir, opts.historyDir], onProgress, WORKER_NODE_FLAGS).done;
      return { files: Number(m.files ?? 0), bytes: Number(m.bytes ?? 0), ms: Number(m.ms ?? 0) } satisfies RebuildResult;
    } catch (err) {
      throw new Error(`the history worker failed: ${(err as Error).message}`, { cause: err });
    }
  };
  const exportZip: ExportRunner = (req, path, onProgress) => {
    // the daemon's heap limits and malloc settings (WORKER_NODE_FLAGS): left to its defaults, V8
    // lets the heap of garbage grow to ~400 MB over a 255-device year before collecting it (~55 MB
    // with them; bench:export)
    const { child, done } = start(['export', opts.dataDir, path, JSON.stringify(req)], onProgress, WORKER_NODE_FLAGS);
    return {
      done: done.then((m) => ({ bytes: Number(m.bytes ?? 0), files: Number(m.files ?? 0) })),
      cancel: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); },
    };
  };
  return { run, exportZip, stop: () => { for (const c of running) c.kill('SIGTERM'); } };
}
