/**
 * @module store/history/varint
 * Byte-level helpers for buckets: a growable writer and a cursor reader, LEB128 varints for
 * non-negative integers up to 2^53 (arithmetic, not 32-bit bit operations), zigzag for signed
 * ones, little-endian u16 and float64.
 */

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  len = 0;
  /** `into`: write into this memory (a view of a larger block) until it is outgrown. */
  constructor(capacity = 64, into?: Uint8Array) {
    this.buf = into ?? new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void { this.ensure(1); this.buf[this.len++] = v; }
  u16(v: number): void { this.ensure(2); this.view.setUint16(this.len, v, true); this.len += 2; }
  f64(v: number): void { this.ensure(8); this.view.setFloat64(this.len, v, true); this.len += 8; }
  varint(v: number): void {
    this.ensure(8);
    const b = this.buf;
    while (v >= 0x80) { b[this.len++] = (v % 0x80) | 0x80; v = Math.floor(v / 0x80); }
    b[this.len++] = v;
  }
  zigzag(v: number): void { this.varint(v >= 0 ? v * 2 : -v * 2 - 1); }
  /** The written bytes (a view: copy before the writer is reused). */
  bytes(): Uint8Array { return this.buf.subarray(0, this.len); }
}

export class ByteReader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u8(): number { return this.buf[this.pos++]; }
  u16(): number { const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  f64(): number { const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  varint(): number {
    const b = this.buf;
    let byte = b[this.pos++];
    if (byte < 0x80) return byte;
    let result = byte & 0x7f;
    let mul = 0x80;
    do {
      byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      mul *= 0x80;
    } while (byte >= 0x80);
    return result;
  }
  zigzag(): number { const z = this.varint(); return z % 2 === 0 ? z / 2 : -(z + 1) / 2; }
}
