import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crc16, encodeRtu, readRequestPdu, frameRtuResponse, frameRtuRequest, parseReadResponsePdu, encodeMbap, frameMbap,
  decodeRegister, encodeRegister, serveRequestPdu, exceptionPdu, writeMultipleRequestPdu,
} from './codec';
import { t35Ms, charTimeMs, transactionMinMs } from './timing';

test('CRC-16/MODBUS matches the specification example', () => {
  // 01 03 00 00 00 0A → CRC C5 CD (low byte first)
  const frame = encodeRtu(1, readRequestPdu(3, 0, 10));
  assert.deepEqual(Array.from(frame), [0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd]);
  assert.equal(crc16(Uint8Array.of(0x01, 0x04, 0x02, 0xff, 0xff)), 0x80b8);
});

test('frames a read response by the length the request implies', () => {
  const req = readRequestPdu(3, 0x1000, 2);
  const resp = encodeRtu(7, Uint8Array.of(3, 4, 0x12, 0x34, 0x56, 0x78));
  assert.deepEqual(frameRtuResponse(resp.slice(0, 5), 7, req), { kind: 'incomplete' });
  const ok = frameRtuResponse(resp, 7, req);
  assert.equal(ok.kind, 'ok');
  if (ok.kind === 'ok') {
    assert.equal(ok.length, 9);
    const parsed = parseReadResponsePdu(ok.pdu, 3, 2);
    assert.deepEqual(parsed.kind === 'registers' && Array.from(parsed.words), [0x1234, 0x5678]);
  }
  const bad = resp.slice(); bad[8] ^= 0xff;
  assert.equal(frameRtuResponse(bad, 7, req).kind, 'crc');
  assert.equal(frameRtuResponse(resp, 8, req).kind, 'garbage');
  const exc = encodeRtu(7, exceptionPdu(3, 2));
  assert.deepEqual(frameRtuResponse(exc, 7, req), { kind: 'exception', code: 2, length: 5 });
});

test('frames requests on the server side and answers them from a register source', () => {
  const frame = encodeRtu(5, readRequestPdu(4, 10, 3));
  const parsed = frameRtuRequest(Uint8Array.from([...frame, 0xaa]));
  assert.equal(parsed.kind, 'ok');
  if (parsed.kind !== 'ok') return;
  assert.equal(parsed.length, 8);
  const answer = serveRequestPdu(parsed.pdu, { read: (_fn, a) => (a < 12 ? a * 2 : undefined) });
  const r = parseReadResponsePdu(answer, 4, 3);
  assert.equal(r.kind, 'exception'); // address 12 does not exist
  const ok = serveRequestPdu(readRequestPdu(4, 9, 3), { read: (_fn, a) => a * 2 });
  const words = parseReadResponsePdu(ok, 4, 3);
  assert.deepEqual(words.kind === 'registers' && Array.from(words.words), [18, 20, 22]);
  const written: number[] = [];
  const wm = serveRequestPdu(writeMultipleRequestPdu(100, [1, 2]), { read: () => 0, write: (a, v) => { written.push(a, v); return true; } });
  assert.deepEqual(Array.from(wm), [16, 0, 100, 0, 2]);
  assert.deepEqual(written, [100, 1, 101, 2]);
  assert.deepEqual(Array.from(serveRequestPdu(Uint8Array.of(43, 14), { read: () => 0 })), [0xab, 1]);
});

test('MBAP frames round-trip and split segments are incomplete', () => {
  const f = encodeMbap(0x1234, 9, readRequestPdu(3, 1, 1));
  assert.equal(frameMbap(f.slice(0, 8)).kind, 'incomplete');
  const m = frameMbap(Uint8Array.from([...f, ...f]));
  assert.equal(m.kind, 'ok');
  if (m.kind === 'ok') { assert.equal(m.transactionId, 0x1234); assert.equal(m.unit, 9); assert.equal(m.length, f.length); }
  const bad = f.slice(); bad[2] = 1;
  assert.equal(frameMbap(bad).kind, 'invalid');
});

test('register types decode in both word orders', () => {
  const cases: Array<[Parameters<typeof encodeRegister>[1], number]> = [
    ['u16', 65535], ['s16', -2], ['u32', 4_000_000_000], ['s32', -123456], ['u64', 2 ** 50 + 3], ['s64', -(2 ** 40)], ['float32', 230.5],
  ];
  for (const order of ['big', 'little'] as const) {
    for (const [type, value] of cases) {
      const words = encodeRegister(value, type, order);
      assert.equal(decodeRegister(words, 0, type, order), value, `${type} ${order}`);
    }
  }
  assert.equal(decodeRegister([0x0001, 0x0000], 0, 'u32', 'big'), 65536);
  assert.equal(decodeRegister([0x0001, 0x0000], 0, 'u32', 'little'), 1);
});

test('line timing at 19200 8E1 matches the serial-line specification', () => {
  const line = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;
  assert.ok(Math.abs(charTimeMs(line) - 0.5729) < 0.001);
  assert.ok(Math.abs(t35Ms(line) - 2.005) < 0.001);
  assert.equal(t35Ms({ baudRate: 38400, parity: 'even', stopBits: 1 }), 1.75);
  // notes/modbus.md: N=40 registers → 93 chars + 2·t3.5 = 57.29 ms
  assert.ok(Math.abs(transactionMinMs(line, 8, 85, 0) - 57.29) < 0.01);
});
