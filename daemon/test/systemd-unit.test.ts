/**
 * The box's systemd unit grants only what is needed (issue 15): the capability to bind 80, 443,
 * 21 and 502, a read-only file system but for the data folder and the releases, no new
 * privileges, serial devices only, a memory limit; it runs the update launcher; and
 * `systemd-analyze verify` accepts it where systemd is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const unitPath = fileURLToPath(new URL('../../systemd/ews.service', import.meta.url));
const unit = readFileSync(unitPath, 'utf8');
const values = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

test('the unit grants only what is needed', () => {
  assert.deepEqual(values('AmbientCapabilities'), ['CAP_NET_BIND_SERVICE'], 'binding ports below 1024 (80, 443, 21, 502), nothing else');
  assert.deepEqual(values('CapabilityBoundingSet'), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(values('NoNewPrivileges'), ['yes']);
  assert.deepEqual(values('ProtectSystem'), ['strict']);
  const writable = values('ReadWritePaths').join(' ').split(/\s+/);
  assert.ok(writable.includes('/var/lib/ews'), 'the data folder is writable');
  assert.ok(writable.includes('/opt/ews'), 'the releases are writable (updates)');
  assert.equal(values('Environment').find((e) => e.startsWith('EWS_DATA_DIR=')), 'EWS_DATA_DIR=/var/lib/ews');
  assert.ok(values('MemoryMax')[0], 'a memory limit');
  assert.deepEqual(values('DevicePolicy'), ['closed']);
  assert.ok(values('DeviceAllow').every((d) => /^char-tty\w+ rw$/.test(d)), 'serial ports only');
  assert.notEqual(values('User')[0], 'root');
  assert.match(values('ExecStart')[0], /ews-launch\.mjs$/, 'the update launcher judges new releases');
  assert.ok(values('Environment').includes('EWS_HTTPS_PORT=443'));
  assert.ok(values('Environment').includes('EWS_PORT=80'));
});

test('systemd-analyze verify accepts the unit', (t) => {
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  if (!analyze) { t.skip('systemd-analyze is not installed here'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'ews-unit-'));
  try {
    copyFileSync(unitPath, join(dir, 'ews.service'));
    const r = spawnSync(analyze, ['verify', join(dir, 'ews.service')], { encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, `systemd-analyze verify failed: ${output}`);
    // warnings about this unit (unknown directives, bad values) come with exit code 0: failures too
    assert.doesNotMatch(output, /ews\.service:\d+:/, output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
