/**
 * AUTH-2 rights matrix: every API route × the four default roles and an anonymous client.
 * Allowed → 2xx or a 4xx that is not 401/403 (validation, not found); forbidden → 403;
 * anonymous → 401. Fails when a route exists without a rights entry.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RIGHTS, findRight, type Right } from '../src/api/rights';
import { ROLE_PAGES } from '../src/auth/index';
import { startRig, CODES, type Rig, type ApiCall } from './rig';

let rig: Rig;
const clients: Record<string, ApiCall> = {};

before(async () => {
  rig = await startRig({ devices: [], modbus: { path: '/dev/ews-none' } });
  for (const [role, [pin, puk]] of Object.entries(CODES)) {
    const c = rig.client();
    await c.login(pin, puk);
    clients[role] = c;
  }
  clients.anonymous = rig.client();
});
after(async () => { await rig?.stop(); });

test('every route of the app has a rights entry, and every entry a route', () => {
  const api = rig.daemon.routes.filter((r) => r.path.startsWith('/api/') && r.path !== '/api/*' && r.method !== 'ALL');
  const missing = api.filter((r) => findRight(r.method, r.path.replace(/:[A-Za-z]+/g, 'x')) === undefined);
  assert.deepEqual(missing, [], 'routes without a rights entry');
  for (const e of RIGHTS) {
    assert.ok(api.some((r) => r.method === e.method && r.path === e.path), `rights entry without a route: ${e.method} ${e.path}`);
  }
});

/** Written out independently of holdsRight, so a mistake there shows here. */
function allowed(role: string, right: Right): boolean {
  if (typeof right !== 'string') return right.some((r) => allowed(role, r));
  if (right === 'public' || right === 'authenticated') return true;
  if (right === 'users') return role === 'administrator' || role === 'greenUp';
  return (ROLE_PAGES as Record<string, string[]>)[role].includes(right);
}

const SKIP = new Set(['DELETE /api/session', 'POST /api/session/lock']); // would end the clients' sessions

test('rights matrix: every route × administrator, greenUp, installer, user, anonymous', async () => {
  const results: string[] = [];
  for (const e of RIGHTS) {
    if (SKIP.has(`${e.method} ${e.path}`)) continue;
    // Ids that do not exist: an allowed write answers 404/400 and changes nothing.
    const path = e.path.replace(':id', e.path.startsWith('/api/devices') ? '9999' : 'no-such-id');
    const init: RequestInit = { method: e.method, ...(e.method === 'POST' || e.method === 'PUT' ? { body: '{"__probe":true}' } : {}) };
    for (const [who, call] of Object.entries(clients)) {
      const { status } = await call(path, init);
      let ok: boolean;
      if (e.right === 'public') ok = status !== 403 && status < 500; // GET /api/session answers 401 without a session
      else if (who === 'anonymous') ok = status === 401;
      else if (allowed(who, e.right)) ok = status < 500 && status !== 401 && status !== 403;
      else ok = status === 403;
      if (!ok) results.push(`${e.method} ${path} as ${who} (${e.right}) → ${status}`);
    }
  }
  assert.deepEqual(results, []);
});
