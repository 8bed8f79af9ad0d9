/**
 * @module runtime
 * How the daemon process is launched on a small box; the systemd unit (systemd/ews.service) and
 * the demo use the same settings (a test checks the unit).
 * - `--max-semi-space-size=2`: V8's young generation at 2 MB per semi-space instead of 16 MB:
 *   a little more GC work for tens of MB less resident memory.
 * - `--optimize-for-size`: V8 grows its old generation less eagerly after each full GC (and keeps
 *   the young generation small): with charts browsed, the committed heap stays ~3-4 MB lower for
 *   the same live heap (~15 MB after a full GC, flat), at no measurable cost in latency
 *   (`pnpm bench:memory`).
 * - `--max-old-space-size=128`: a ceiling for the old generation on a 512 MB box (it was only in
 *   the unit; the demo and the benchmark now run under it too).
 * - glibc: two malloc arenas, and a fixed mmap threshold so that large short-lived blocks (scrypt
 *   hashing of codes needs 16 MB each, in libuv's threads) go back to the OS instead of staying in
 *   per-thread arenas.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size', '--max-old-space-size=128'] as const;
export const DAEMON_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;
