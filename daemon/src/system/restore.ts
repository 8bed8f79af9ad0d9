/**
 * @module system/restore
 * SYS-6 "Restore": an archive is verified in full before anything of the running store is
 * touched, then swapped in at the next start in one step.
 *
 * Verification, in order (each refusal names its reason, `RestoreRefusal`):
 * 1. the file: not empty, not over the size limit, starts like a zip (`PK\3\4`);
 * 2. the zip's directory (yauzl, sizes validated while inflating): readable (`damaged`
 *    otherwise: truncated, flipped bytes); at most a few entries; each name relative, without
 *    `..`, backslash or drive (`unsafe-path`: zip slip); no symbolic link (`symlink`), directory
 *    or unknown name (`unexpected-entry`), duplicate, encryption; declared sizes within the limit
 *    and the free space (`too-large`, `no-space`: a zip bomb is refused before inflating, and
 *    inflating stops at the declared size if the directory lies);
 * 3. the manifest: ours (`foreign`), well formed, not newer than this software (`too-new`),
 *    this box's edition, listing exactly the entries present;
 * 4. each data file, inflated into a staging folder beside the store: its size and SHA-256
 *    against the manifest;
 * 5. the staged LMDB environments open, and every record of every database reads back.
 * Only then is the staging folder renamed `restore-pending` and its marker written (the one
 * step that commits the restore). At the next start `applyPendingSwap` moves the current files
 * to `previous/` and the staged ones into place; it is idempotent, so a crash half-way finishes
 * at the start after.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { open as openFile, rename, rm, stat, statfs, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type yauzl from 'yauzl';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  BACKUP_DATA_FILES, BACKUP_FORMAT_VERSION, BACKUP_MANIFEST, backupManifestSchema, compareVersions,
  type BackupManifest, type Edition, type RestoreRefusal,
} from '@ews/shared';
import { DomainError } from '../util/errors';

export class RestoreError extends DomainError<RestoreRefusal> {}

export interface RestoreLimits {
  /** The archive itself. */
  maxArchiveBytes: number;
  /** The sum of the declared uncompressed sizes. */
  maxUnpackedBytes: number;
  /** Free space to keep on the data partition after unpacking. */
  reserveBytes: number;
}
export const DEFAULT_RESTORE_LIMITS: RestoreLimits = { maxArchiveBytes: 2 * 1024 ** 3, maxUnpackedBytes: 4 * 1024 ** 3, reserveBytes: 64 * 1024 ** 2 };

export interface RestoreTarget {
  dataDir: string;
  version: string;
  edition: Edition;
  limits?: Partial<RestoreLimits>;
}

export const PENDING_DIR = 'restore-pending';
export const PENDING_MARKER = 'READY';
export const PREVIOUS_DIR = 'previous';
const MANIFEST_MAX_BYTES = 64 * 1024;
const MAX_ENTRIES = 8;
const S_IFMT = 0o170000, S_IFLNK = 0o120000, S_IFDIR = 0o040000;

const refuse = (code: RestoreRefusal, message: string, cause?: unknown): RestoreError => new RestoreError(code, message, cause ? { cause } : undefined);

