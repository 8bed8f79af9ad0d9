import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', 'verify-store': 'src/system/verify-store.ts', 'copy-store': 'src/system/copy-store.ts', 'history-worker': 'src/history-worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  // Bundle our own workspace code; keep npm packages (native lmdb and serialport) external.
  noExternal: ['@ews/shared'],
  external: ['lmdb', 'serialport', '@serialport/bindings-cpp', 'hono', '@hono/node-server', 'zod'],
});
