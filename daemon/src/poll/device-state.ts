/**
 * @module poll/device-state
 * What the poller knows of a device: status with reason, the last good values and when.
 */
import type { DeviceStatus, StatusReason } from '@ews/shared';
import type { DecodedValue } from './plan';
import { isModbusError } from '../modbus/index';

export interface DeviceState {
  status: DeviceStatus;
  reason?: StatusReason;
  detail?: string;
  /** Epoch ms of the last good reading (null before the first). */
  at: number | null;
  values: Record<string, DecodedValue>;
  /** Consecutive failed reads. */
  failures: number;
}

export function initialState(enabled: boolean, configError?: string): DeviceState {
  if (!enabled) return { status: 'off', at: null, values: {}, failures: 0 };
  if (configError) return { status: 'error', reason: 'configuration', detail: configError, at: null, values: {}, failures: 0 };
  return { status: 'error', reason: 'pending', at: null, values: {}, failures: 0 };
}

/** Maps a failed read to the status reason shown to the technician (BUS-5). */
export function failureReason(err: unknown): { reason: StatusReason; detail?: string } {
  if (isModbusError(err)) {
    switch (err.code) {
      case 'exception': return { reason: 'exception', detail: err.message };
      case 'timeout': case 'crc': case 'garbage': case 'closed': case 'unreachable':
        return { reason: err.code, detail: err.message };
      case 'cancelled': return { reason: 'pending' };
    }
  }
  return { reason: 'garbage', detail: (err as Error)?.message ?? String(err) };
}
