/**
 * @module state/poll
 * Runs `tick` now and then every `intervalMs` after the previous run ends (never two at once),
 * pausing while the tab is hidden and catching up as soon as it is shown again.
 */
export function startPolling(tick: () => Promise<unknown>, intervalMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };
  async function run(): Promise<void> {
    if (stopped || running) return;
    if (document.hidden) return; // resumed by visibilitychange
    running = true;
    try { await tick(); } catch { /* the model keeps its last data and shows the error */ }
    running = false;
    schedule(intervalMs);
  }
  const onVisibility = () => { if (!document.hidden && !running) schedule(0); };
  document.addEventListener('visibilitychange', onVisibility);
  schedule(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
