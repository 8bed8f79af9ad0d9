/**
 * @module system/backup
 * SYS-6 "Backup": `database.zip` holds a consistent hot copy of each LMDB environment (LMDB's
 * own copy, `mdb_env_copy2` with compaction, taken in a read transaction while the daemon keeps
 * writing) and a manifest (product, format, software version, edition, configuration version,
 * each file's size and SHA-256). The zip is written beside its final name and renamed into
 * place, so a reader never sees half a backup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { BACKUP_DATA_FILES, BACKUP_FORMAT_VERSION, BACKUP_MANIFEST, type BackupManifest, type Edition } from '@ews/shared';
import { runStoreTool } from './restore';

export interface BackupSource {
  /** The data folder of the live LMDB environments (`ews.lmdb`, `ews-stats.lmdb`). */
  dataDir: string;
  version: string;
  edition: Edition;
  configVersion: number;
  /** A folder on the data partition for the copies (emptied after). */
  workDir: string;
  now: () => number;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/**
 * Compacted hot copies of the environments of `dataDir` into `dir` (created), with their
 * manifest entries. Each copy is made by the store tool in a child process (system/verify-store):
 * the daemon's resident memory does not grow by the pages the copy reads.
 */
export async function copyEnvironments(dataDir: string, dir: string): Promise<BackupManifest['files']> {
  await mkdir(dir, { recursive: true });
  const files: BackupManifest['files'] = [];
  for (const name of BACKUP_DATA_FILES) {
    const path = join(dir, name);
    const r = await runStoreTool(['copy', join(dataDir, name), path], 30 * 60_000);
    if (r.code !== 0) throw new Error(`copying ${name} failed: ${r.stdout || r.signal || `exit ${r.code}`}`);
    files.push({ name, sizeBytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  return files;
}

/** Writes the backup zip at `target` (atomically: a temporary name, then rename). */
export async function writeBackup(src: BackupSource, target: string): Promise<{ manifest: BackupManifest; sizeBytes: number }> {
  const work = join(src.workDir, `backup-${randomBytes(4).toString('hex')}`);
  const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const files = await copyEnvironments(src.dataDir, work);
    const manifest: BackupManifest = {
      product: 'ews', kind: 'database-backup', formatVersion: BACKUP_FORMAT_VERSION, version: src.version, edition: src.edition,
      createdAt: new Date(src.now()).toISOString(), configVersion: src.configVersion, files,
    };
    const zip = new yazl.ZipFile();
    const mtime = new Date(src.now());
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), BACKUP_MANIFEST, { mtime, mode: 0o100644 });
    for (const f of files) zip.addFile(join(work, f.name), f.name, { mtime, mode: 0o100644, compressionLevel: 6 });
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(tmp, { flags: 'wx' }));
    await rename(tmp, target);
    return { manifest, sizeBytes: (await stat(target)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { force: true });
  }
}
