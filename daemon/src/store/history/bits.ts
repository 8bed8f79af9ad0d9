/**
 * @module store/history/bits
 * Bit-level writer and reader for sealed statistics buckets, and adaptive Golomb-Rice codes
 * (the parameter follows the running mean of the values coded so far, as in LOCO-I / JPEG-LS):
 * a value near the recent mean costs about log2(mean) + 1.5 bits, a zero run at k = 0 one bit.
 * Values are non-negative integers up to 2^52 (arithmetic, not 32-bit operations, above 2^24).
 */

const ESCAPE_Q = 24;
const RESET_N = 32;

export class BitWriter {
  private buf: Uint8Array;
  len = 0;
  private acc = 0;
  private nacc = 0;
  constructor(capacity = 256) { this.buf = new Uint8Array(capacity); }

  private byte(b: number): void {
    if (this.len === this.buf.length) { const next = new Uint8Array(this.buf.length * 2); next.set(this.buf); this.buf = next; }
    this.buf[this.len++] = b;
  }

  /** Writes the `n` low bits of `v` (n ≤ 24), most significant first. */
  private small(v: number, n: number): void {
    this.acc = (this.acc << n) | (v & ((1 << n) - 1));
    this.nacc += n;
    while (this.nacc >= 8) { this.nacc -= 8; this.byte((this.acc >>> this.nacc) & 0xff); }
    this.acc &= (1 << this.nacc) - 1;
  }

  /** Writes `v` (0 ≤ v < 2^n) in `n` bits, n ≤ 53. */
  bits(v: number, n: number): void {
    while (n > 24) { const hi = Math.floor(v / 2 ** (n - 24)); this.small(hi, 24); v -= hi * 2 ** (n - 24); n -= 24; }
    if (n > 0) this.small(v, n);
  }

  unary(q: number): void {
    while (q >= 24) { this.small(0xffffff, 24); q -= 24; }
    this.small((1 << q) - 1, q);
    this.small(0, 1);
  }

  /** Pads to a byte and returns the bytes (a view: copy before reuse). */
  finish(): Uint8Array {
    if (this.nacc > 0) this.small(0, 8 - this.nacc);
    return this.buf.subarray(0, this.len);
  }
}

export class BitReader {
  private pos: number;
  private acc = 0;
  private nacc = 0;
  constructor(private readonly buf: Uint8Array, offset: number) { this.pos = offset; }

  private small(n: number): number {
    while (this.nacc < n) { this.acc = ((this.acc << 8) | (this.buf[this.pos++] ?? 0)) >>> 0; this.nacc += 8; }
    this.nacc -= n;
    const v = (this.acc >>> this.nacc) & ((1 << n) - 1);
    this.acc &= (1 << this.nacc) - 1;
    return v;
  }

  bits(n: number): number {
    let v = 0;
    while (n > 24) { v = v * 2 ** 24 + this.small(24); n -= 24; }
    return n > 0 ? v * 2 ** n + this.small(n) : v;
  }

  unary(): number {
    let q = 0;
    while (this.small(1) === 1) q++;
    return q;
  }
}

const bitLength = (v: number): number => { let n = 0; while (v >= 1) { v = Math.floor(v / 2); n++; } return n; };

/** The state of one adaptive Rice stream. */
export class RiceState {
  private a: number;
  private n = 1;
  /** `k0`: the parameter to start with (the encoder's guess from the bucket, stored in it). */
  constructor(k0: number) { this.a = 2 ** k0; }

  private k(): number {
    let k = 0, nk = this.n;
    while (nk < this.a) { nk *= 2; k++; }
    return k;
  }

  private update(v: number): void {
    this.a += v; this.n++;
    if (this.n >= RESET_N) { this.a = Math.floor(this.a / 2); this.n = Math.floor(this.n / 2); }
  }

  write(w: BitWriter, v: number): void {
    riceWrite(w, v, this.k());
    this.update(v);
  }

  read(r: BitReader): number {
    const v = riceRead(r, this.k());
    this.update(v);
    return v;
  }
}

/** Writes `v` as a Rice code of parameter `k` (values 2^ESCAPE_Q times 2^k and above escaped). */
export function riceWrite(w: BitWriter, v: number, k: number): void {
  const p = 2 ** k;
  const q = Math.floor(v / p);
  if (q < ESCAPE_Q) { w.unary(q); w.bits(v - q * p, k); }
  else { w.unary(ESCAPE_Q); const b = bitLength(v); w.bits(b, 6); w.bits(v, b); }
}

export function riceRead(r: BitReader, k: number): number {
  const q = r.unary();
  return q < ESCAPE_Q ? q * 2 ** k + r.bits(k) : r.bits(r.bits(6));
}

/** A starting Rice parameter for values of this mean. */
export function riceK0(mean: number): number {
  let k = 0;
  while (2 ** (k + 1) <= mean && k < 50) k++;
  return k;
}

export const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
