/**
 * @module modbus/codec
 * Pure Modbus functions: CRC-16, RTU and MBAP (Modbus TCP) framing, request/response PDUs,
 * exception codes and register value encoding. No timers, no I/O; never throws on input bytes.
 *
 * References: MODBUS Application Protocol V1.1b3, MODBUS over Serial Line V1.02.
 */
import type { RegisterType, WordOrder } from '@ews/shared';

// #region CRC
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS of buf[start, end). Sent low byte first. */
export function crc16(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ buf[i]) & 0xff];
  return crc;
}
// #endregion

// #region function codes and exceptions
export const FC_READ_HOLDING = 3;
export const FC_READ_INPUT = 4;
export const FC_WRITE_SINGLE = 6;
export const FC_WRITE_MULTIPLE = 16;
/** Most registers one FC03/FC04 request may read (0x7D). */
export const MAX_READ_QUANTITY = 125;
/** Largest RTU ADU. */
export const MAX_RTU_FRAME = 256;

export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function', 2: 'illegal data address', 3: 'illegal data value', 4: 'server device failure',
  5: 'acknowledge', 6: 'server device busy', 8: 'memory parity error', 10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};
export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `exception ${code}`;
}
// #endregion

// #region PDUs
export function readRequestPdu(fn: 3 | 4, address: number, quantity: number): Uint8Array {
  return Uint8Array.of(fn, (address >> 8) & 0xff, address & 0xff, (quantity >> 8) & 0xff, quantity & 0xff);
}

export function writeSingleRequestPdu(address: number, value: number): Uint8Array {
  return Uint8Array.of(FC_WRITE_SINGLE, (address >> 8) & 0xff, address & 0xff, (value >> 8) & 0xff, value & 0xff);
}

export function writeMultipleRequestPdu(address: number, values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const pdu = new Uint8Array(6 + 2 * n);
  pdu.set([FC_WRITE_MULTIPLE, (address >> 8) & 0xff, address & 0xff, (n >> 8) & 0xff, n & 0xff, 2 * n]);
  for (let i = 0; i < n; i++) { pdu[6 + 2 * i] = (values[i] >> 8) & 0xff; pdu[7 + 2 * i] = values[i] & 0xff; }
  return pdu;
}

export function exceptionPdu(fn: number, code: number): Uint8Array {
  return Uint8Array.of((fn | 0x80) & 0xff, code & 0xff);
}

/** Length of a normal response PDU for a request PDU, or undefined for unknown functions. */
export function expectedResponsePduLength(requestPdu: Uint8Array): number | undefined {
  const fn = requestPdu[0];
  if (fn === FC_READ_HOLDING || fn === FC_READ_INPUT) {
    if (requestPdu.length < 5) return undefined;
    return 2 + 2 * ((requestPdu[3] << 8) | requestPdu[4]);
  }
  if (fn === FC_WRITE_SINGLE || fn === FC_WRITE_MULTIPLE) return 5;
  return undefined;
}

export type ReadResponse =
  | { kind: 'registers'; words: Uint16Array }
  | { kind: 'exception'; code: number }
  | { kind: 'invalid'; why: string };

/** Decodes a read response PDU (FC03/FC04) expecting `quantity` registers. */
export function parseReadResponsePdu(pdu: Uint8Array, fn: number, quantity: number): ReadResponse {
  if (pdu.length < 2) return { kind: 'invalid', why: 'short PDU' };
  if (pdu[0] === ((fn | 0x80) & 0xff)) return { kind: 'exception', code: pdu[1] };
  if (pdu[0] !== fn) return { kind: 'invalid', why: `function ${pdu[0]} instead of ${fn}` };
  const byteCount = pdu[1];
  if (byteCount !== 2 * quantity || pdu.length !== 2 + byteCount) return { kind: 'invalid', why: `byte count ${byteCount} for ${quantity} registers` };
  const words = new Uint16Array(quantity);
  for (let i = 0; i < quantity; i++) words[i] = (pdu[2 + 2 * i] << 8) | pdu[3 + 2 * i];
  return { kind: 'registers', words };
}
// #endregion

// #region RTU
export function encodeRtu(unit: number, pdu: Uint8Array): Uint8Array {
  const frame = new Uint8Array(pdu.length + 3);
  frame[0] = unit & 0xff;
  frame.set(pdu, 1);
  const crc = crc16(frame, 0, pdu.length + 1);
  frame[pdu.length + 1] = crc & 0xff;
  frame[pdu.length + 2] = crc >>> 8;
  return frame;
}

function crcOk(buf: Uint8Array, length: number): boolean {
  if (length < 4 || buf.length < length) return false;
  const crc = crc16(buf, 0, length - 2);
  return buf[length - 2] === (crc & 0xff) && buf[length - 1] === crc >>> 8;
}

