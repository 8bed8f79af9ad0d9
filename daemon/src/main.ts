/**
 * EWS daemon entry point: reads the environment, starts, stops on SIGINT/SIGTERM. No logic.
 *
 * Environment: EWS_PORT (8080), EWS_HOST (127.0.0.1; the box's unit sets 0.0.0.0),
 * EWS_DATA_DIR (./data), EWS_WEB_DIR (the built SPA), EWS_SEED (provisioning JSON for a fresh
 * store), EWS_LOG (log levels, e.g. `debug` or `modbus=trace,info`), EWS_CATALOG_DIR,
 * EWS_HISTORY_DIR (the history folder, `<data>/history`), EWS_FTP_PORT (instead of the configured
 * FTP port; 0 = a free one).
 */
// First: the light Fetch API classes, before any module touches Node's (util/fetch-globals).
import './util/fetch-globals';
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
let stopping = false;
const port = Number(process.env.EWS_PORT ?? 8080);
const host = process.env.EWS_HOST ?? '127.0.0.1';
// SYS-7: HTTPS when EWS_HTTPS_PORT is set (the box's unit: 443); EWS_KEEP_HTTP_OPEN=1 keeps HTTP answering by default.
const httpsPort = process.env.EWS_HTTPS_PORT ? Number(process.env.EWS_HTTPS_PORT) : undefined;
const installDir = process.env.EWS_INSTALL_DIR ? resolve(process.env.EWS_INSTALL_DIR) : undefined;
function readKey(): string | undefined {
  const path = process.env.EWS_UPDATE_PUBKEY ?? (installDir ? resolve(installDir, 'update-key.pub') : undefined);
  try { return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined; } catch { return undefined; }
}
const updateKeyPem = readKey();
const start = () => startDaemon({
  dataDir: resolve(process.env.EWS_DATA_DIR ?? 'data'),
  port,
  host,
  webDir: process.env.EWS_WEB_DIR ?? defaultWebDir(),
  log,
  ...(httpsPort !== undefined ? { httpsPort } : {}),
  keepHttpOpenDefault: process.env.EWS_KEEP_HTTP_OPEN === '1',
  // SYS-4: A/B releases under EWS_INSTALL_DIR, packages checked with the shipped public key
  ...(installDir ? { installDir } : {}),
  ...(updateKeyPem ? { updatePublicKeyPem: updateKeyPem } : {}),
  onExitRequested: (why) => {
    log.info('exiting so that systemd starts the new version', { why });
    stopping = true;
    Promise.resolve(restarting).then(() => daemon.stop()).then(() => process.exit(0), () => process.exit(1));
  },
  ...(process.env.EWS_HISTORY_DIR ? { historyDir: resolve(process.env.EWS_HISTORY_DIR) } : {}),
  ...(process.env.EWS_HISTORY_DIR ? { historyDir: resolve(process.env.EWS_HISTORY_DIR) } : {}),
  ...(process.env.EWS_FTP_PORT ? { ftpPort: Number(process.env.EWS_FTP_PORT) } : {}),
  ...(seedPath ? { seed: JSON.parse(readFileSync(seedPath, 'utf8')) } : {}),
  // A restore or an optimisation is swapped in by a restart in this process (the store closes,
  // the files are swapped, everything starts again on the same ports).
  onRestartRequested: (why) => { void restart(why); },
}).catch((err: unknown) => {
  if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
  // one line, no stack: another server (a second demo?) has the port
  log.error(`port ${port} on ${host} is already in use (EADDRINUSE): stop the other server or set EWS_PORT`, { port, host, code: 'EADDRINUSE' });
  process.exit(1);
});
let daemon = await start();
let restarting: Promise<void> | undefined;
async function restart(why: string): Promise<void> {
  if (restarting || stopping) return;
  restarting = (async () => {
    log.info('restarting the daemon', { why });
    await daemon.stop();
    daemon = await start();
  })().finally(() => { restarting = undefined; });
  await restarting;
}
guard.setClose(async () => { await restarting; await daemon.stop(); });

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal: sig });
    Promise.resolve(restarting).then(() => daemon.stop()).then(() => process.exit(0), () => process.exit(1));
  });
}
