/**
 * AUTH-4/5 through the API: PIN then PUK, Logout keeps the browser trusted, Lock forgets it;
 * 50 wrong PINs from one client: from the 6th the answers are 429 with Retry-After and the right
 * PIN is refused too until the lock ends; attempts are logged; codes never leave the daemon.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, CODES, type Rig } from './rig';

let rig: Rig;
before(async () => { rig = await startRig({ devices: [], modbus: { path: '/dev/ews-none' }, captureLogs: true }); });
after(async () => { await rig?.stop(); });

const login = (c: ReturnType<Rig['client']>, body: object) => c<{ needPuk?: boolean; code?: string; retryAfterS?: number; mustChangeCodes?: boolean }>('/api/session', { method: 'POST', body: JSON.stringify(body) });

test('PIN then PUK; Logout → PIN alone; Lock → PIN and PUK again', async () => {
  const c = rig.client();
  const first = await login(c, { pin: '99999' });
  assert.equal(first.status, 401);
  assert.equal(first.body.needPuk, true);
  const ok = await login(c, { pin: '99999', puk: '00000 9999 00000' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.mustChangeCodes, true);
  assert.equal((await c('/api/devices')).status, 200);
  assert.equal((await c('/api/session', { method: 'DELETE' })).status, 204);
  assert.equal((await c('/api/devices')).status, 401);
  assert.equal((await login(c, { pin: '99999' })).status, 200, 'after Logout the PIN alone is enough');
  assert.equal((await c('/api/session/lock', { method: 'POST' })).status, 204);
  assert.equal((await c('/api/devices')).status, 401);
  const again = await login(c, { pin: '99999' });
  assert.equal(again.status, 401);
  assert.equal(again.body.needPuk, true, 'after Lock the PUK is needed again');
  // A trusted browser is trusted for its user only.
  assert.equal((await login(c, { pin: '99999', puk: '00000999900000' })).status, 200);
  assert.equal((await login(c, { pin: '11111' })).body.needPuk, true);
});

test('the API never returns codes or their hashes', async () => {
  const users = await rig.api<unknown[]>('/api/users');
  const text = JSON.stringify(users.body);
  assert.ok(!/pin|puk|hash|scrypt/i.test(text.replace(/"pages"/g, '')), text);
  assert.ok(!rig.logs.some((l) => /99999|00000999900000|scrypt\$/.test(l)), 'a code appeared in the logs');
});

test('50 wrong PINs in a minute: 429 with Retry-After from the 6th, the right PIN refused too, attempts logged', async () => {
  const c = rig.client();
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r = await login(c, { pin: String(20000 + i) });
    statuses.push(r.status);
    if (r.status === 429) retryAfter = r.headers.get('retry-after');
  }
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), `answers from the 6th: ${statuses.slice(5).join(',')}`);
  assert.ok(retryAfter && Number(retryAfter) > 0, 'Retry-After header');
  const right = await login(c, { pin: CODES.administrator[0], puk: CODES.administrator[1] });
  assert.equal(right.status, 429, 'the right PIN is refused while locked');
  assert.ok(right.body.retryAfterS! > 0);
  assert.ok(rig.logs.filter((l) => l.includes('login refused')).length >= 5, 'failed attempts are logged');
  assert.ok(rig.logs.some((l) => l.includes('login throttled')), 'throttled attempts are logged');
});
