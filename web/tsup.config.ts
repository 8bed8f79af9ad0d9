/**
 * Builds the SPA into web/dist: index.html, app.js (an ES module, ES2019 syntax for older
 * tablets), app.css, and the chunks loaded on demand (the consumption pages with uPlot:
 * `chunk-<hash>.js`, `<name>-<hash>.js`). index.html references app.js and app.css with a
 * content-hash query, and the chunks carry their hash in their name, so browsers never run a
 * stale bundle after an update while the daemon serves plain static files.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
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

/** Files a minified ES module imports statically (`import … from "./x.js"`, `import "./x.js"`). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g)) out.push(m[1]);
  return out;
}

export default defineConfig({
  entry: { app: 'src/main.tsx' },
  outDir,
  // ES modules so that pages can be split off and loaded with `import()` (BEY-5: first load).
  format: ['esm'],
  platform: 'browser',
  target: 'es2019',
  minify: true,
  clean: true,
  sourcemap: false,
  splitting: true,
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
    // ES2019 syntax everywhere, but keep `import()`: every browser with ES modules since
    // Chrome 63 / Safari 11.1 / Firefox 67 has it, and it is how lazy pages load.
    options.supported = { ...options.supported, 'dynamic-import': true };
    options.chunkNames = 'chunk-[hash]';
    options.entryNames = '[name]';
    options.define = { ...options.define, 'process.env.NODE_ENV': '"production"' };
  },
  async onSuccess() {
    const htmlPath = join(outDir, 'index.html');
    const html = readFileSync(htmlPath, 'utf8')
      .replace('%APP_JS%', `app.js?v=${hashOf('app.js')}`)
      .replace('%APP_CSS%', `app.css?v=${hashOf('app.css')}`);
    writeFileSync(htmlPath, html);
    // First load: app.js, app.css and the chunks app.js imports statically (transitively);
    // the chunks reached only through `import()` load when their page opens.
    const gz = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
    const firstLoad = ['app.css'];
    for (let queue = ['app.js']; queue.length;) {
      const file = queue.shift()!;
      if (firstLoad.includes(file)) continue;
      firstLoad.push(file);
      queue.push(...staticImports(readFileSync(join(outDir, file), 'utf8')));
    }
    let total = 0;
    for (const file of firstLoad) {
      total += gz(file);
      console.log(`web: ${file} ${(gz(file) / 1024).toFixed(1)} KB gzipped`);
    }
    console.log(`web: first load ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_GZ_BYTES / 1024} KB)`);
    for (const file of readdirSync(outDir).filter((f) => f.endsWith('.js') && !firstLoad.includes(f))) {
      console.log(`web: ${file} ${(gz(file) / 1024).toFixed(1)} KB gzipped (loaded on demand)`);
    }
    if (total > BUDGET_GZ_BYTES) throw new Error(`web bundle over budget: ${total} B gzipped > ${BUDGET_GZ_BYTES} B`);
  },
});