/** Why a name would write outside the staging folder, or undefined if it is a plain relative name. */
export function unsafeName(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (name.includes('\0')) return 'a NUL byte in the name';
  if (name.includes('\\')) return 'a backslash in the name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute name';
  if (name.split('/').some((p) => p === '..')) return 'a ".." segment';
  return undefined;
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  const { default: lib } = await import('yauzl'); // loaded when an archive is checked
  return new Promise((resolve, reject) => {
    lib.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      if (entries.length > MAX_ENTRIES) { reject(refuse('unexpected-entry', `more than ${MAX_ENTRIES} entries: not an EWS backup`)); return; }
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Inflates an entry to `target`, counting bytes (never past `maxBytes`) and hashing. */
async function inflateTo(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string, maxBytes: number): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) { cb(refuse('size-mismatch', `${entryName(entry)} inflates past its declared size`)); return; }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(await entryStream(zip, entry), counter, createWriteStream(target, { flags: 'wx' }));
  return { sizeBytes: size, sha256: hash.digest('hex') };
}

async function readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of (await entryStream(zip, entry)) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw refuse('bad-manifest', `${BACKUP_MANIFEST} is larger than ${maxBytes} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

const entryName = (e: yauzl.Entry): string => (Buffer.isBuffer(e.fileName) ? (e.fileName as Buffer).toString('utf8') : String(e.fileName));

/** Maps yauzl's and zlib's errors (a damaged archive) to a refusal; ours pass through. */
function asRefusal(err: unknown): RestoreError {
  if (err instanceof RestoreError) return err;
  const msg = (err as Error)?.message ?? String(err);
  if (/too many bytes|too few bytes|expected .*bytes/i.test(msg)) return refuse('size-mismatch', `an entry does not inflate to its declared size (${msg})`, err);
  if (/encrypt/i.test(msg)) return refuse('encrypted', 'encrypted entries are not accepted', err);
  return refuse('damaged', `the archive is damaged: ${msg}`, err);
}

/**
 * Verifies `archive` completely and stages its data files in a new folder under the data
 * folder; returns that folder and the manifest. Nothing of the running store is touched; on
 * refusal the staging folder is removed.
 */
export async function verifyAndStage(archive: string, target: RestoreTarget): Promise<{ stagingDir: string; manifest: BackupManifest }> {
  const limits = { ...DEFAULT_RESTORE_LIMITS, ...target.limits };
  const st = await stat(archive);
  if (st.size === 0) throw refuse('empty', 'the file is empty');
  if (st.size > limits.maxArchiveBytes) throw refuse('too-large', `the file is larger than ${limits.maxArchiveBytes} bytes`);
  const head = Buffer.alloc(4);
  const fh = await openFile(archive, 'r');
  try { await fh.read(head, 0, 4, 0); } finally { await fh.close(); }
  if (!(head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)) throw refuse('not-zip', 'not a zip archive (database.zip is expected)');

  let zip: yauzl.ZipFile;
  try { zip = await openZip(archive); } catch (err) { throw asRefusal(err); }
  const stagingDir = join(target.dataDir, `restore-staging-${randomBytes(4).toString('hex')}`);
  try {
    let entries: yauzl.Entry[];
    try { entries = await readEntries(zip); } catch (err) { throw asRefusal(err); }
    const byName = new Map<string, yauzl.Entry>();
    let declared = 0;
    for (const e of entries) {
      const name = entryName(e);
      const unsafe = unsafeName(name);
      if (unsafe) throw refuse('unsafe-path', `entry "${name}" has ${unsafe} (it would be written outside the data folder)`);
      const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw refuse('symlink', `entry "${name}" is a symbolic link`);
      if (mode === S_IFDIR || name.endsWith('/')) throw refuse('unexpected-entry', `entry "${name}" is a folder`);
      if (byName.has(name)) throw refuse('duplicate-entry', `entry "${name}" appears twice`);
      if (e.generalPurposeBitFlag & 0x1) throw refuse('encrypted', `entry "${name}" is encrypted`);
      if (e.compressionMethod !== 0 && e.compressionMethod !== 8) throw refuse('damaged', `entry "${name}" uses compression method ${e.compressionMethod}`);
      byName.set(name, e);
      declared += e.uncompressedSize;
    }
    if (!byName.has(BACKUP_MANIFEST)) throw refuse('foreign', `not an EWS backup: no ${BACKUP_MANIFEST}`);
    for (const name of byName.keys()) {
      if (name !== BACKUP_MANIFEST && !(BACKUP_DATA_FILES as readonly string[]).includes(name)) throw refuse('unexpected-entry', `unexpected entry "${name}"`);
    }
    if (declared > limits.maxUnpackedBytes) throw refuse('too-large', `the archive unpacks to ${declared} bytes, more than the ${limits.maxUnpackedBytes} allowed`);

    // The manifest.
    let raw: unknown;
    try { raw = JSON.parse((await readSmall(zip, byName.get(BACKUP_MANIFEST)!, MANIFEST_MAX_BYTES)).toString('utf8')); } catch (err) {
      if (err instanceof RestoreError) throw err;
      if (err instanceof SyntaxError) throw refuse('bad-manifest', `${BACKUP_MANIFEST} is not JSON`);
      throw asRefusal(err);
    }
    const r = raw as Partial<BackupManifest> | null;
    if (!r || typeof r !== 'object' || r.product !== 'ews' || r.kind !== 'database-backup') throw refuse('foreign', 'not an EWS database backup (its manifest is another product\'s)');
    if (typeof r.formatVersion === 'number' && r.formatVersion > BACKUP_FORMAT_VERSION) throw refuse('too-new', `the backup's format ${r.formatVersion} is newer than this software's (${BACKUP_FORMAT_VERSION}): update first`);
    const parsed = backupManifestSchema.safeParse(raw);
    if (!parsed.success) throw refuse('bad-manifest', `the manifest is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const manifest = parsed.data;
    if (compareVersions(manifest.version, target.version) > 0) throw refuse('too-new', `the backup was written by version ${manifest.version}, newer than this box's ${target.version}: update first`);
    if (manifest.edition !== target.edition) throw refuse('other-edition', `the backup is of edition ${manifest.edition}, this box is ${target.edition}`);
    const listed = new Set(manifest.files.map((f) => f.name));
    const present = [...byName.keys()].filter((n) => n !== BACKUP_MANIFEST);
    if (listed.size !== manifest.files.length || present.length !== listed.size || present.some((n) => !listed.has(n)) || BACKUP_DATA_FILES.some((n) => !listed.has(n))) {
      throw refuse('manifest-mismatch', `the manifest lists ${[...listed].join(', ')} but the archive holds ${present.join(', ') || 'nothing else'}`);
    }
    for (const f of manifest.files) {
      if (byName.get(f.name)!.uncompressedSize !== f.sizeBytes) throw refuse('size-mismatch', `${f.name}: the manifest says ${f.sizeBytes} bytes, the archive ${byName.get(f.name)!.uncompressedSize}`);
    }
    const fs = await statfs(target.dataDir);
    const free = fs.bavail * fs.bsize;
    if (declared + limits.reserveBytes > free) throw refuse('no-space', `unpacking needs ${declared} bytes and ${free} are free`);

    // The data files, inflated and checked.
    await mkdir(stagingDir);
    for (const f of manifest.files) {
      let got: { sizeBytes: number; sha256: string };
      try { got = await inflateTo(zip, byName.get(f.name)!, join(stagingDir, f.name), f.sizeBytes); } catch (err) { throw asRefusal(err); }
      if (got.sizeBytes !== f.sizeBytes) throw refuse('size-mismatch', `${f.name} inflates to ${got.sizeBytes} bytes, the manifest says ${f.sizeBytes}`);
      if (got.sha256 !== f.sha256) throw refuse('checksum', `${f.name}: its SHA-256 does not match the manifest's`);
    }
    await writeFile(join(stagingDir, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2));
    await checkStore(stagingDir);
    return { stagingDir, manifest };
  } catch (err) {
    await rm(stagingDir, { recursive: true, force: true });
    throw err;
  } finally {
    zip.close();
  }
}

