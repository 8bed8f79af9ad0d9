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
 * - `--no-sparkplug`, `--bytecode-old-age=2`: no baseline-compiled copies of warm functions, and
 *   the bytecode of functions unused for two full GCs is dropped (recompiled if called again)
 *   instead of five: code was the largest thing in the live heap (7.5 MB of ~19 in a heap
 *   snapshot of the browsing benchmark). Measured with `pnpm bench:memory`: heap in use −3.4 MB
 *   and max RSS −3 MB on run a, the same request latencies.
 * - `--lite-mode` (the daemon only): V8 without its optimizing compiler; functions stay in
 *   bytecode, whose type feedback is allocated only for functions that run often. It implies
 *   `--jitless`: regular expressions are interpreted and there is **no WebAssembly**, so no
 *   Node `fetch` either (undici parses HTTP in WebAssembly): the daemon's outgoing HTTP uses
 *   node:http(s) (alarms/telegram.ts), and a library that needs WebAssembly must run in a worker. The compiler's
 *   own machine code is never paged in and no optimized code is kept: `pnpm bench:memory` run a
 *   77.0 MB max against 84.5 without it (node executable pages 35.8 MB against 39.6, anonymous
 *   29.0 against 32.2), for request latencies p50/p95 15/37 ms against 9/30. The daemon answers
 *   a few requests a second and polls a bus; it has more memory to lose than CPU.
 * - `WORKER_NODE_FLAGS`: the history workers (exports, folder rebuilds) are short batch jobs
 *   that do a lot of arithmetic: they keep the optimizing compiler.
 * - glibc: two malloc arenas, and a fixed mmap threshold so that large short-lived blocks (scrypt
 *   hashing of codes needs 16 MB each, in libuv's threads) go back to the OS instead of staying in
 *   per-thread arenas.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size', '--max-old-space-size=128', '--no-sparkplug', '--bytecode-old-age=2'] as const;
export const DAEMON_NODE_FLAGS = [...WORKER_NODE_FLAGS, '--lite-mode'] as const;
export const DAEMON_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;
