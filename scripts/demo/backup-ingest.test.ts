/**
 * SYS-6 end to end on the built daemon: a backup taken while the demo ingests (sampling every
 * minute, the backup started as a minute's tick is stored), restored into a fresh box (another
 * daemon with an empty data folder; the restore swaps the store in at an in-process restart),
 * gives consumption and cost answers identical to the source's for every closed slot.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type Demo } from './harness';

let source: Demo, fresh: Demo;
const dirs: string[] = [];

async function login(url: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
      assert.equal(r.status, 200);
      return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
const get = async (url: string, cookie: string) => {
  const r = await fetch(url, { headers: { cookie } });
  assert.equal(r.status, 200, `${url}: ${r.status}`);
  return r.json() as Promise<Bars>;
};
interface Series { key: string; values: Array<number | null> }
interface Bars { x: number[]; series: Series[]; costs?: Series[]; byTariff?: Series[]; previous?: Bars }

/** The bars whose slots are all closed at `cutoffS` (epoch seconds): each bar ends where the next starts. */
function closed(b: Bars, cutoffS: number): unknown {
  const keep = b.x.map((_, i) => i + 1 < b.x.length && b.x[i + 1] <= cutoffS);
  const cut = (s: Series[] | undefined) => s?.map((x) => ({ key: x.key, values: x.values.map((v, i) => (keep[i] ? v : 'open')) }));
  return { x: b.x, series: cut(b.series), costs: cut(b.costs), byTariff: cut(b.byTariff), previous: b.previous ? closed(b.previous, cutoffS) : undefined, kept: keep.filter(Boolean).length };
}

before(async () => {
  for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), 'ews-bk-')));
  // one after the other: each takes free ports, and two at once could be handed the same
  source = await startDemo({ dataDir: dirs[0], backfillMonths: 1, costs: true });
  fresh = await startDemo({ dataDir: dirs[1], seed: false });
});
after(async () => {
  await source?.stop();
  await fresh?.stop();
  // retried: a history worker the killed daemon left may still be finishing a file
  for (const d of dirs) await rm(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

test('a backup taken while the demo ingests, restored into a fresh box, answers as the source for every closed slot', { timeout: 240_000 }, async () => {
  const sc = await login(source.url);
  const put = await fetch(`${source.url}/api/settings/csv`, { method: 'PUT', headers: { cookie: sc, 'content-type': 'application/json' }, body: JSON.stringify({ sampleRateMin: 1 }) });
  assert.equal(put.status, 200);
  // The first tick at the new rate closes the gap since the back-fill's last slot, spreading
  // the meters' increase over the slots before it: wait until it is stored, so that every slot
  // before the backup's cutoff is final in the source too.
  // (the decade's bars: a tick changes the current year's whatever the local day, also after
  // midnight in the installation's zone while the UTC date is still the day before)
  const today0 = new Date().toISOString().slice(0, 10);
  const totalNow = async () => JSON.stringify((await get(`${source.url}/api/consumption?scope=total&period=decade&date=${today0}`, sc)).series);
  const before = await totalNow();
  for (const until = Date.now() + 90_000; (await totalNow()) === before;) {
    assert.ok(Date.now() < until, 'the first tick at a 1-minute rate was stored within 90 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  // start the backup as the next minute's tick is read and stored
  const nextMinute = Math.ceil((Date.now() + 2000) / 60_000) * 60_000;
  await new Promise((r) => setTimeout(r, nextMinute - Date.now() + 300));
  const b = await fetch(`${source.url}/api/system/backup`, { method: 'POST', headers: { cookie: sc } });
  assert.equal(b.status, 200, await b.clone().text());
  const backup = await b.json() as { createdAt: string; sizeBytes: number; tookMs: number };
  console.log(JSON.stringify({ figure: 'backupWhileIngesting', sizeBytes: backup.sizeBytes, tookMs: backup.tookMs, months: 1 }));
  const zip = await (await fetch(`${source.url}/api/system/backups/database.zip`, { headers: { cookie: sc } })).arrayBuffer();

  const fc = await login(fresh.url);
  const r = await fetch(`${fresh.url}/api/system/restore`, { method: 'POST', headers: { cookie: fc, 'content-type': 'application/zip' }, body: zip });
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { restarting: true });
  // the daemon restarts in its process; the restored store has the source's codes (the same demo defaults)
  await new Promise((r) => setTimeout(r, 1500));
  const rc = await login(fresh.url);
  const devices = await (await fetch(`${fresh.url}/api/devices`, { headers: { cookie: rc } })).json() as unknown[];
  assert.ok(devices.length > 5, 'the restored configuration');

  // every closed slot: bars ending at or before the minute before the backup started (the tick of
  // the minute it started in may be read but not yet stored when the copy's transaction begins)
  const cutoffS = Math.floor(Date.parse(backup.createdAt) / 60_000) * 60 - 60;
  const today = new Date().toISOString().slice(0, 10);
  const days = [today, new Date(Date.now() - 86400_000).toISOString().slice(0, 10), new Date(Date.now() - 15 * 86400_000).toISOString().slice(0, 10)];
  let compared = 0, bars = 0;
  for (const date of days) {
    for (const scope of ['total', 'type:electricity', 'type:gas', 'type:water', 'device:1']) {
      for (const period of ['day', 'month', 'year']) {
        const q = `/api/consumption?scope=${scope}&period=${period}&date=${date}&costs=1`;
        const a = closed(await get(source.url + q, sc), cutoffS) as { kept: number };
        const c = closed(await get(fresh.url + q, rc), cutoffS);
        assert.deepEqual(c, a, `${q} differs`);
        compared++;
        bars += a.kept;
      }
    }
  }
  assert.ok(bars > 100, `closed bars compared: ${bars}`);
  console.log(JSON.stringify({ figure: 'restoreCompared', queries: compared, closedBars: bars }));
});
