import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from './runtime';

test('the systemd unit launches the daemon with the runtime settings the demo uses', () => {
  const unit = readFileSync(new URL('../../systemd/ews.service', import.meta.url), 'utf8');
  for (const [k, v] of Object.entries(DAEMON_ENV)) assert.match(unit, new RegExp(`^Environment=${k}=${v}$`, 'm'), k);
  const exec = unit.split('\n').find((l) => l.startsWith('ExecStart='))!;
  for (const f of DAEMON_NODE_FLAGS) assert.ok(exec.includes(f), `${f} missing from ExecStart`);
});

test('the systemd unit restarts the daemon after the process guard exits non-zero', () => {
  const unit = readFileSync(new URL('../../systemd/ews.service', import.meta.url), 'utf8');
  assert.match(unit, /^Restart=(always|on-failure)$/m);
  const restartSec = Number(/^RestartSec=(\d+)$/m.exec(unit)?.[1]);
  assert.ok(restartSec >= 1 && restartSec <= 30, `RestartSec=${restartSec}: soon, but not a busy loop`);
});
