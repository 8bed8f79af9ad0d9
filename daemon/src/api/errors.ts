/**
 * @module api/errors
 * One place maps domain errors to HTTP answers `{error, code, fields?}`; unknown errors are
 * logged and answered 500 without internals.
 */
import type { Context } from 'hono';
import { ZodError } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError as ApiErrorBody } from '@ews/shared';
import { ConfigError } from '../config/index';
import { AuthError } from '../auth/index';
import { ScanError } from '../scan/index';
import { SystemError } from '../system/index';
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

export function errorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    const body = (status: ContentfulStatusCode, b: ApiErrorBody & Record<string, unknown>) => c.json(b, status);
    if (err instanceof ApiError) return body(err.status, { error: err.message, code: err.code, ...(err.fields ? { fields: err.fields } : {}), ...err.extra });
    if (err instanceof ZodError) return body(400, { error: 'invalid input', code: 'invalid', fields: zodFields(err) });
    if (err instanceof ConfigError) {
      const status = err.code === 'not-found' ? 404 : err.code === 'forbidden' || err.code === 'conflict' ? 409 : 400;
      return body(status, { error: err.message, code: err.code, ...(err.fields ? { fields: err.fields } : {}) });
    }
    if (err instanceof AuthError) {
      const fields = err.field ? { [err.field]: [err.message] } : undefined;
      const status = err.code === 'not-found' ? 404 : err.code === 'conflict' ? 409 : 400;
      return body(status, { error: err.message, code: err.code, ...(fields ? { fields } : {}) });
    }
    if (err instanceof ScanError) return body(err.code === 'not-found' ? 404 : 409, { error: err.message, code: err.code });
    if (err instanceof SystemError) {
      log.error('system change failed', { code: err.code, err });
      return body(502, { error: err.message, code: err.code });
    }
    if (err instanceof SyntaxError) return body(400, { error: 'the body is not valid JSON', code: 'invalid-json' });
    log.error('request failed', { path: c.req.path, method: c.req.method, err });
    return body(500, { error: 'internal error', code: 'internal' });
  };
}

/** Parses a JSON body with a schema; errors become 400 with field messages. */
export async function jsonBody<T>(c: Context, schema: { parse(v: unknown): T }): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid-json', 'the body is not valid JSON');
  }
  return schema.parse(raw);
}
