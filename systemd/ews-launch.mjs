#!/usr/bin/env node
/**
 * EWS launcher (SYS-4): what systemd runs. It lives outside the A/B releases and depends on
 * nothing, so a broken release cannot break the judge of that release.
 *
 * It starts `<installDir>/current/daemon/dist/main.js` as a child (same node flags, same
 * environment) and forwards SIGTERM/SIGINT to it. When `update.json` says a new version is on
 * probation (`pending`), it polls the child's `GET /api/health` until it answers with the new
 * version, within EWS_UPDATE_HEALTH_TIMEOUT_MS (90 s): then the update is recorded `installed`.
 * If the child exits first, does not answer in time, or the probation already failed 3 times
 * (a release that crashes the launcher's host), the `current` link is switched back to the
 * version it came from, the outcome recorded `rolled-back` with the reason, and the launcher
 * exits non-zero: systemd (Restart=always) starts it again, on the old version.
 *
 * Environment: EWS_INSTALL_DIR (default: this file's folder), EWS_PORT (the daemon's HTTP port,
 * for the health check; 8080), EWS_UPDATE_HEALTH_TIMEOUT_MS.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, symlinkSync, writeFileSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.EWS_INSTALL_DIR ?? dirname(fileURLToPath(import.meta.url));
const stateFile = join(root, 'update.json');
const healthTimeoutMs = Number(process.env.EWS_UPDATE_HEALTH_TIMEOUT_MS ?? 90_000);
const port = Number(process.env.EWS_PORT ?? 8080);
const MAX_ATTEMPTS = 3;

const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', ns: 'launcher', msg, ...fields })}\n`);

function readState() {
  try { return JSON.parse(readFileSync(stateFile, 'utf8')); } catch { return { previous: null, last: null }; }
}
function writeState(s) {
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${stateFile}.tmp`, stateFile);
}
function switchLink(link, target) {
  const tmp = `${link}.tmp`;
  try { lstatSync(tmp); unlinkSync(tmp); } catch { /* none */ }
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

function rollback(state, reason) {
  const p = state.pending;
  switchLink(join(root, 'current'), join('releases', p.from));
  switchLink(join(root, 'previous'), join('releases', p.version));
  writeState({ ...state, installed: p.from, previous: p.version, pending: null, last: { at: new Date().toISOString(), version: p.version, outcome: 'rolled-back', reason } });
  log('update rolled back', { version: p.version, to: p.from, reason });
}

let state = readState();
if (state.pending) {
  state.pending.attempts = (state.pending.attempts ?? 0) + 1;
  if (state.pending.attempts > MAX_ATTEMPTS || Date.now() > Date.parse(state.pending.deadline)) {
    rollback(state, `version ${state.pending.version} did not come up healthy after ${state.pending.attempts - 1} starts`);
    process.exit(1);
  }
  writeState(state);
}

const main = join(root, 'current', 'daemon', 'dist', 'main.js');
if (!existsSync(main)) {
  if (state.pending) { rollback(state, `${main} is missing`); process.exit(1); }
  log('no daemon to start', { main });
  process.exit(1);
}
const child = spawn(process.execPath, [...process.execArgv, main], { stdio: 'inherit', env: process.env, cwd: join(root, 'current') });
let judged = !state.pending;
let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { stopping = true; child.kill(sig); });
child.on('exit', (code, signal) => {
  if (!judged && !stopping) {
    judged = true;
    rollback(readState(), `version ${state.pending.version} exited (${signal ?? `code ${code}`}) before answering its health check`);
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});

if (state.pending) {
  const want = state.pending.version;
  const deadline = Date.now() + healthTimeoutMs;
  const poll = async () => {
    if (judged) return;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
      const body = res.ok ? await res.json() : null;
      if (body?.ok && body.version === want) {
        judged = true;
        const s = readState();
        writeState({ ...s, installed: want, previous: s.pending.from, pending: null, last: { at: new Date().toISOString(), version: want, outcome: 'installed' } });
        log('update installed: the new version answers its health check', { version: want });
        return;
      }
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      judged = true;
      rollback(readState(), `version ${want} did not answer its health check within ${healthTimeoutMs} ms`);
      stopping = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      child.once('exit', () => process.exit(1));
      return;
    }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 500);
}
