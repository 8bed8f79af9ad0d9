/**
 * @module api/body
 * Reads a JSON request body within a size limit: a declared Content-Length over the limit is
 * refused with 413 before anything is read; a chunked body is counted while it streams and the
 * read stops at the limit.
 */
import type { Context } from 'hono';
import { ApiError } from './errors';

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(413, 'too-large', `the body is larger than this route accepts (${limitBytes} bytes)`, undefined, { limitBytes });
}

export async function readJsonBody(c: Context, limitBytes: number): Promise<unknown> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const stream = c.req.raw.body;
  if (!stream) throw new ApiError(400, 'invalid-json', 'a JSON body is required', { '(body)': ['a JSON body is required'] });
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined); // the rest is not wanted
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  if (!text.trim()) throw new ApiError(400, 'invalid-json', 'a JSON body is required', { '(body)': ['a JSON body is required'] });
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid-json', 'the body is not valid JSON', { '(body)': ['not valid JSON'] });
  }
}
