/**
 * The history folder's worker process (`node history-worker.js <job> <dataDir> <historyDir>`):
 * a catch-up or a rebuild of the folder (files/folder), run apart from the daemon because it
 * reads the whole store (see `HistoryWorker`). Prints `{"percent": n}` lines, then
 * `{"ok": true, …result}` and exits 0, or `{"error": "…"}` and exits 1.
 */
import { setTimeZoneLookup } from '@ews/shared';
import { knowsTimeZone } from './energy/index';
import { runHistoryFolderJob } from './daemon';
import { createLogger } from './util/log';
import type { HistoryJob } from './files/index';

const JOBS: readonly HistoryJob[] = ['catch-up', 'rebuild', 'rebuild-fresh'];
const [job, dataDir, historyDir] = process.argv.slice(2) as [HistoryJob, string, string];
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

// The daemon's IPC channel closes when it ends, even killed (SIGKILL): the worker ends with it
// and writes nothing more into a folder nobody records.
process.on('disconnect', () => process.exit(2));

async function main(): Promise<void> {
  if (!JOBS.includes(job) || !dataDir || !historyDir) throw new Error(`usage: history-worker <${JOBS.join('|')}> <dataDir> <historyDir>`);
  setTimeZoneLookup(knowsTimeZone);
  let last = -1;
  const result = await runHistoryFolderJob({
    dataDir, historyDir, job, log: createLogger('ews').child('history-worker'),
    onProgress: (p) => { const n = Math.floor(p); if (n !== last) { last = n; say({ percent: n }); } },
  });
  say({ ok: true, ...result });
}

main().then(() => process.exit(0), (err: unknown) => { say({ error: (err as Error).message }); process.exit(1); });
