/**
 * Builds the SPA into web/dist: index.html, app.js (one IIFE bundle, ES2019 for older tablets)
 * and app.css. index.html references both with a content-hash query so browsers never run a
 * stale bundle after an update, while the daemon serves plain static files.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

const outDir = 'dist';

function hashOf(file: string): string {
  const path = join(outDir, file);
  if (!existsSync(path)) return '0';
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 10);
}

export default defineConfig({
  entry: { app: 'src/main.tsx' },
  outDir,
  format: ['iife'],
  platform: 'browser',
  target: 'es2019',
  minify: true,
  clean: true,
  sourcemap: false,
  splitting: false,
  dts: false,
  // tsup externalises package.json dependencies by default; a browser bundle needs them inside.
  noExternal: [/.*/],
  publicDir: 'public',
  outExtension: () => ({ js: '.js' }),
  esbuildOptions(options) {
    options.jsx = 'automatic';
    options.jsxImportSource = 'preact';
    options.legalComments = 'none';
    options.define = { ...options.define, 'process.env.NODE_ENV': '"production"' };
  },
  async onSuccess() {
    const htmlPath = join(outDir, 'index.html');
    const html = readFileSync(htmlPath, 'utf8')
      .replace('%APP_JS%', `app.js?v=${hashOf('app.js')}`)
      .replace('%APP_CSS%', `app.css?v=${hashOf('app.css')}`);
    writeFileSync(htmlPath, html);
  },
});
