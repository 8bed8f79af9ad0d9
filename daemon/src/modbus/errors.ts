/**
 * @module modbus/errors
 * The Modbus domain's one error type. `code` is the failure reason a device status shows.
 */
import { DomainError } from '../util/errors';
import { exceptionName } from './codec';

export type ModbusErrorCode =
  /** No (complete) reply within the timeout. */
  | 'timeout'
  /** A reply whose CRC does not match. */
  | 'crc'
  /** The slave answered with a Modbus exception (`exceptionCode`). */
  | 'exception'
  /** Bytes that are not a reply to the request. */
  | 'garbage'
  /** The link (serial port, TCP socket) is closed or was lost during the request. */
  | 'closed'
  /** The link could not be opened (no such port, gateway unreachable). */
  | 'unreachable'
  /** The request was cancelled (queue stopped). */
  | 'cancelled';

export class ModbusError extends DomainError<ModbusErrorCode> {
  constructor(code: ModbusErrorCode, message: string, public readonly exceptionCode?: number, options?: { cause?: unknown }) {
    super(code, message, options);
  }
  static exception(code: number): ModbusError {
    return new ModbusError('exception', `exception ${code}: ${exceptionName(code)}`, code);
  }
}

export function isModbusError(e: unknown): e is ModbusError {
  return e instanceof ModbusError;
}

/** Failures worth retrying at once (the line may be noisy); exceptions and closed links are not. */
export function isRetryable(e: unknown): boolean {
  return isModbusError(e) && (e.code === 'timeout' || e.code === 'crc' || e.code === 'garbage');
}
