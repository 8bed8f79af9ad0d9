/**
 * Builds the SPA into web/dist: index.html, app.js (one IIFE bundle, ES2019 for older tablets)
 * and app.css. index.html references both with a content-hash query so browsers never run a
 * stale bundle after an update, while the daemon serves plain static files.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/** BEY-5: JS + CSS at first load, gzipped. The build fails above it. */
const BUDGET_GZ_BYTES = 80 * 1024;

/**
 * @ews/shared's index re-exports its zod schemas, and zod is large. Its modules have no side
 * effects, so say so: esbuild then drops every shared module the SPA takes nothing from (the
 * SPA uses the helpers and types, the daemon does the validating).
 */
const sharedIsPure: EsbuildPlugin = {
  name: 'shared-is-pure',
  setup(build) {
    build.onResolve({ filter: /^(@ews\/shared|zod)(\/.*)?$|^\.\.?\/(catalog|config|api|units)(\.ts)?$/ }, async (args) => {
      if (args.pluginData === 'shared-is-pure') return undefined;
      if (!args.path.startsWith('@') && !args.path.startsWith('zod') && !/[\\/]shared[\\/]src[\\/]/.test(args.importer)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'shared-is-pure',
      });
      if (resolved.errors.length) return { errors: resolved.errors };
      return { path: resolved.path, sideEffects: false };
    });
  },
};

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
  esbuildPlugins: [sharedIsPure],
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
    let total = 0;
    for (const file of ['app.js', 'app.css']) {
      const gz = gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
      total += gz;
      console.log(`web: ${file} ${(gz / 1024).toFixed(1)} KB gzipped`);
    }
    console.log(`web: first load ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_GZ_BYTES / 1024} KB)`);
    if (total > BUDGET_GZ_BYTES) throw new Error(`web bundle over budget: ${total} B gzipped > ${BUDGET_GZ_BYTES} B`);
  },
});
