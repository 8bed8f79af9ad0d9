/**
 * @module system/verify-store
 * A child process that opens staged LMDB environments read-only and reads every record of every
 * database (`node verify-store.js <dir>`). It runs apart from the daemon because LMDB trusts its
 * files: a damaged one may crash the process that maps it (SIGSEGV), and that must not be the
 * daemon. Prints `{"records": n}` and exits 0, or prints the reason and exits 1.
 */
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

main(process.argv[2] ?? '.').catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
});
