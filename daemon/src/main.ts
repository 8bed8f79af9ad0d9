/**
 * EWS daemon entry point: reads the environment, starts, stops on SIGINT/SIGTERM. No logic.
 *
 * Environment: EWS_PORT (8080), EWS_HOST (127.0.0.1; the box's unit sets 0.0.0.0),
 * EWS_DATA_DIR (./data), EWS_WEB_DIR (the built SPA), EWS_SEED (provisioning JSON for a fresh
 * store), EWS_LOG (log levels, e.g. `debug` or `modbus=trace,info`), EWS_CATALOG_DIR,
 * EWS_HISTORY_DIR (the history folder, `<data>/history`), EWS_FTP_PORT (instead of the configured
 * FTP port; 0 = a free one).
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startDaemon } from './daemon';
import { createLogger } from './util/log';
import { installProcessGuard } from './process-guard';

const log = createLogger('ews');

// Faults are handled where they happen; one that reaches the process is logged, the daemon gets
// a moment to close, and the process exits non-zero for systemd to restart (README "Failure policy").
const guard = installProcessGuard({ log });

function defaultWebDir(): string | undefined {
  for (const rel of ['../../web/dist', '../web/dist']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

const seedPath = process.env.EWS_SEED;
const port = Number(process.env.EWS_PORT ?? 8080);
const host = process.env.EWS_HOST ?? '127.0.0.1';
const daemon = await startDaemon({
  dataDir: resolve(process.env.EWS_DATA_DIR ?? 'data'),
  port,
  host,
  webDir: process.env.EWS_WEB_DIR ?? defaultWebDir(),
  log,
  ...(process.env.EWS_HISTORY_DIR ? { historyDir: resolve(process.env.EWS_HISTORY_DIR) } : {}),
  ...(process.env.EWS_FTP_PORT ? { ftpPort: Number(process.env.EWS_FTP_PORT) } : {}),
  ...(seedPath ? { seed: JSON.parse(readFileSync(seedPath, 'utf8')) } : {}),
}).catch((err: unknown) => {
  if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
  // one line, no stack: another server (a second demo?) has the port
  log.error(`port ${port} on ${host} is already in use (EADDRINUSE): stop the other server or set EWS_PORT`, { port, host, code: 'EADDRINUSE' });
  process.exit(1);
});
guard.setClose(() => daemon.stop());

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal: sig });
    daemon.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
