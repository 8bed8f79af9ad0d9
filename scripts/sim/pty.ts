/**
 * @module sim/pty
 * A connected pair of pseudo-terminals from socat, so the real serialport code path (daemon on
 * one end, simulator on the other) runs without hardware. Baud rate and parity are ignored by
 * ptys: line timing is emulated by the simulator.
 *
 * Unplug = `close()` the pair: socat is killed, both ptys and their links vanish, the master's
 * port errors/closes. Replug = `createPtyPair()` again with the same `linkA`/`linkB` paths: the
 * links point to fresh ptys, and both sides reopen the same paths.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOCAT_PATH = '/usr/bin/socat';

export interface PtyPair {
  /** Stable link paths (symlinks to the ptys). */
  readonly a: string;
  readonly b: string;
  /** The /dev/pts/N devices socat reported. */
  readonly ptys: readonly string[];
  /** Kills socat (the "unplug"); resolves once it has exited. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  linkA?: string;
  linkB?: string;
  socatPath?: string;
  /** Give up if both ends do not exist after this long (default 5000 ms). */
  timeoutMs?: number;
}

export function socatAvailable(path = SOCAT_PATH): boolean {
  return existsSync(path);
}

export function createPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = opts.linkA && opts.linkB ? undefined : mkdtempSync(join(tmpdir(), 'ews-pty-'));
  const a = opts.linkA ?? join(ownDir!, 'a');
  const b = opts.linkB ?? join(ownDir!, 'b');
  const child = spawn(opts.socatPath ?? SOCAT_PATH, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ptys: string[] = [];
  let stderr = '';
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const m of chunk.matchAll(/PTY is (\S+)/g)) ptys.push(m[1]);
  });

  const close = async (): Promise<void> => {
    if (!exited) { child.kill('SIGTERM'); await exitedPromise; }
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };

  return new Promise((resolve, reject) => {
    const startedMs = Date.now();
    child.once('error', (err) => { close().finally(() => reject(new Error(`socat: ${err.message}`))); });
    const poll = (): void => {
      if (exited) { close().finally(() => reject(new Error(`socat exited: ${stderr.trim().split('\n').pop() ?? ''}`))); return; }
      if (existsSync(a) && existsSync(b) && ptys.length >= 2) { resolve({ a, b, ptys, close }); return; }
      if (Date.now() - startedMs > (opts.timeoutMs ?? 5000)) { close().finally(() => reject(new Error('socat: ptys did not appear in time'))); return; }
      setTimeout(poll, 10);
    };
    poll();
  });
}
