/**
 * Backup and restore on the demo's history (SYS-6), through the built daemon as on the box:
 * BENCH_MONTHS (13) of back-filled history, then `POST /api/system/backup` (the hot copy, its
 * manifest and the zip), the download, and `POST /api/system/restore` of that file into a fresh
 * box (verification in full, staging, the swap at a restart) until the restored box answers.
 * Prints JSON lines: sizes, durations, the daemon's RSS before and after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../demo/harness';

const months = Number(process.env.BENCH_MONTHS ?? 13);
const line = (o: object) => console.log(JSON.stringify(o));

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
  if (r.status !== 200) throw new Error(`login: ${r.status}`);
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}
const rssOf = (pid: number | undefined) => {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024; } catch { return 0; }
};

const dirs = [await mkdtemp(join(tmpdir(), 'ews-bench-bk-')), await mkdtemp(join(tmpdir(), 'ews-bench-bk-'))];
const source = await startDemo({ dataDir: dirs[0], backfillMonths: months, costs: true });
const fresh = await startDemo({ dataDir: dirs[1], seed: false });
try {
  const sc = await login(source.url);
  const storeBytes = ['ews.lmdb', 'ews-stats.lmdb'].reduce((n, f) => n + statSync(join(dirs[0], f)).size, 0);
  const rssBefore = rssOf(source.daemon.pid);
  let t = performance.now();
  const b = await (await fetch(`${source.url}/api/system/backup`, { method: 'POST', headers: { cookie: sc } })).json() as { sizeBytes: number; tookMs: number };
  const backupMs = Math.round(performance.now() - t);
  line({ bench: 'backup', months, storeBytes, zipBytes: b.sizeBytes, daemonTookMs: b.tookMs, requestMs: backupMs, rssBeforeBytes: rssBefore, rssAfterBytes: rssOf(source.daemon.pid) });
  t = performance.now();
  const zip = await (await fetch(`${source.url}/api/system/backups/database.zip`, { headers: { cookie: sc } })).arrayBuffer();
  line({ bench: 'download', bytes: zip.byteLength, ms: Math.round(performance.now() - t) });
  const fc = await login(fresh.url);
  t = performance.now();
  const r = await fetch(`${fresh.url}/api/system/restore`, { method: 'POST', headers: { cookie: fc, 'content-type': 'application/zip' }, body: zip });
  const verifiedMs = Math.round(performance.now() - t);
  if (r.status !== 200) throw new Error(`restore: ${r.status} ${await r.text()}`);
  // until the restarted daemon answers with the restored configuration
  let answered = false;
  while (!answered) {
    await new Promise((res) => setTimeout(res, 100));
    try { answered = ((await (await fetch(`${fresh.url}/api/devices`, { headers: { cookie: await login(fresh.url) } })).json()) as unknown[]).length > 0; } catch { /* restarting */ }
  }
  line({ bench: 'restore', verifiedAndStagedMs: verifiedMs, untilAnsweringMs: Math.round(performance.now() - t), rssAfterBytes: rssOf(fresh.daemon.pid) });
} finally {
  await source.stop();
  await fresh.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
