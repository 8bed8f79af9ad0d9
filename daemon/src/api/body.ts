/**
 * @module api/body
 * Reads a route's JSON body. The size limit and the bound on concurrent reads are enforced by
 * `bodyLimit` (api/http/limits) while the body streams: a failed read here is answered 413 or
 * 503 by that middleware, whatever this module throws.
 */
import type { Context } from 'hono';
import { ApiError } from './errors';

const required = () => new ApiError(400, 'invalid-json', 'a JSON body is required', { '(body)': ['a JSON body is required'] });

export async function readJsonBody(c: Context): Promise<unknown> {
  if (!c.req.raw.body) throw required();
  const text = await c.req.text();
  if (!text.trim()) throw required();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid-json', 'the body is not valid JSON', { '(body)': ['not valid JSON'] });
  }
}
