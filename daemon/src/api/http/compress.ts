/**
 * @module api/http/compress
 * Compresses API answers on the fly: JSON, CSV and text of at least `thresholdBytes`, with
 * brotli (quality 4) or gzip (level 5) per Accept-Encoding, `Vary: Accept-Encoding` on every
 * compressible answer. Fast levels: a 100 KB consumption answer costs ~1–2 ms on the box's
 * ARM core and shrinks 5–10×; the SPA's files are pre-compressed at build time instead
 * (api/static.ts).
 *
 * Why not hono/compress: it only knows gzip and deflate (CompressionStream, no brotli), cannot
 * choose the level, and applies its threshold only when the answer has a Content-Length, which
 * `c.json()` answers do not carry, so it compresses 30-byte answers too.
 * API answers are built in memory (`c.json`, `c.body(text)`), so reading one whole to decide
 * costs nothing extra; a streamed answer (Transfer-Encoding set) is left alone.
 */
import type { MiddlewareHandler } from 'hono';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { preferredEncoding } from './encoding';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this, compression saves less than a TCP packet and costs a round through zlib. */
export const COMPRESS_THRESHOLD_BYTES = 1024;
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 5;
const COMPRESSIBLE = /^(?:application\/(?:json|[\w.+-]+\+json|javascript|xml)|text\/|image\/svg\+xml)/i;

export interface CompressOptions { thresholdBytes?: number }

export function compressAnswers(opts: CompressOptions = {}): MiddlewareHandler {
  const threshold = opts.thresholdBytes ?? COMPRESS_THRESHOLD_BYTES;
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || !res.body || res.status === 204 || res.status === 206 || res.status === 304) return;
    if (res.headers.has('content-encoding') || res.headers.has('transfer-encoding')) return;
    if (!COMPRESSIBLE.test(res.headers.get('content-type') ?? '')) return;
    if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('cache-control') ?? '')) return;
    const vary = res.headers.get('vary');
    if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? '')) {
      res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length < threshold) return;
    const encoding = preferredEncoding(c.req.header('accept-encoding'));
    if (!encoding) return;
    const raw = Buffer.from(await res.arrayBuffer());
    const body = raw.length < threshold ? raw
      : encoding === 'br'
        ? await brotli(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } })
        : await gzipAsync(raw, { level: GZIP_LEVEL });
    // c.res's setter copies the old answer's headers onto the new one: clear it first.
    c.res = undefined as unknown as Response;
    c.res = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    if (body !== raw) {
      c.res.headers.set('content-encoding', encoding);
      c.res.headers.delete('content-length');
      const etag = c.res.headers.get('etag');
      if (etag && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
    }
  };
}