export type RtuResponseFrame =
  | { kind: 'incomplete' }
  | { kind: 'ok'; pdu: Uint8Array; length: number }
  | { kind: 'exception'; code: number; length: number }
  | { kind: 'crc'; length: number }
  | { kind: 'garbage' };

/**
 * Frames the reply to `requestPdu` sent to `unit` at the start of `buf`, by the length the
 * request implies (t3.5 gaps cannot be seen reliably from user space, see notes/modbus.md).
 */
export function frameRtuResponse(buf: Uint8Array, unit: number, requestPdu: Uint8Array): RtuResponseFrame {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] !== unit) return { kind: 'garbage' };
  if (buf.length < 2) return { kind: 'incomplete' };
  const fn = requestPdu[0];
  if (buf[1] === ((fn | 0x80) & 0xff)) {
    if (buf.length < 5) return { kind: 'incomplete' };
    return crcOk(buf, 5) ? { kind: 'exception', code: buf[2], length: 5 } : { kind: 'crc', length: 5 };
  }
  if (buf[1] !== fn) return { kind: 'garbage' };
  const pduLength = expectedResponsePduLength(requestPdu);
  if (pduLength === undefined) return { kind: 'garbage' };
  if ((fn === FC_READ_HOLDING || fn === FC_READ_INPUT) && buf.length >= 3 && buf[2] !== pduLength - 2) return { kind: 'garbage' };
  const length = pduLength + 3;
  if (buf.length < length) return { kind: 'incomplete' };
  if (!crcOk(buf, length)) return { kind: 'crc', length };
  return { kind: 'ok', pdu: buf.slice(1, length - 2), length };
}

export type RtuRequestFrame =
  | { kind: 'incomplete' }
  | { kind: 'ok'; unit: number; pdu: Uint8Array; length: number }
  /** Not a request here: drop `skip` bytes and try again. */
  | { kind: 'invalid'; skip: number };

/** Length of the RTU request frame starting at buf[0], if its function is known. */
function rtuRequestLength(buf: Uint8Array): number | 'incomplete' | undefined {
  if (buf.length < 2) return 'incomplete';
  const fn = buf[1];
  if (fn >= 1 && fn <= 6) return 8;
  if (fn === 15 || fn === FC_WRITE_MULTIPLE) {
    if (buf.length < 7) return 'incomplete';
    return 9 + buf[6];
  }
  return undefined;
}

/** Server side (simulator, RS485 gateway): frames one request at the start of `buf`. */
export function frameRtuRequest(buf: Uint8Array): RtuRequestFrame {
  if (buf.length === 0) return { kind: 'incomplete' };
  const length = rtuRequestLength(buf);
  if (length === 'incomplete') return { kind: 'incomplete' };
  if (length === undefined || length > MAX_RTU_FRAME) return { kind: 'invalid', skip: 1 };
  if (buf.length < length) return { kind: 'incomplete' };
  if (!crcOk(buf, length)) return { kind: 'invalid', skip: 1 };
  return { kind: 'ok', unit: buf[0], pdu: buf.slice(1, length - 2), length };
}
// #endregion

// #region MBAP (Modbus TCP)
export function encodeMbap(transactionId: number, unit: number, pdu: Uint8Array): Uint8Array {
  const frame = new Uint8Array(7 + pdu.length);
  frame[0] = (transactionId >> 8) & 0xff; frame[1] = transactionId & 0xff;
  frame[2] = 0; frame[3] = 0;
  const len = pdu.length + 1;
  frame[4] = (len >> 8) & 0xff; frame[5] = len & 0xff;
  frame[6] = unit & 0xff;
  frame.set(pdu, 7);
  return frame;
}

export type MbapFrame =
  | { kind: 'incomplete' }
  | { kind: 'ok'; transactionId: number; unit: number; pdu: Uint8Array; length: number }
  /** Protocol id not 0 or impossible length: the stream cannot be resynchronised. */
  | { kind: 'invalid'; why: string };

export function frameMbap(buf: Uint8Array): MbapFrame {
  if (buf.length < 7) return { kind: 'incomplete' };
  const protocol = (buf[2] << 8) | buf[3];
  const len = (buf[4] << 8) | buf[5];
  if (protocol !== 0) return { kind: 'invalid', why: `protocol id ${protocol}` };
  if (len < 2 || len > 254) return { kind: 'invalid', why: `length ${len}` };
  if (buf.length < 6 + len) return { kind: 'incomplete' };
  return { kind: 'ok', transactionId: (buf[0] << 8) | buf[1], unit: buf[6], pdu: buf.slice(7, 6 + len), length: 6 + len };
}
// #endregion

