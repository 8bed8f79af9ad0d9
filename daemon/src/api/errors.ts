/**
 * @module api/errors
 * One place maps the errors of every domain to HTTP answers `{error, code, fields?}`; unknown
 * errors are logged with their stack and answered 500 without internals.
 */
import type { Context } from 'hono';
import { ZodError } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError as ApiErrorBody } from '@ews/shared';
import { ConfigError } from '../config/index';
import { AuthError } from '../auth/index';
import { ScanError } from '../scan/index';
import { SystemError, RestoreError, SystemBusyError, TlsError, UpdateError } from '../system/index';
import { EnergyError } from '../energy/index';
import { CatalogError } from '../catalog/index';
import { ModbusError } from '../modbus/index';
import { HistoryError } from '../store/index';
import { CommandError } from '../commands/index';
import { GreenupError } from '../greenup/index';
import { AlertRuleError, AutoReportError, TelegramError } from '../alarms/index';
import type { Logger } from '../util/log';

export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, readonly fields?: Record<string, string[]>, readonly extra?: Record<string, unknown>) {
    super(message);
  }
}

export function zodFields(err: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of err.issues) {
    const key = issue.path.join('.') || '(body)';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** The query field an energy error is about. */
const ENERGY_FIELD: Record<string, string> = { 'bad-scope': 'scope', 'bad-period': 'period', 'bad-date': 'date' };

export function errorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    const body = (status: ContentfulStatusCode, b: ApiErrorBody & Record<string, unknown>) => c.json(b, status);
    const withFields = (fields?: Record<string, string[]>) => (fields && Object.keys(fields).length ? { fields } : {});
    if (err instanceof ApiError) return body(err.status, { error: err.message, code: err.code, ...withFields(err.fields), ...err.extra });
    if (err instanceof ZodError) return body(400, { error: 'invalid input', code: 'invalid', fields: zodFields(err) });
    if (err instanceof ConfigError) {
      const status = err.code === 'not-found' ? 404 : err.code === 'forbidden' || err.code === 'conflict' ? 409 : 400;
      // what is not found is the object the path names
      const fields = err.fields ?? (err.code === 'not-found' ? { id: [err.message] } : undefined);
      return body(status, { error: err.message, code: err.code, ...withFields(fields) });
    }
    if (err instanceof AuthError) {
      const fields = err.field ? { [err.field]: [err.message] } : err.code === 'not-found' ? { id: [err.message] } : undefined;
      const status = err.code === 'not-found' ? 404 : err.code === 'conflict' ? 409 : 400;
      return body(status, { error: err.message, code: err.code, ...withFields(fields) });
    }
    if (err instanceof CommandError) return body(err.code === 'not-found' ? 404 : 409, { error: err.message, code: err.code, fields: { [err.field]: [err.message] } });
    if (err instanceof ScanError) return body(err.code === 'not-found' ? 404 : 409, { error: err.message, code: err.code, ...(err.code === 'not-found' ? { fields: { id: [err.message] } } : {}) });
    if (err instanceof EnergyError) {
      const field = ENERGY_FIELD[err.code];
      return body(400, { error: err.message, code: err.code, ...(field ? { fields: { [field]: [err.message] } } : {}) });
    }
    if (err instanceof CatalogError) {
      const status = err.code === 'not-found' || err.code === 'unknown-model' ? 404 : 500;
      if (status === 500) log.error('catalogue error', { code: err.code, err });
      return body(status, { error: status === 500 ? 'the device catalogue is damaged' : err.message, code: err.code });
    }
    if (err instanceof ModbusError) {
      // a bus fault while answering (Test, live read): the bus is not reachable now
      log.warn('bus error while answering', { code: err.code, path: c.req.path });
      return body(err.code === 'unreachable' || err.code === 'closed' ? 503 : 502, { error: err.message, code: err.code });
    }
    if (err instanceof HistoryError) {
      log.error('history store error', { code: err.code, path: c.req.path, err });
      return body(503, { error: err.code === 'closed' ? 'the history store is closed (the daemon is stopping)' : 'the history store could not answer', code: err.code });
    }
    if (err instanceof TlsError) return body(400, { error: err.message, code: err.code, fields: { [err.field]: [err.message] } });
    if (err instanceof UpdateError) return body(err.code === 'busy' ? 409 : 400, { error: err.message, code: err.code });
    if (err instanceof RestoreError) return body(400, { error: err.message, code: err.code });
    if (err instanceof SystemBusyError) return body(409, { error: err.message, code: err.code });
    if (err instanceof SystemError) {
      log.error('system change failed', { code: err.code, err });
      return body(502, { error: err.message, code: err.code });
    }
    if (err instanceof GreenupError) {
      const status = err.code === 'not-a-station' || err.code === 'not-found' ? 404 : err.code === 'no-session' ? 409 : err.code === 'write-failed' ? 502 : 400;
      return body(status, { error: err.message, code: err.code, ...(err.field ? { fields: { [err.field]: [err.message] } } : {}) });
    }
    if (err instanceof TelegramError || err instanceof AlertRuleError || err instanceof AutoReportError) {
      return body(err.code === 'not-found' ? 404 : 409, { error: err.message, code: err.code, ...(err.field ? { fields: { [err.field]: [err.message] } } : {}) });
    }
    if (err instanceof SyntaxError) return body(400, { error: 'the body is not valid JSON', code: 'invalid-json' });
    log.error('request failed', { path: c.req.path, method: c.req.method, err });
    return body(500, { error: 'internal error', code: 'internal' });
  };
}
