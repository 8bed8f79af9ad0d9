/**
 * @module modbus/timing
 * Modbus over Serial Line timing (V1.02 §2.5.1.1): character time, t1.5 and t3.5, and the
 * minimum bus time of a transaction. Pure; shared by the RTU transport, the simulator's line
 * model and the bus benchmark.
 */
import type { Parity } from '@ews/shared';

export interface LineSettings {
  baudRate: number;
  parity: Parity;
  stopBits: 1 | 2;
}

/** Bits on the wire per character: start + 8 data + parity + stop bits (11 for 8E1, 8N2). */
export function bitsPerChar(line: LineSettings): number {
  return 1 + 8 + (line.parity === 'none' ? 0 : 1) + line.stopBits;
}

export function charTimeMs(line: LineSettings): number {
  return (bitsPerChar(line) * 1000) / line.baudRate;
}

/** Inter-frame silence; fixed at 1.75 ms above 19200 baud. */
export function t35Ms(line: LineSettings): number {
  return line.baudRate > 19200 ? 1.75 : 3.5 * charTimeMs(line);
}

export function t15Ms(line: LineSettings): number {
  return line.baudRate > 19200 ? 0.75 : 1.5 * charTimeMs(line);
}

export function frameTimeMs(line: LineSettings, bytes: number): number {
  return bytes * charTimeMs(line);
}

/**
 * Least bus time of one request/response: both frames on the wire, the t3.5 that ends each
 * frame, and the slave's turnaround.
 */
export function transactionMinMs(line: LineSettings, requestBytes: number, responseBytes: number, turnaroundMs: number): number {
  return frameTimeMs(line, requestBytes + responseBytes) + 2 * t35Ms(line) + turnaroundMs;
}
