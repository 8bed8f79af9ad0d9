/**
 * SYS-4 signed updates, A/B folders simulated in a temporary folder: the built daemon installed
 * as release 0.1.0 behind `current`, the launcher (systemd/ews-launch.mjs) run by a supervisor
 * that restarts it whenever it exits (systemd's Restart=always). A good signed package installs
 * and comes up; a package whose daemon never answers its health check is rolled back by the
 * launcher and the old version answers again; unsigned, tampered, foreign-key, older, too-new-
 * minimum, other-edition and non-packages are refused with their reason.
 * Needs the build (`pnpm build`): the releases are the built daemon and web app.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../sim/tcp-server';
import { buildPackage, keygen, RELEASE_PARTS } from './package';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ews-ab-'));
const keys = keygen(join(root, 'keys'));
const otherKeys = keygen(join(root, 'other-keys'));
const keyPem = readFileSync(keys.privatePath, 'utf8');
let port = 0;
let launcher: ChildProcess | undefined;
let supervising = true;
let starts = 0;
let cookie = '';

function supervise(): void {
  if (!supervising) return;
  starts++;
  launcher = spawn(process.execPath, [join(ROOT, 'systemd/ews-launch.mjs')], {
    env: { ...process.env, EWS_INSTALL_DIR: root, EWS_PORT: String(port), EWS_DATA_DIR: join(root, 'data'), EWS_UPDATE_PUBKEY: join(root, 'update-key.pub'), EWS_UPDATE_HEALTH_TIMEOUT_MS: '12000', EWS_LOG: 'warn' },
    stdio: ['ignore', process.env.EWS_TEST_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  launcher.once('exit', () => { if (supervising) setTimeout(supervise, 300); });
}

async function health(): Promise<string | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) });
    return ((await r.json()) as { version: string }).version;
  } catch { return undefined; }
}
async function waitVersion(v: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await health()) === v) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`version ${v} did not answer within ${timeoutMs} ms (last: ${await health()})`);
}
async function api<T>(method: string, path: string, body?: Buffer): Promise<{ status: number; body: T }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/octet-stream' } : {}) }, body });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
}
async function pkg(version: string, opts: Partial<Parameters<typeof buildPackage>[0]> = {}): Promise<Buffer> {
  const out = join(root, 'packages', `${version}-${Math.random().toString(36).slice(2)}.tar.gz`);
  await buildPackage({ version, keyPem, out, ...opts });
  return readFileSync(out);
}

before(async () => {
  // release 0.1.0: the build of this repository
  for (const part of RELEASE_PARTS) cpSync(join(ROOT, part), join(root, 'releases', '0.1.0', part), { recursive: true });
  writeFileSync(join(root, 'releases', '0.1.0', 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')), version: '0.1.0' }));
  // npm dependencies are shared by the releases (/opt/ews/node_modules on the box)
  symlinkSync(join(ROOT, 'daemon', 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join('releases', '0.1.0'), join(root, 'current'));
  cpSync(keys.publicPath, join(root, 'update-key.pub'));
  mkdirSync(join(root, 'data'));
  port = await freePort();
  supervise();
  await waitVersion('0.1.0', 30_000);
  const login = await fetch(`http://127.0.0.1:${port}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
  assert.equal(login.status, 200);
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
});
after(async () => {
  supervising = false;
  if (launcher && launcher.exitCode === null) {
    await new Promise<void>((r) => { launcher!.once('exit', () => r()); launcher!.kill('SIGTERM'); setTimeout(() => launcher!.kill('SIGKILL'), 8000).unref(); });
  }
  rmSync(root, { recursive: true, force: true });
});

interface Status { installed: string; previous: string | null; last: { outcome: string; version: string | null; reason?: string } | null }

test('a good signed package installs beside the running version and comes up', { timeout: 120_000 }, async () => {
  const r = await api<Status>('POST', '/api/system/update', await pkg('0.2.0', { minVersion: '0.1.0' }));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.last?.outcome, 'installing');
  await waitVersion('0.2.0');
  const s = await api<Status>('GET', '/api/system/update');
  assert.equal(s.status, 200);
  assert.deepEqual({ installed: s.body.installed, previous: s.body.previous, outcome: s.body.last?.outcome, version: s.body.last?.version }, { installed: '0.2.0', previous: '0.1.0', outcome: 'installed', version: '0.2.0' });
  assert.equal(readlinkSync(join(root, 'current')), join('releases', '0.2.0'));
  assert.equal(readlinkSync(join(root, 'previous')), join('releases', '0.1.0'));
});

test('a package whose daemon fails its health check is rolled back by itself; the old version answers again', { timeout: 120_000 }, async () => {
  const startsBefore = starts;
  const bad = await pkg('0.3.0', { edit: (files) => writeFileSync(join(files, 'daemon/dist/main.js'), 'setInterval(() => {}, 1000); // never listens\n') });
  const r = await api<Status>('POST', '/api/system/update', bad);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  // the launcher starts 0.3.0, waits 12 s for its health check, switches back, and exits; the supervisor starts 0.2.0
  await new Promise((res) => setTimeout(res, 3000));
  await waitVersion('0.2.0', 60_000);
  assert.ok(starts >= startsBefore + 2, 'restarted into the new version, then back');
  const s = await api<Status>('GET', '/api/system/update');
  assert.equal(s.body.installed, '0.2.0');
  assert.equal(s.body.last?.outcome, 'rolled-back');
  assert.equal(s.body.last?.version, '0.3.0');
  assert.match(s.body.last?.reason ?? '', /health check/);
  assert.equal(readlinkSync(join(root, 'current')), join('releases', '0.2.0'));
});

test('unsigned, tampered, foreign-key, older, too-old-to-update, other-edition and non-packages are refused with their reason', { timeout: 120_000 }, async () => {
  const cases: Array<[string, Buffer, string]> = [
    ['unsigned', await pkg('0.4.0', { unsigned: true }), 'unsigned'],
    ['tampered after signing', await pkg('0.4.0', { tamper: (stage) => writeFileSync(join(stage, 'files/web/dist/index.html'), '<h1>pwned</h1>') }), 'tampered'],
    ['a file added after signing', await pkg('0.4.0', { tamper: (stage) => writeFileSync(join(stage, 'files/daemon/dist/extra.js'), 'x') }), 'tampered'],
    ['signed with another key', await pkg('0.4.0', { keyPem: readFileSync(otherKeys.privatePath, 'utf8') }), 'bad-signature'],
    ['older', await pkg('0.1.5'), 'older'],
    ['the same version', await pkg('0.2.0'), 'older'],
    ['needs a newer installed version', await pkg('0.5.0', { minVersion: '0.3.0' }), 'too-old-to-update'],
    ['for another edition', await pkg('0.4.0', { editions: ['PM1WS10'] }), 'other-edition'],
    ['not a package', Buffer.from('hello, this is text'), 'not-package'],
    ['a truncated package', (await pkg('0.4.0')).subarray(0, 5000), 'damaged'],
  ];
  for (const [what, body, code] of cases) {
    const r = await api<{ code: string; error: string }>('POST', '/api/system/update', body);
    assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code, `${what}: ${r.body.error}`);
  }
  assert.equal(await health(), '0.2.0', 'still running');
  const s = await api<Status>('GET', '/api/system/update');
  assert.equal(s.body.last?.outcome, 'refused');
});
