import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', 'verify-store': 'src/system/verify-store.ts', 'copy-store': 'src/system/copy-store.ts', 'history-worker': 'src/history-worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  // Bundle our own workspace code and the pure-JS libraries every daemon loads at start (zod, hono):
  // one module instead of ~150 ES modules saves ~6 MB of resident memory (module records, their
  // source strings and bytecode; `pnpm bench:memory`). Native packages (lmdb, serialport) stay
  // external, and so do the libraries loaded on first use (mqtt, nodemailer, pdfkit…).
  noExternal: ['@ews/shared', /^zod(\/|$)/, /^hono(\/|$)/],
  // V8 keeps each module's source in memory: without comments and indentation (names are kept,
  // the source maps give lines back), and in ASCII (\u escapes), since one character outside
  // Latin-1 (an arrow in a message) makes V8 store the whole source at two bytes per character.
  esbuildOptions(options) { options.charset = 'ascii'; options.minifyWhitespace = true; options.minifySyntax = true; },
  external: ['lmdb', 'serialport', '@serialport/bindings-cpp', '@serialport/stream'],
});
