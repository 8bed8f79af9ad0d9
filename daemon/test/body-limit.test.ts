/**
 * Bounded input against a real daemon process: ten anonymous 50 MB bodies sent at once to
 * POST /api/session (half with Content-Length, half chunked, streamed from a 64 KB buffer so the
 * test holds no 500 MB) are each refused 413 `too-large` before being read, and the daemon's
 * resident memory (VmRSS of its /proc/<pid>/status) stays within 20 MB of where it was.
 * Also: a body under the limit still parses; a route's own limit (the device batch) is higher.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../src/runtime';
import { endpoints } from '@ews/shared';
import { freePort } from '../../scripts/sim/tcp-server';

/** The routes' own limits, from the contract. */
const SESSION_LIMIT_BYTES = endpoints['POST /api/session'].bodyLimitBytes;
const BATCH_LIMIT_BYTES = endpoints['POST /api/devices/batch'].bodyLimitBytes;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BODY_BYTES = 50 * 1024 * 1024;
const CLIENTS = 10;

let daemon: ChildProcess;
let dataDir = '';
let url = '';
let port = 0;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error('no VmRSS');
  return Number(m[1]);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ews-limit-'));
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // the built daemon as on the box (\`pnpm test\` builds first); from source through tsx otherwise,
  // whose first compile of the whole daemon took over 30 s on a loaded 2-core machine
  const built = join(ROOT, 'daemon/dist/main.js');
  const entry = existsSync(built) ? [built] : ['--import', 'tsx', join(ROOT, 'daemon/src/main.ts')];
  daemon = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...entry], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...DAEMON_ENV, EWS_PORT: String(port), EWS_HOST: '127.0.0.1', EWS_DATA_DIR: dataDir, EWS_LOG: 'warn', EWS_WEB_DIR: join(dataDir, 'no-web') },
  });
  const end = Date.now() + 90_000;
  for (;;) {
    if (daemon.exitCode !== null) throw new Error(`the daemon exited with ${daemon.exitCode}`);
    try { if ((await fetch(`${url}/api/health`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error('the daemon did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Outcome { status: number; body: { code?: string; limitBytes?: number }; sentBytes: number; ms: number }

/**
 * POSTs `totalBytes` of JSON-looking filler, written 64 KB at a time with back-pressure, and
 * stops writing as soon as the answer arrives (as browsers and curl do).
 */
function postLarge(path: string, totalBytes: number, chunked: boolean): Promise<Outcome> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(`${url}${path}`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(totalBytes) }) },
    }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body = {};
        try { body = JSON.parse(text); } catch { body = { text }; }
        resolve({ status: res.statusCode ?? 0, body, sentBytes: sent, ms: Date.now() - started });
        req.destroy();
      });
      res.on('error', reject);
    });
    // Writing into a connection the server has closed fails (EPIPE, ECONNRESET): expected once answered.
    req.on('error', (err) => { if (!answered) reject(Object.assign(err, { message: `${err.message} (${chunked ? 'chunked' : 'Content-Length'}, ${sent} bytes sent, ${Date.now() - started} ms)` })); });
    const pump = () => {
      while (!answered && sent < totalBytes) {
        const n = Math.min(chunk.length, totalBytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { req.once('drain', pump); return; }
      }
      if (!answered && sent >= totalBytes) req.end();
    };
    pump();
  });
}

test('ten concurrent anonymous 50 MB bodies to POST /api/session: each 413 before being read, RSS within 20 MB', { timeout: 60_000 }, async () => {
  const pid = daemon.pid!;
  // Warm the paths (JIT, first allocations) so the figure measures the bodies, not start-up.
  for (let i = 0; i < 3; i++) {
    assert.equal((await postLarge('/api/session', 1024 * 1024, i % 2 === 0)).status, 413);
    const small = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '1' }) });
    assert.ok([400, 401].includes(small.status), `a small body is read and answered: ${small.status}`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const before = rssKiB(pid);
  let peak = before;
  const sampler = setInterval(() => { try { peak = Math.max(peak, rssKiB(pid)); } catch { /* exited */ } }, 20);
  const outcomes = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => postLarge('/api/session', BODY_BYTES, i % 2 === 1)));
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(sampler);
  const afterKiB = rssKiB(pid);
  peak = Math.max(peak, afterKiB);
  const mb = (k: number) => (k / 1024).toFixed(1);
  const figures = {
    figure: 'body-limit', clients: CLIENTS, bodyMB: BODY_BYTES / 1048576,
    rssBeforeMB: mb(before), rssPeakMB: mb(peak), rssAfterMB: mb(afterKiB),
    sentMB: outcomes.map((o) => mb(o.sentBytes / 1024)), ms: outcomes.map((o) => o.ms),
  };
  console.log(JSON.stringify(figures));
  for (const [i, o] of outcomes.entries()) {
    assert.equal(o.status, 413, `client ${i} (${i % 2 ? 'chunked' : 'Content-Length'}): ${o.status} ${JSON.stringify(o.body)}`);
    assert.equal(o.body.code, 'too-large');
    assert.equal(o.body.limitBytes, SESSION_LIMIT_BYTES);
  }
  assert.ok(peak - before <= 20 * 1024, `RSS rose by ${mb(peak - before)} MB (before ${mb(before)}, peak ${mb(peak)})`);
  assert.ok(afterKiB - before <= 20 * 1024, `RSS after ${mb(afterKiB)} MB vs ${mb(before)} MB before`);
  // The daemon still answers, and a normal login body is still read.
  assert.equal((await fetch(`${url}/api/health`)).status, 200);
});

test('bodies under the limit are read; a chunked body is counted; the device batch has its own, higher limit', { timeout: 30_000 }, async () => {
  const json = { 'content-type': 'application/json' };
  const padded = (bytes: number) => JSON.stringify({ pin: '12345', pad: 'x'.repeat(bytes) });
  const under = await fetch(`${url}/api/session`, { method: 'POST', headers: json, body: padded(SESSION_LIMIT_BYTES - 100) });
  assert.notEqual(under.status, 413);
  const over = await fetch(`${url}/api/session`, { method: 'POST', headers: json, body: padded(SESSION_LIMIT_BYTES) });
  assert.equal(over.status, 413);
  assert.equal(over.headers.get('cache-control'), 'no-store');
  const overChunked = await postLarge('/api/session', SESSION_LIMIT_BYTES + 1, true);
  assert.equal(overChunked.status, 413);
  // /api/devices/batch takes more (247 devices): a 60 KB body is read, one over its limit is not.
  const login = await fetch(`${url}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ pin: '99999', puk: '00000999900000' }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const batch = (bytes: number) => fetch(`${url}/api/devices/batch`, {
    method: 'POST', headers: { ...json, cookie }, body: JSON.stringify([{ name: 'x'.repeat(bytes) }]),
  });
  const read = await batch(60 * 1024);
  assert.notEqual(read.status, 413, `60 KB batch: ${read.status} ${await read.text()}`);
  const refused = await batch(BATCH_LIMIT_BYTES + 1024);
  assert.equal(refused.status, 413);
  assert.equal(((await refused.json()) as { limitBytes: number }).limitBytes, BATCH_LIMIT_BYTES);
});
