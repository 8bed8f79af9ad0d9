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

test('kiosk tokens: read-only, survive a daemon restart, revocable', async () => {
  const made = await rig.api<{ id: string; token: string; url: string }>('/api/kiosk-tokens', { method: 'POST', body: JSON.stringify({ name: 'Lobby tablet' }) });
  assert.equal(made.status, 201);
  assert.ok(made.body.url.includes(encodeURIComponent(made.body.token)));
  const anon = rig.client();
  const bearer = { headers: { authorization: `Bearer ${made.body.token}` } };
  assert.equal((await anon('/api/devices', bearer)).status, 200);
  assert.equal((await anon('/api/settings/network', bearer)).status, 403, 'kiosk: Consumptions only');
  assert.equal((await anon('/api/users', bearer)).status, 403);
  assert.equal((await anon('/api/loads', { ...bearer, method: 'POST', body: '{"name":"x"}' })).status, 401, 'kiosk: no writes');
  const list = await rig.api<Array<{ id: string }>>('/api/kiosk-tokens');
  assert.ok(!JSON.stringify(list.body).includes(made.body.token), 'the token is shown once, never listed');
  // Restart: a new daemon on the same data folder still knows the token.
  const { startDaemon } = await import('../src/daemon');
  const { catalog } = await import('./rig');
  const { silentLogger } = await import('../src/util/log');
  const dataDir = rig.dataDir;
  await rig.daemon.stop();
  const d2 = await startDaemon({ dataDir, port: 0, catalog, log: silentLogger });
  try {
    const r = await fetch(`${d2.url}/api/devices`, bearer);
    assert.equal(r.status, 200);
  } finally {
    await d2.stop();
  }
  rig = await startRig({ dataDir, devices: [], modbus: { path: '/dev/ews-none' } });
  assert.equal((await rig.api(`/api/kiosk-tokens/${made.body.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${rig.daemon.url}/api/devices`, bearer)).status, 401, 'revoked');
});
