/**
 * STO-6: SIGKILL an ingesting process at random moments; history before each kill is intact.
 * KILL_RUNS=50 on demand (default 5 in CI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { killIngest } from './kill-ingest';

const runs = Number(process.env.KILL_RUNS ?? 5);

test(`history survives ${runs} SIGKILLs during ingest`, { timeout: 60_000 + runs * 10_000 }, async () => {
  const r = await killIngest(runs);
  assert.deepEqual(r.failures, []);
  assert.equal(r.runs, runs);
  assert.ok(r.slots > runs, `${r.slots} slots ingested`);
});
