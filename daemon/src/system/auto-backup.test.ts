/**
 * SYS-8: the automatic backup runs once a day at the quiet hour of the installation's time zone,
 * keeps the last N, records its status (shown by SYS-5), and a failure is a status, not a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabases } from '../store/index';
import { silentLogger } from '../util/log';
import type { Clock, Timer } from '../util/clock';
import { SystemService, localDateHour } from './service';
import { verifyAndStage } from './restore';

test('daily at the quiet hour, keeping the last N, with its status; a failure is recorded', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ews-auto-'));
  const dbs = openDatabases(dataDir);
  let now = Date.parse('2026-03-10T01:30:00Z'); // 02:30 in Paris
  const clock: Clock = { now: () => now, monotonicMs: () => now, setTimeout: () => ({}) as Timer, clearTimeout: () => {} };
  dbs.config.putSync('version', 1);
  const sys = new SystemService({
    dataDir, historyDir: join(dataDir, 'history'), envs: { 'ews.lmdb': dbs.root, 'ews-stats.lmdb': dbs.history.statsRoot }, version: '0.1.0',
    edition: () => 'PM1WS255', configVersion: () => 1, timezone: () => 'Europe/Paris', buses: () => [],
    https: () => ({ enabled: false, port: null, certificate: null }), update: () => ({ installed: '0.1.0', previous: null, lastOutcome: null }),
    requestRestart: () => {}, clock, log: silentLogger, startedAtMs: now,
  });
  try {
    await sys.setAutoSettings({ enabled: true, hour: 3, keep: 2 });
    assert.equal(sys.autoStatus().status, 'never');
    assert.equal(sys.autoStatus().nextAt, '2026-03-10T02:00:00.000Z', '03:00 in Paris');
    assert.equal(await sys.autoBackupIfDue(), false, 'before the quiet hour');
    now = Date.parse('2026-03-10T02:05:00Z');
    assert.equal(await sys.autoBackupIfDue(), true);
    assert.deepEqual(readdirSync(join(dataDir, 'backups')), ['auto-2026-03-10.zip']);
    assert.equal(sys.autoStatus().status, 'ok');
    assert.equal(await sys.autoBackupIfDue(), false, 'once a day');
    assert.equal(sys.autoStatus().nextAt, '2026-03-11T02:00:00.000Z');
    // three more days: only the last two are kept
    for (const day of ['11', '12', '13']) {
      now = Date.parse(`2026-03-${day}T03:00:00Z`);
      assert.equal(await sys.autoBackupIfDue(), true);
    }
    assert.deepEqual(readdirSync(join(dataDir, 'backups')).sort(), ['auto-2026-03-12.zip', 'auto-2026-03-13.zip']);
    assert.deepEqual((await sys.list()).map((b) => [b.file, b.kind]), [['auto-2026-03-13.zip', 'auto'], ['auto-2026-03-12.zip', 'auto']]);
    // an automatic backup is a backup like the others: it passes the restore's verification
    const staged = await verifyAndStage(join(dataDir, 'backups', 'auto-2026-03-13.zip'), { dataDir, version: '0.1.0', edition: 'PM1WS255' });
    rmSync(staged.stagingDir, { recursive: true, force: true });
    // after summer time starts (2026-03-29) 03:00 in Paris is 01:00 UTC
    now = Date.parse('2026-03-30T00:30:00Z');
    assert.equal(localDateHour(now, 'Europe/Paris').hour, 2);
    assert.equal(sys.autoStatus().nextAt, '2026-03-30T01:00:00.000Z');
    // a failure (the backups folder is a file) is a status with its reason
    rmSync(join(dataDir, 'backups'), { recursive: true });
    writeFileSync(join(dataDir, 'backups'), 'not a folder');
    now = Date.parse('2026-03-30T01:10:00Z');
    assert.equal(await sys.autoBackupIfDue(), true);
    const st = sys.autoStatus();
    assert.equal(st.status, 'error');
    assert.match(st.error ?? '', /EEXIST|ENOTDIR|not a directory|exists/i);
    const info = await sys.info();
    assert.equal(info.autoBackup.status, 'error');
    // disabled: nothing runs, no next time
    await sys.setAutoSettings({ enabled: false, hour: 3, keep: 2 });
    now = Date.parse('2026-03-31T01:10:00Z');
    assert.equal(await sys.autoBackupIfDue(), false);
    assert.equal(sys.autoStatus().nextAt, null);
  } finally {
    sys.stop();
    await dbs.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