/** The store checker, beside this module (built: dist/verify-store.js; from source under tsx: the .ts). */
function verifierCommand(): { file: string; args: string[] } {
  const js = fileURLToPath(new URL('./verify-store.js', import.meta.url));
  if (existsSync(js)) return { file: js, args: [] };
  return { file: fileURLToPath(new URL('./verify-store.ts', import.meta.url)), args: ['--import', 'tsx'] };
}

/**
 * Opens the staged environments read-only and reads every record of every database, in a child
 * process (system/verify-store): a damaged page fails there, not in the running daemon after
 * the swap — LMDB trusts its files, and a damaged one can crash the process that maps it.
 */
export function runStoreTool(toolArgs: string[], timeoutMs: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  const { file, args } = verifierCommand();
  return new Promise((resolve) => {
    execFile(process.execPath, [...args, file, ...toolArgs], { timeout: timeoutMs, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const e = err as (Error & { code?: number | string; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, signal: e?.signal ?? null, stdout });
    });
  });
}

export async function checkStore(dir: string, timeoutMs = 120_000): Promise<{ records: number }> {
  const out = await runStoreTool([dir], timeoutMs);
  for (const f of readdirSync(dir)) if (f.endsWith('-lock')) rmSync(join(dir, f), { force: true });
  let answer: { records?: number; error?: string } = {};
  try { answer = JSON.parse(out.stdout) as typeof answer; } catch { /* crashed before answering */ }
  if (out.code === 0 && typeof answer.records === 'number') return { records: answer.records };
  throw refuse('damaged-store', `the database in the backup cannot be read: ${answer.error ?? (out.signal ? `the reader crashed (${out.signal})` : `the reader failed (exit ${out.code})`)}`);
}

/** Commits a verified staging folder: the restore (or optimisation) happens at the next start. */
export async function commitStaged(dataDir: string, stagingDir: string, what: 'restore' | 'optimize'): Promise<void> {
  const pending = join(dataDir, PENDING_DIR);
  await rm(pending, { recursive: true, force: true });
  await rename(stagingDir, pending);
  const tmp = join(pending, `${PENDING_MARKER}.tmp`);
  await writeFile(tmp, JSON.stringify({ what, at: new Date().toISOString() }));
  await rename(tmp, join(pending, PENDING_MARKER));
}

/**
 * At start, before the store opens: swaps a committed restore in (idempotent). Returns what
 * was applied, or undefined. An uncommitted staging folder (no marker) is thrown away.
 */
export function applyPendingSwap(dataDir: string): { what: 'restore' | 'optimize'; at: string } | undefined {
  if (!existsSync(dataDir)) return undefined;
  for (const f of readdirSync(dataDir)) if (f.startsWith('restore-staging-')) rmSync(join(dataDir, f), { recursive: true, force: true });
  const pending = join(dataDir, PENDING_DIR);
  const marker = join(pending, PENDING_MARKER);
  if (!existsSync(marker)) {
    rmSync(pending, { recursive: true, force: true });
    return undefined;
  }
  const info = JSON.parse(readFileSync(marker, 'utf8')) as { what: 'restore' | 'optimize'; at: string };
  const previous = join(dataDir, PREVIOUS_DIR);
  mkdirSync(previous, { recursive: true });
  for (const name of BACKUP_DATA_FILES) {
    const staged = join(pending, name);
    if (!existsSync(staged)) continue; // moved in by an interrupted earlier run
    const current = join(dataDir, name);
    if (existsSync(current)) renameSync(current, join(previous, name));
    rmSync(`${current}-lock`, { force: true });
    renameSync(staged, current);
  }
  writeFileSync(join(previous, 'swapped.json'), JSON.stringify(info));
  rmSync(pending, { recursive: true, force: true });
  return info;
}
