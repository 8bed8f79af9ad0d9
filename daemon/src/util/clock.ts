/**
 * @module clock
 * Injected time: production uses the real clock; tests pass a fake one or short intervals.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution (durations, line timing). */
  monotonicMs(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(t: Timer): void;
}
export type Timer = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clock.clearTimeout(t); resolve(); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` once the clock's monotonic time reaches `dueMs`, never earlier: event-loop timers
 * may fire up to a millisecond early against performance.now(), so it re-arms for the rest.
 * The line model and inter-frame gaps rely on this to never be faster than the wire.
 */
export function setTimeoutAt(clock: Clock, dueMs: number, fn: () => void): { cancel(): void } {
  let t: Timer | undefined;
  let cancelled = false;
  const arm = (first: boolean) => {
    const left = dueMs - clock.monotonicMs();
    if (left <= 0 && !first) { fn(); return; }
    // Always asynchronous, even when already due.
    t = clock.setTimeout(() => { if (!cancelled) arm(false); }, left <= 0 ? 0 : Math.max(1, Math.ceil(left)));
  };
  arm(true);
  return { cancel() { cancelled = true; if (t) clock.clearTimeout(t); } };
}
