/**
 * The worker process of the jobs that read the whole store, run apart from the daemon so that
 * the store's pages they touch do not stay in the daemon's memory (see history-jobs.ts):
 * - `node history-worker.js <catch-up|rebuild|rebuild-fresh|replay:YYYY-MM> <dataDir> <historyDir>`:
 *   a catch-up, a rebuild, or a correction's rewrite of the months from YYYY-MM of the history
 *   folder (files/folder, `HistoryWorker`);
 * - `node history-worker.js export <dataDir> <zipPath> <request JSON>`: a data download's
 *   `reportdata.zip` (reports/export), read from the store opened read-only, with the
 *   configuration (devices, groups, loads, tariffs, CSV separators, currency, time zone) the
 *   daemon last committed.
 * Prints `{"percent": n}` lines, then `{"ok": true, …result}` and exits 0, or `{"error": "…"}`
 * and exits 1.
 */
import { setTimeZoneLookup } from '@ews/shared';
import { knowsTimeZone } from './energy/index';
import { runExportJob, runHistoryFolderJob } from './daemon';
import { createLogger } from './util/log';
import type { HistoryJob } from './files/index';
import type { ExportJobRequest } from './reports/index';

const JOBS: ReadonlyArray<HistoryJob | 'export'> = ['catch-up', 'rebuild', 'rebuild-fresh', 'export'];
const [job, dataDir, target, request] = process.argv.slice(2) as [HistoryJob | 'export', string, string, string | undefined];
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

// The daemon's IPC channel closes when it ends, even killed (SIGKILL): the worker ends with it
// and writes nothing more into a folder nobody records.
process.on('disconnect', () => process.exit(2));

async function main(): Promise<void> {
  if (!(JOBS.includes(job) || /^replay:\d{4}-\d{2}$/.test(job)) || !dataDir || !target || (job === 'export' && !request)) {
    throw new Error(`usage: history-worker <catch-up|rebuild|rebuild-fresh|replay:YYYY-MM> <dataDir> <historyDir> | export <dataDir> <zipPath> <request JSON>`);
  }
  setTimeZoneLookup(knowsTimeZone);
  let last = -1;
  const onProgress = (p: number) => { const n = Math.floor(p); if (n !== last) { last = n; say({ percent: n }); } };
  const log = createLogger('ews').child('history-worker');
  if (job === 'export') {
    const result = await runExportJob({ dataDir, path: target, request: JSON.parse(request!) as ExportJobRequest, log, onProgress });
    say({ ok: true, ...result });
    return;
  }
  const result = await runHistoryFolderJob({ dataDir, historyDir: target, job, log, onProgress });
  say({ ok: true, ...result });
}

main().then(() => process.exit(0), (err: unknown) => { say({ error: (err as Error).message }); process.exit(1); });
