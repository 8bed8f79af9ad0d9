/**
 * Rebuilds the history folder (HIST-2) of a data folder from its store, with the daemon stopped:
 * `pnpm history:rebuild [--fresh]` (EWS_DATA_DIR, default ./data; EWS_HISTORY_DIR, default
 * <data>/history). A running daemon has the button (Reports page) and `POST /api/history/rebuild`.
 * `--fresh` forgets the recorded layout of the files and lays all history out with today's
 * structure (after a lost disk); without it the files are replayed as they were written
 * (byte-identical when nothing changed; new separators after a CSV settings change).
 */
import { resolve } from 'node:path';
import { rebuildHistoryFolder } from '@ews/daemon';

const dataDir = resolve(process.env.EWS_DATA_DIR ?? 'data');
let last = -1;
const result = await rebuildHistoryFolder({
  dataDir,
  ...(process.env.EWS_HISTORY_DIR ? { historyDir: resolve(process.env.EWS_HISTORY_DIR) } : {}),
  fresh: process.argv.includes('--fresh'),
  onProgress: (p) => { const n = Math.floor(p / 10) * 10; if (n !== last) { last = n; process.stderr.write(`${n}% `); } },
});
process.stderr.write('\n');
console.log(JSON.stringify({ rebuilt: dataDir, ...result }));
