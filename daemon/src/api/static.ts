/**
 * @module api/static
 * Serves the built SPA: files under webDir, index.html for every other non-API path.
 */
import type { MiddlewareHandler } from 'hono';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json', '.woff2': 'font/woff2', '.map': 'application/json',
};

export function staticFiles(webDir: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
    const rel = normalize(decodeURIComponent(c.req.path)).replace(/^([/\\])+/, '');
    if (rel.includes('..')) return c.text('not found', 404);
    let file = join(webDir, rel);
    let isIndex = false;
    try {
      if (!rel || !(await stat(file)).isFile()) throw new Error('dir');
    } catch {
      file = join(webDir, 'index.html');
      isIndex = true;
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const cache = isIndex || file.endsWith('.html') ? 'no-cache' : 'public, max-age=300';
      return c.body(body, 200, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
    } catch {
      return c.text('the web app is not built (run the build)', 503);
    }
  };
}