// #region server-side request handling
export interface RegisterSource {
  /** The 16-bit word at `address` for function `fn`, or undefined if the address does not exist. */
  read(fn: 3 | 4, address: number): number | undefined;
  /** Writes one word; false if refused. Optional: without it writes answer "illegal function". */
  write?(address: number, value: number): boolean;
}

/** Answers a request PDU from a register source (simulator slaves, the MS-1 slave function). */
export function serveRequestPdu(pdu: Uint8Array, source: RegisterSource): Uint8Array {
  const fn = pdu[0] ?? 0;
  if (fn === FC_READ_HOLDING || fn === FC_READ_INPUT) {
    if (pdu.length !== 5) return exceptionPdu(fn, 3);
    const address = (pdu[1] << 8) | pdu[2];
    const quantity = (pdu[3] << 8) | pdu[4];
    if (quantity < 1 || quantity > MAX_READ_QUANTITY || address + quantity > 0x10000) return exceptionPdu(fn, 3);
    const out = new Uint8Array(2 + 2 * quantity);
    out[0] = fn; out[1] = 2 * quantity;
    for (let i = 0; i < quantity; i++) {
      const w = source.read(fn, address + i);
      if (w === undefined) return exceptionPdu(fn, 2);
      out[2 + 2 * i] = (w >> 8) & 0xff; out[3 + 2 * i] = w & 0xff;
    }
    return out;
  }
  if (fn === FC_WRITE_SINGLE && source.write) {
    if (pdu.length !== 5) return exceptionPdu(fn, 3);
    const address = (pdu[1] << 8) | pdu[2];
    const value = (pdu[3] << 8) | pdu[4];
    return source.write(address, value) ? pdu.slice() : exceptionPdu(fn, 2);
  }
  if (fn === FC_WRITE_MULTIPLE && source.write) {
    const address = (pdu[1] << 8) | pdu[2];
    const quantity = (pdu[3] << 8) | pdu[4];
    if (pdu.length !== 6 + 2 * quantity || pdu[5] !== 2 * quantity || quantity < 1 || quantity > 123) return exceptionPdu(fn, 3);
    for (let i = 0; i < quantity; i++) {
      if (!source.write(address + i, (pdu[6 + 2 * i] << 8) | pdu[7 + 2 * i])) return exceptionPdu(fn, 2);
    }
    return pdu.slice(0, 5);
  }
  return exceptionPdu(fn, 1);
}
// #endregion

// #region register values
const scratch = new DataView(new ArrayBuffer(8));

/** Puts the `count` words at words[offset…] into scratch in big-endian word order. */
function loadWords(words: ArrayLike<number>, offset: number, count: number, order: WordOrder): void {
  for (let i = 0; i < count; i++) {
    const w = words[offset + (order === 'big' ? i : count - 1 - i)] ?? 0;
    scratch.setUint16(2 * i, w & 0xffff);
  }
}

/** Decodes a raw (unscaled) register value. 64-bit values beyond 2^53 lose precision. */
export function decodeRegister(words: ArrayLike<number>, offset: number, type: RegisterType, order: WordOrder = 'big'): number {
  switch (type) {
    case 'u16': return (words[offset] ?? 0) & 0xffff;
    case 's16': { const w = (words[offset] ?? 0) & 0xffff; return w >= 0x8000 ? w - 0x10000 : w; }
    case 'u32': loadWords(words, offset, 2, order); return scratch.getUint32(0);
    case 's32': loadWords(words, offset, 2, order); return scratch.getInt32(0);
    case 'float32': loadWords(words, offset, 2, order); return scratch.getFloat32(0);
    case 'u64': loadWords(words, offset, 4, order); return Number(scratch.getBigUint64(0));
    case 's64': loadWords(words, offset, 4, order); return Number(scratch.getBigInt64(0));
  }
}

/** Encodes a raw value into words (simulator side). Out-of-range integers wrap like a real register. */
export function encodeRegister(raw: number, type: RegisterType, order: WordOrder = 'big'): number[] {
  let count: number;
  switch (type) {
    case 'u16': case 's16': return [Math.round(raw) & 0xffff];
    case 'u32': case 's32': scratch.setUint32(0, Math.round(raw) >>> 0); count = 2; break;
    case 'float32': scratch.setFloat32(0, raw); count = 2; break;
    case 'u64': case 's64': scratch.setBigUint64(0, BigInt.asUintN(64, BigInt(Math.round(raw)))); count = 4; break;
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(scratch.getUint16(2 * i));
  return order === 'big' ? out : out.reverse();
}
// #endregion

export function toHex(buf: Uint8Array): string {
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
