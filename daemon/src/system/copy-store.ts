/**
 * @module system/copy-store
 * A child process that takes LMDB's compacting hot copy (`mdb_env_copy2`) of environments the
 * daemon has open (`node copy-store.js <to-dir> <name>=<env path>…`). Apart from the daemon
 * because a copy reads every page of the store through the memory map: in the daemon those
 * pages would stay resident (the whole statistics file, tens of MB on a 512 MB box) until the
 * kernel needs them back; in a child they go when it exits. LMDB lets several processes share
 * an environment, and the copy is taken in one read transaction, consistent while the daemon
 * writes. Prints `{"ok": true}` and exits 0, or prints the reason and exits 1.
 *
 * `node copy-store.js --zip <zip> <manifest JSON> <to-dir> <name>=<env path>…` also writes the
 * backup zip (system/backup): each copy's size and SHA-256 go into the manifest, and the zip
 * (manifest first, then the copies, deflated) is written at `<zip>`; it prints
 * `{"ok": true, "files": […]}`. Hashing and deflating tens of MB stay out of the daemon too.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open } from 'lmdb';
import yazl from 'yazl';
import { BACKUP_MANIFEST, type BackupManifest } from '@ews/shared';

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

async function zip(target: string, base: Omit<BackupManifest, 'files'>, toDir: string, names: string[]): Promise<BackupManifest['files']> {
  const files: BackupManifest['files'] = [];
  for (const name of names) files.push({ name, sizeBytes: (await stat(join(toDir, name))).size, sha256: await sha256(join(toDir, name)) });
  const manifest: BackupManifest = { ...base, files };
  const z = new yazl.ZipFile();
  const mtime = new Date(manifest.createdAt);
  z.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), BACKUP_MANIFEST, { mtime, mode: 0o100644 });
  for (const f of files) z.addFile(join(toDir, f.name), f.name, { mtime, mode: 0o100644, compressionLevel: 6 });
  z.end();
  await pipeline(z.outputStream, createWriteStream(target, { flags: 'wx' }));
  return files;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--zip') {
    const [, target, manifestJson, toDir, ...pairs] = argv;
    await copy(toDir, pairs);
    const files = await zip(target, JSON.parse(manifestJson) as Omit<BackupManifest, 'files'>, toDir, pairs.map((p) => p.slice(0, p.indexOf('='))));
    process.stdout.write(JSON.stringify({ ok: true, files }));
    return;
  }
  await copy(argv[0] ?? '.', argv.slice(1));
  process.stdout.write(JSON.stringify({ ok: true }));
}

async function copy(toDir: string, pairs: string[]): Promise<void> {
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
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
});
