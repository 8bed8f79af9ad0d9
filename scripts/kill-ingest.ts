/**
 * STO-6 crash test: a child process ingests sample ticks into a history store as fast as it can
 * (one write transaction per tick, reporting each committed slot on stdout); the parent SIGKILLs
 * it at a random moment, reopens the store, checks that every slot reported before the kill is
 * there with the right values and that nothing is torn, restarts the child (which resumes after
 * the latest stored slot), and repeats.
 *
 *   node --import tsx scripts/kill-ingest.ts            KILL_RUNS=50 (default 5)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabases, HistoryStore, FLAG, decodeCounter, type IngestRegister, type Tick } from '@ews/daemon';

const SLOT_MS = 15 * 60_000;
const T0 = Date.UTC(2026, 0, 1);
const DEVICES = 20;
const REGISTERS: IngestRegister[] = [
  { key: 'e', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyImport' },
  { key: 'p', type: 's32', scale: 1, unit: 'W', statistic: true },
];
const scopesOf = (id: number) => [`load:l${id % 3}`, 'total'];

/** What meter `id` reads at slot `k`: strictly known, so the parent can check every value. */
const reading = (id: number, k: number) => 1000 * id + k * (id + 10);
const tickAt = (k: number): Tick => ({
  slotMs: T0 + k * SLOT_MS,
  readings: Array.from({ length: DEVICES }, (_, i) => ({ deviceId: i + 1, ok: true, values: { e: { value: reading(i + 1, k) }, p: { value: (k % 50) * (i + 1) } } })),
});

function openStore(dir: string) {
  const dbs = openDatabases(dir);
  return { dbs, store: new HistoryStore({ dbs: dbs.history, sampleIntervalMs: SLOT_MS, scopesOf }) };
}

/** Child: ingest forever from where the store stopped; print each committed slot index. */
function child(dir: string): void {
  const { store } = openStore(dir);
  const latest = store.latestSlotMs();
  let k = latest === undefined ? 0 : (latest - T0) / SLOT_MS + 1;
  writeSync(1, `start ${k}\n`);
  for (;;) {
    store.ingest(tickAt(k), () => REGISTERS);
    writeSync(1, `${k}\n`);
    k++;
  }
}

export interface KillReport { runs: number; slots: number; failures: string[] }

/** Checks the store after a kill: every slot up to `reported` there and right, nothing torn. */
async function verify(dir: string, reported: number): Promise<{ latest: number; problems: string[] }> {
  const { dbs, store } = openStore(dir);
  const problems: string[] = [];
  try {
    const latestMs = store.latestSlotMs();
    const latest = latestMs === undefined ? -1 : (latestMs - T0) / SLOT_MS;
    if (latest < reported) problems.push(`slot ${reported} was committed but the store ends at ${latest}`);
    if (latest > reported + 1) problems.push(`store ends at ${latest}, more than one slot after the last reported ${reported}`);
    for (const { value } of dbs.history.counters.getRange({})) decodeCounter(value);
    for (const id of [1, 7, DEVICES]) {
      const s = store.series(`device:${id}`, 'activeEnergyImport');
      if (!s) { if (latest >= 0) problems.push(`device ${id} has no series`); continue; }
      const slots = store.counterSlots(s.id, T0, T0 + (latest + 1) * SLOT_MS);
      if (slots.length !== latest + 1) problems.push(`device ${id}: ${slots.length} slots for ${latest + 1}`);
      slots.forEach((x, k) => {
        if (x.value !== reading(id, k) || x.raw !== reading(id, k) || x.flags & FLAG.ESTIMATED) problems.push(`device ${id} slot ${k}: ${x.value}/${x.raw}/${x.flags}`);
      });
    }
    const total = store.series('total', 'activeEnergyImport');
    if (total && latest >= 0) {
      let expected = 0;
      for (let id = 1; id <= DEVICES; id++) expected += reading(id, latest) - reading(id, 0);
      const got = store.counterAt(total.id, T0 + latest * SLOT_MS);
      if (got !== expected) problems.push(`total at ${latest}: ${got}, expected ${expected}`);
    }
    return { latest, problems };
  } finally {
    store.close();
    await dbs.close();
  }
}

function runChild(dir: string, killAfterMs: number): Promise<{ reported: number; started: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '', reported = -1, started = -1, timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith('start ')) { started = Number(l.slice(6)); timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs); }
        else reported = Number(l);
      }
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}, signal ${signal})`));
      else resolve({ reported: Math.max(reported, started - 1), started });
    });
  });
}

export async function killIngest(runs: number, log: (m: string) => void = () => {}): Promise<KillReport> {
  const dir = mkdtempSync(join(tmpdir(), 'ews-kill-'));
  const failures: string[] = [];
  let latest = -1;
  try {
    for (let run = 1; run <= runs; run++) {
      const { reported, started } = await runChild(dir, 30 + Math.floor(Math.random() * 400));
      if (started !== latest + 1) failures.push(`run ${run}: child resumed at ${started}, store ended at ${latest}`);
      const v = await verify(dir, reported);
      latest = v.latest;
      failures.push(...v.problems.slice(0, 5).map((p) => `run ${run}: ${p}`));
      log(`run ${run}/${runs}: killed after slot ${reported}, store ends at ${v.latest}${v.problems.length ? ` — ${v.problems.length} problem(s)` : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs, slots: latest + 1, failures };
}

if (process.argv[2] === '--child') child(process.argv[3]);
else if (/kill-ingest\.ts$/.test(process.argv[1] ?? '')) {
  const runs = Number(process.argv[2] ?? process.env.KILL_RUNS ?? 5);
  killIngest(runs, (m) => process.stderr.write(`[kill-ingest] ${m}\n`)).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(r.failures.length ? 1 : 0);
  }, (err) => { console.error(err); process.exit(1); });
}
