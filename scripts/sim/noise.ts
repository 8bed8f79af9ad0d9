/**
 * @module sim/noise
 * Deterministic pseudo-random helpers: the same seed and the same simulated instant always give
 * the same value, so counters integrate a reproducible signal and tests are repeatable.
 */

/** 32-bit integer hash of any number of integers (a murmur3-like finaliser chain). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    let k = Math.imul(Math.floor(v) | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // large numbers (epoch minutes) do not fit in 32 bits: mix the high part too
    const high = Math.floor(v / 0x100000000);
    if (high !== 0) h ^= Math.imul(high | 0, 0x85ebca6b);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function hash01(...values: number[]): number {
  return hashInts(...values) / 0x100000000;
}

/** Smooth value noise in [-1, 1]: knots every `periodMs`, cosine-interpolated between them. */
export function smoothNoise(seed: number, timeMs: number, periodMs: number): number {
  const x = timeMs / periodMs;
  const i = Math.floor(x);
  const f = x - i;
  const a = hash01(seed, i) * 2 - 1;
  const b = hash01(seed, i + 1) * 2 - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a + (b - a) * w;
}

/** A small seeded generator for one-off random bytes (garbage replies). */
export function createRandom(seed: number): () => number {
  let state = hashInts(seed) || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 0x100000000;
  };
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
