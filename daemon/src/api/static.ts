/**
 * @module api/static
 * Serves the built SPA: files under webDir, index.html for every other non-API path.
 *
 * - Compression: the web build writes `x.br` and `x.gz` beside every text asset (brotli 11,
 *   gzip 9); the one the browser accepts (Accept-Encoding, brotli first) is sent with
 *   `Content-Encoding`, and every compressible file answers `Vary: Accept-Encoding`. Nothing is
 *   compressed at run time here.
 * - Caching: names with esbuild's content hash (`app-<HASH>.js`, `chunk-<HASH>.js`) are
 *   `public, max-age=31536000, immutable`; everything else (index.html, the SPA's routes) is
 *   `no-cache` with a strong ETag (content hash), answered 304 on a matching If-None-Match.
 */
import type { MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, basename } from 'node:path';
import { acceptedEncodings } from './http/encoding';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json', '.woff2': 'font/woff2', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

/** Extensions the web build pre-compresses (web/tsup.config.ts). */
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.map']);

/** esbuild's `[name]-[hash]` (8 base-32 characters): the content decides the name. */
const HASHED = /-[A-Z0-9]{8}\.(?:js|css|svg|png|woff2|ico)$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Variant { path: string; encoding?: 'br' | 'gzip' }
interface Entry { mtimeMs: number; size: number; etag: string; variants: Variant[] }

/** ETag (content hash) and the pre-compressed variants of each file, refreshed when its mtime or size changes. */
const entries = new Map<string, Entry>();

async function exists(path: string): Promise<boolean> {
  try { return (await stat(path)).isFile(); } catch { return false; }
}

async function entryFor(file: string, mtimeMs: number, size: number): Promise<Entry> {
  const known = entries.get(file);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known;
  const etag = `"${createHash('sha256').update(await readFile(file)).digest('base64url').slice(0, 22)}"`;
  const variants: Variant[] = [];
  if (COMPRESSIBLE.has(extname(file))) {
    if (await exists(`${file}.br`)) variants.push({ path: `${file}.br`, encoding: 'br' });
    if (await exists(`${file}.gz`)) variants.push({ path: `${file}.gz`, encoding: 'gzip' });
  }
  variants.push({ path: file });
  const entry = { mtimeMs, size, etag, variants };
  entries.set(file, entry);
  return entry;
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): any listed tag of the same content matches. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '').replace(/-(?:br|gzip)"$/, '"');
  return ifNoneMatch.split(',').some((t) => bare(t) === etag);
}

export function staticFiles(webDir: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
    let rel: string;
    try { rel = normalize(decodeURIComponent(c.req.path)).replace(/^([/\\])+/, ''); } catch { return c.text('not found', 404); }
    if (rel.includes('..')) return c.text('not found', 404);
    let file = join(webDir, rel);
    let info;
    try {
      info = rel ? await stat(file) : undefined;
      if (!info?.isFile()) throw new Error('not a file');
    } catch {
      // A path of the SPA (/devices, /consumption/…): the app decides what to show.
      file = join(webDir, 'index.html');
      try { info = await stat(file); } catch { return c.text('the web app is not built (run the build)', 503); }
    }
    const ext = extname(file);
    const entry = await entryFor(file, info.mtimeMs, info.size);
    const headers: Record<string, string> = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': HASHED.test(basename(file)) ? IMMUTABLE : 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    if (entry.variants.length > 1) headers.vary = 'Accept-Encoding';
    const accepted = acceptedEncodings(c.req.header('accept-encoding'));
    const variant = entry.variants.find((v) => !v.encoding || accepted.has(v.encoding))!;
    // One ETag per representation (caches key the body by it); a match on any of them is a match.
    headers.etag = variant.encoding ? entry.etag.replace(/"$/, `-${variant.encoding}"`) : entry.etag;
    if (variant.encoding) headers['content-encoding'] = variant.encoding;
    if (notModified(c.req.header('if-none-match'), entry.etag)) {
      const { 'content-type': _t, 'content-encoding': _e, ...kept } = headers;
      return c.body(null, 304, kept);
    }
    try {
      return c.body(await readFile(variant.path), 200, headers);
    } catch {
      entries.delete(file);
      return c.text('the web app is not built (run the build)', 503);
    }
  };
}
