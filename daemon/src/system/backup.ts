/**
 * @module system/backup
 * SYS-6 "Backup": `database.zip` holds a consistent hot copy of each LMDB environment (LMDB's
 * own copy, `mdb_env_copy2` with compaction, taken in a read transaction while the daemon keeps
 * writing) and a manifest (product, format, software version, edition, configuration version,
 * each file's size and SHA-256). The zip is written beside its final name and renamed into
 * place, so a reader never sees half a backup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BACKUP_DATA_FILES, BACKUP_FORMAT_VERSION, BACKUP_MANIFEST, type BackupManifest, type Edition } from '@ews/shared';
import type { RootDatabase } from 'lmdb';

export interface BackupSource {
  /** The LMDB environments by file name (`ews.lmdb`, `ews-stats.lmdb`). */
  envs: Record<(typeof BACKUP_DATA_FILES)[number], RootDatabase>;
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

const envPairs = (envs: BackupSource['envs']) => BACKUP_DATA_FILES.map((name) => `${name}=${(envs[name] as RootDatabase & { path: string }).path}`);

/** Compacted copies of the environments into `dir` (created), with their manifest entries. */
export async function copyEnvironments(envs: BackupSource['envs'], dir: string): Promise<BackupManifest['files']> {
  await mkdir(dir, { recursive: true });
  const files: BackupManifest['files'] = [];
  await copyInChild(dir, envPairs(envs));
  for (const name of BACKUP_DATA_FILES) {
    const path = join(dir, name);
    files.push({ name, sizeBytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  return files;
}

/** A module of this folder run as a child (built: dist/<name>.js; from source under tsx: the .ts). */
export function childCommand(name: string): { file: string; args: string[] } {
  const js = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (existsSync(js)) return { file: js, args: [] };
  return { file: fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), args: ['--import', 'tsx'] };
}

/** The copies (and the backup zip) are made by a child process (system/copy-store): see why there. */
async function copyInChild(dir: string, pairs: string[], zip?: { target: string; manifest: Omit<BackupManifest, 'files'> }, timeoutMs = 30 * 60_000): Promise<BackupManifest['files']> {
  const { file, args } = childCommand('copy-store');
  const zipArgs = zip ? ['--zip', zip.target, JSON.stringify(zip.manifest)] : [];
  const out = await new Promise<{ failed: boolean; stdout: string; why: string }>((resolve) => {
    execFile(process.execPath, [...args, file, ...zipArgs, dir, ...pairs], { timeout: timeoutMs, maxBuffer: 64 * 1024 }, (err, stdout) => {
      resolve({ failed: !!err, stdout, why: err ? ((err as Error & { signal?: string }).signal ?? err.message) : '' });
    });
  });
  let answer: { ok?: boolean; error?: string; files?: BackupManifest['files'] } = {};
  try { answer = JSON.parse(out.stdout) as typeof answer; } catch { /* ended before answering */ }
  if (out.failed || !answer.ok) throw new Error(`the database copy failed: ${answer.error ?? out.why}`);
  return answer.files ?? [];
}

/** Writes the backup zip at `target` (atomically: a temporary name, then rename). */
export async function writeBackup(src: BackupSource, target: string): Promise<{ manifest: BackupManifest; sizeBytes: number }> {
  const work = join(src.workDir, `backup-${randomBytes(4).toString('hex')}`);
  const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const base: Omit<BackupManifest, 'files'> = {
      product: 'ews', kind: 'database-backup', formatVersion: BACKUP_FORMAT_VERSION, version: src.version, edition: src.edition,
      createdAt: new Date(src.now()).toISOString(), configVersion: src.configVersion,
    };
    await mkdir(work, { recursive: true });
    const files = await copyInChild(work, envPairs(src.envs), { target: tmp, manifest: base });
    const manifest: BackupManifest = { ...base, files };
    await rename(tmp, target);
    return { manifest, sizeBytes: (await stat(target)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { force: true });
  }
}
