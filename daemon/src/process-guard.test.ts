import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installProcessGuard, EXIT_ON_FAULT } from './process-guard';
import { createLogger } from './util/log';
import type { Clock, Timer } from './util/clock';

function rig() {
  const lines: string[] = [];
  const log = createLogger('ews', { spec: 'info', sink: (l) => lines.push(l) });
  const proc = new EventEmitter();
  const exits: number[] = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const clock: Clock = {
    now: () => 0, monotonicMs: () => 0,
    setTimeout: (fn, ms) => { timers.push({ fn, ms, cleared: false }); return (timers.length - 1) as unknown as Timer; },
    clearTimeout: (t) => { timers[t as unknown as number].cleared = true; },
  };
  const guard = installProcessGuard({ log, proc, clock, exit: (c) => exits.push(c), closeTimeoutMs: 3000 });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
  const settle = () => new Promise((r) => setImmediate(r));
  return { guard, proc, exits, timers, records, settle };
}

test('an uncaught exception is logged with its stack at fatal level, and the process exits non-zero', async () => {
  const { proc, exits, records, settle } = rig();
  proc.emit('uncaughtException', new Error('boom', { cause: new Error('root cause') }));
  await settle();
  const [r] = records();
  assert.equal(r.level, 'fatal');
  assert.equal(r.msg, 'uncaught exception');
  assert.match(r.err.stack, /^Error: boom\n\s+at /);
  assert.equal(r.err.cause.message, 'root cause');
  assert.deepEqual(exits, [EXIT_ON_FAULT]);
});

test('the daemon is closed first; a second fault meanwhile is logged and changes nothing', async () => {
  const { guard, proc, exits, timers, records, settle } = rig();
  let closed = 0;
  let finishClose!: () => void;
  guard.setClose(() => { closed++; return new Promise<void>((r) => { finishClose = r; }); });
  proc.emit('unhandledRejection', 'a string reason');
  await settle();
  assert.equal(closed, 1);
  assert.deepEqual(exits, [], 'waits for the close');
  proc.emit('uncaughtException', new TypeError('while closing'));
  await settle();
  assert.equal(closed, 1);
  finishClose();
  await settle();
  assert.deepEqual(exits, [EXIT_ON_FAULT]);
  assert.equal(timers[0].cleared, true);
  assert.deepEqual(records().map((r) => [r.level, r.msg, r.err?.name ?? r.err]), [
    ['fatal', 'unhandled rejection', 'a string reason'],
    ['fatal', 'uncaught exception', 'TypeError'],
  ]);
  assert.equal(records()[1].whileExiting, true);
});

test('a close that hangs or fails does not keep the process alive', async () => {
  const hung = rig();
  hung.guard.setClose(() => new Promise<void>(() => {}));
  hung.proc.emit('uncaughtException', new Error('x'));
  await hung.settle();
  assert.deepEqual(hung.exits, []);
  assert.equal(hung.timers[0].ms, 3000);
  hung.timers[0].fn();
  assert.deepEqual(hung.exits, [EXIT_ON_FAULT]);

  const failed = rig();
  failed.guard.setClose(() => { throw new Error('store already closed'); });
  failed.proc.emit('uncaughtException', new Error('y'));
  await failed.settle();
  assert.deepEqual(failed.exits, [EXIT_ON_FAULT]);
  assert.equal(failed.records()[1].err.message, 'store already closed');
});

test('in a real process: the guard logs the fault and the process exits with its code', () => {
  const guard = fileURLToPath(new URL('./process-guard.ts', import.meta.url));
  const log = fileURLToPath(new URL('./util/log.ts', import.meta.url));
  const code = `
    const { installProcessGuard } = await import(${JSON.stringify(guard)});
    const { createLogger } = await import(${JSON.stringify(log)});
    const g = installProcessGuard({ log: createLogger('ews', { spec: 'info' }) });
    g.setClose(async () => { console.log(JSON.stringify({ msg: 'closed' })); });
    setTimeout(() => { throw new Error('bug in a timer'); }, 1);
    setTimeout(() => console.log('still running'), 60_000);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, EXIT_ON_FAULT, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(lines.map((l) => l.msg), ['uncaught exception', 'closed']);
  assert.match(lines[0].err.stack, /bug in a timer/);
});
