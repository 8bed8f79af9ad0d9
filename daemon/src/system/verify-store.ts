/**
 * @module system/verify-store
 * The store tool, a child process of the daemon:
 * - `node verify-store.js <dir>` opens staged LMDB environments read-only and reads every record
 *   of every database. Apart from the daemon because LMDB trusts its files: a damaged one may
 *   crash the process that maps it (SIGSEGV), and that must not be the daemon. Prints
 *   `{"records": n}` and exits 0, or prints the reason and exits 1.
 * - `node verify-store.js copy <env file> <target file>` writes LMDB's hot copy of a live
 *   environment (a read transaction beside the daemon's writers, compacted; a plain copy if
 *   compaction fails), so that the pages the copy reads are mapped in this process, not in the
 *   daemon's resident memory. Prints `{"copied": true}`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { BACKUP_DATA_FILES } from '@ews/shared';

async function main(dir: string): Promise<void> {
  let records = 0;
  for (const name of BACKUP_DATA_FILES) {
    const root = open({ path: join(dir, name), readOnly: true, maxDbs: 32 });
    try {
      const names = [...(root.getKeys({}) as Iterable<unknown>)].filter((k): k is string => typeof k === 'string');
      for (const db of names) {
        const sub = root.openDB({ name: db, encoding: 'binary' });
        for (const _e of sub.getRange({})) records++;
      }
      if (name === 'ews.lmdb' && !names.includes('config')) throw new Error('the backup holds no configuration');
    } finally {
      await root.close();
    }
  }
  process.stdout.write(JSON.stringify({ records }));
}

async function copy(from: string, to: string): Promise<void> {
  const root = open({ path: from, readOnly: true, maxDbs: 32 });
  try {
    try {
      await root.backup(to, true);
    } catch {
      rmSync(to, { force: true });
      await root.backup(to, false);
    }
  } finally {
    await root.close();
  }
  process.stdout.write(JSON.stringify({ copied: true }));
}

(process.argv[2] === 'copy' ? copy(process.argv[3], process.argv[4]) : main(process.argv[2] ?? '.')).catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
});
