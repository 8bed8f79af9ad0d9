/**
 * @module process-guard
 * The daemon's last resort (README "Failure policy"). Bus faults, unplugged links, bad requests
 * and failed writes are handled where they happen and never reach the process. An exception or
 * rejection that does reach it means some state is unknown, so the guard:
 * 1. logs it at `fatal` level with its stack and cause chain;
 * 2. gives the daemon `closeTimeoutMs` (3 s) to close the server and the LMDB store (committed
 *    data is safe either way: LMDB commits are synced);
 * 3. exits with code 70 (EX_SOFTWARE), and systemd (`Restart=always` in systemd/ews.service)
 *    starts a fresh process a moment later.
 * A second error while this runs is logged and changes nothing.
 */
import { systemClock, type Clock } from './util/clock';
import type { Logger } from './util/log';

/** sysexits.h EX_SOFTWARE: an internal software error. */
export const EXIT_ON_FAULT = 70;

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';

export interface ProcessGuardOptions {
  log: Logger;
  /** How long closing may take before the process exits anyway. */
  closeTimeoutMs?: number;
  clock?: Clock;
  /** For tests: the process to watch and how to end it. */
  proc?: { on(event: ProcessEvent, fn: (err: unknown) => void): unknown; off(event: ProcessEvent, fn: (err: unknown) => void): unknown };
  exit?: (code: number) => void;
}

export interface ProcessGuard {
  /** What to close on a fault (the daemon, once started). */
  setClose(close: () => Promise<void>): void;
  /** Removes the handlers (tests). */
  dispose(): void;
}

export function installProcessGuard(opts: ProcessGuardOptions): ProcessGuard {
  const { log } = opts;
  const clock = opts.clock ?? systemClock;
  const proc = opts.proc ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const closeTimeoutMs = opts.closeTimeoutMs ?? 3_000;
  let close: (() => Promise<void>) | undefined;
  let failing = false;

  const onFault = (what: string) => (err: unknown) => {
    log.fatal(what, { err, exitCode: EXIT_ON_FAULT, ...(failing ? { whileExiting: true } : {}) });
    if (failing) return;
    failing = true;
    const done = () => exit(EXIT_ON_FAULT);
    if (!close) { done(); return; }
    const timer = clock.setTimeout(() => {
      log.error('closing after a fault took too long; exiting', { closeTimeoutMs });
      done();
    }, closeTimeoutMs);
    // `close` may throw synchronously as well as reject.
    Promise.resolve().then(close).then(
      () => { clock.clearTimeout(timer); done(); },
      (closeErr) => { clock.clearTimeout(timer); log.error('closing after a fault failed', { err: closeErr }); done(); },
    );
  };
  const onException = onFault('uncaught exception');
  const onRejection = onFault('unhandled rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return {
    setClose(fn) { close = fn; },
    dispose() {
      proc.off('uncaughtException', onException);
      proc.off('unhandledRejection', onRejection);
    },
  };
}
