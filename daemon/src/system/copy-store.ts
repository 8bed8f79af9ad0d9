/**
 * @module system/copy-store
 * A child process that takes LMDB's compacting hot copy (`mdb_env_copy2`) of environments the
 * daemon has open (`node copy-store.js <to-dir> <name>=<env path>…`). Apart from the daemon
 * because a copy reads every page of the store through the memory map: in the daemon those
 * pages would stay resident (the whole statistics file, tens of MB on a 512 MB box) until the
 * kernel needs them back; in a child they go when it exits. LMDB lets several processes share
 * an environment, and the copy is taken in one read transaction, consistent while the daemon
 * writes. Prints `{"ok": true}` and exits 0, or prints the reason and exits 1.
 */
import { join } from 'node:path';
import { open } from 'lmdb';

async function main(toDir: string, pairs: string[]): Promise<void> {
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq), path = pair.slice(eq + 1);
    if (eq <= 0 || !path || name.includes('/')) throw new Error(`bad argument "${pair}" (name=path)`);
    const root = open({ path, readOnly: true, maxDbs: 32 });
    try {
      await root.backup(join(toDir, name), true);
    } finally {
      await root.close();
    }
  }
  process.stdout.write(JSON.stringify({ ok: true }));
}

main(process.argv[2] ?? '.', process.argv.slice(3)).catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
});
