/**
 * Builds the SPA into web/dist: index.html, `app-<hash>.js` (an ES module, ES2019 syntax for
 * older tablets), `app-<hash>.css`, and the chunks loaded on demand (the consumption pages
 * with uPlot: `chunk-<hash>.js`). Every asset but index.html carries its content hash in its
 * name, so the daemon serves them `immutable` and browsers never run a stale bundle after an
 * update; index.html (revalidated on every load) names the current ones.
 *
 * Every text file (JS, CSS, HTML, SVG, JSON) is then pre-compressed beside itself at maximum
 * quality (`x.br`: brotli 11, `x.gz`: gzip 9), kept only when smaller; the daemon picks one by
 * Accept-Encoding (api/static.ts), so the box never compresses the SPA at run time.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';
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

/** The one built file named `<name>-<hash>.<ext>` (esbuild's `[name]-[hash]`). */
function hashedName(name: string, ext: string): string {
  const found = readdirSync(outDir).filter((f) => new RegExp(`^${name}-[A-Z0-9]{8}\\.${ext}$`).test(f));
  if (found.length !== 1) throw new Error(`web build: expected one ${name}-<hash>.${ext} in ${outDir}, found ${found.join(', ') || 'none'}`);
  return found[0];
}

const COMPRESSIBLE = /\.(?:js|css|html|svg|json|webmanifest|txt)$/;

/** Writes `file.br` and `file.gz` beside every text file when they are smaller; returns the brotli sizes. */
function precompress(): Map<string, number> {
  const brSizes = new Map<string, number>();
  for (const file of readdirSync(outDir).filter((f) => COMPRESSIBLE.test(f))) {
    const raw = readFileSync(join(outDir, file));
    const br = brotliCompressSync(raw, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    const gz = gzipSync(raw, { level: zlib.Z_BEST_COMPRESSION });
    if (br.length < raw.length) writeFileSync(join(outDir, `${file}.br`), br);
    if (gz.length < raw.length) writeFileSync(join(outDir, `${file}.gz`), gz);
    brSizes.set(file, Math.min(br.length, raw.length));
  }
  return brSizes;
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
    options.entryNames = '[name]-[hash]';
    options.define = { ...options.define, 'process.env.NODE_ENV': '"production"' };
  },
  async onSuccess() {
    const htmlPath = join(outDir, 'index.html');
    const appJs = hashedName('app', 'js');
    const appCss = hashedName('app', 'css');
    const html = readFileSync(htmlPath, 'utf8')
      .replace('%APP_JS%', appJs)
      .replace('%APP_CSS%', appCss);
    writeFileSync(htmlPath, html);
    const brSizes = precompress();
    // First load: app.js, app.css and the chunks app.js imports statically (transitively);
    // the chunks reached only through `import()` load when their page opens.
    const gz = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
    const firstLoad = [appCss];
    for (let queue = [appJs]; queue.length;) {
      const file = queue.shift()!;
      if (firstLoad.includes(file)) continue;
      firstLoad.push(file);
      queue.push(...staticImports(readFileSync(join(outDir, file), 'utf8')));
    }
    let total = 0;
    let totalBr = 0;
    const kb = (n: number) => (n / 1024).toFixed(1);
    for (const file of firstLoad) {
      total += gz(file);
      totalBr += brSizes.get(file) ?? 0;
      console.log(`web: ${file} ${kb(gz(file))} KB gzipped, ${kb(brSizes.get(file) ?? 0)} KB brotli`);
    }
    console.log(`web: first load ${kb(total)} KB gzipped, ${kb(totalBr)} KB brotli (budget ${BUDGET_GZ_BYTES / 1024} KB gzipped)`);
    for (const file of readdirSync(outDir).filter((f) => f.endsWith('.js') && !firstLoad.includes(f))) {
      console.log(`web: ${file} ${kb(gz(file))} KB gzipped, ${kb(brSizes.get(file) ?? 0)} KB brotli (loaded on demand)`);
    }
    if (total > BUDGET_GZ_BYTES) throw new Error(`web bundle over budget: ${total} B gzipped > ${BUDGET_GZ_BYTES} B`);
  },
});
