/**
 * @module system/update
 * SYS-4 software update. A package is a gzipped tarball: `manifest.json` (version, the oldest
 * version it may update, editions, each file's path, size and SHA-256), `manifest.sig` (Ed25519
 * signature of manifest.json's bytes, base64) and `files/…` (the built daemon, web app and
 * catalogue). The box verifies it against the public key it ships with and refuses anything
 * unsigned, tampered, older, too old to update or for another edition, with a reason.
 *
 * Installed side by side (A/B): `<installDir>/releases/<version>/`, the `current` link points
 * at the one systemd runs (through the launcher `systemd/ews-launch.mjs`), `previous` at the one
 * before. Installing switches the links, records the update as pending in `update.json`, and
 * exits: systemd restarts the launcher, which starts the new version and rolls back by itself
 * (links switched back, outcome recorded) if it does not answer its health check in time.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, symlinkSync, renameSync, readlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { mkdir, open as openFile, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { compareVersions, updateManifestSchema, type Edition, type UpdateManifest, type UpdateRefusal, type UpdateStatus } from '@ews/shared';
import { DomainError } from '../util/errors';
import { unsafeName } from './restore';

export class UpdateError extends DomainError<UpdateRefusal> {}
const refuse = (code: UpdateRefusal, message: string) => new UpdateError(code, message);

export const UPDATE_STATE = 'update.json';
/** How long the launcher waits for the new version's health check by default. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 90_000;

export interface UpdateState {
  installed?: string;
  previous: string | null;
  last: UpdateStatus['last'];
  /** Set while a new version is on probation (the launcher judges it). */
  pending?: { version: string; from: string; attempts: number; deadline: string } | null;
}

export function readUpdateState(installDir: string): UpdateState {
  try { return JSON.parse(readFileSync(join(installDir, UPDATE_STATE), 'utf8')) as UpdateState; } catch { return { previous: null, last: null }; }
}
export function writeUpdateState(installDir: string, s: UpdateState): void {
  const tmp = join(installDir, `${UPDATE_STATE}.tmp`);
  writeFileSync(tmp, JSON.stringify(s, null, 2));
  renameSync(tmp, join(installDir, UPDATE_STATE));
}

/** Points `link` at `target` atomically (a new link renamed over the old one). */
export function switchLink(link: string, target: string): void {
  const tmp = `${link}.tmp`;
  try { lstatSync(tmp); renameSync(tmp, `${tmp}.old`); } catch { /* none */ }
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

export interface UpdaterOptions {
  /** Where releases live (`EWS_INSTALL_DIR`, /opt/ews on the box); undefined: not installed as A/B releases. */
  installDir?: string;
  /** The Ed25519 public key packages must be signed with (PEM). */
  publicKeyPem?: string;
  version: string;
  edition: () => Edition;
  now: () => number;
  /** Ends this process so that systemd restarts the launcher on the new `current`. */
  exit: (why: string) => void;
  healthTimeoutMs?: number;
  maxPackageBytes?: number;
}

export class Updater {
  private key: KeyObject | undefined;
  private busy = false;
  constructor(private readonly o: UpdaterOptions) {
    if (o.publicKeyPem) this.key = createPublicKey(o.publicKeyPem);
  }

  status(): UpdateStatus {
    if (!this.o.installDir) return { installed: this.o.version, previous: null, last: null };
    const s = readUpdateState(this.o.installDir);
    return { installed: this.o.version, previous: s.previous, last: s.last };
  }

  /** Verifies `pkg` in full (see the module comment) and unpacks it into `dir`; returns its manifest. */
  async verify(pkg: string, dir: string): Promise<UpdateManifest> {
    const st = await stat(pkg);
    const max = this.o.maxPackageBytes ?? 256 * 1024 ** 2;
    if (st.size === 0 || st.size > max) throw refuse('not-package', st.size === 0 ? 'the file is empty' : `the file is larger than ${max} bytes`);
    const head = Buffer.alloc(2);
    const fh = await openFile(pkg, 'r');
    try { await fh.read(head, 0, 2, 0); } finally { await fh.close(); }
    if (head[0] !== 0x1f || head[1] !== 0x8b) throw refuse('not-package', 'not an update package (a gzipped tarball is expected)');
    // 1. the entries: plain files and folders, safe names, bounded total
    let total = 0;
    const problems: string[] = [];
    const tar = await import('tar'); // loaded when a package is checked
    try {
      await tar.list({
        file: pkg, strict: true,
        onReadEntry: (e) => {
          const name = e.path.replace(/\/$/, '');
          const unsafe = unsafeName(name);
          if (unsafe) problems.push(`entry "${e.path}" has ${unsafe}`);
          else if (e.type !== 'File' && e.type !== 'Directory') problems.push(`entry "${e.path}" is a ${e.type}`);
          else if (!(name === 'manifest.json' || name === 'manifest.sig' || name === 'files' || name.startsWith('files/'))) problems.push(`unexpected entry "${e.path}"`);
          total += e.size ?? 0;
        },
      });
    } catch (err) {
      throw refuse('damaged', `the package is damaged: ${(err as Error).message}`);
    }
    if (problems.length) throw refuse('tampered', problems[0]);
    if (total > 4 * max) throw refuse('damaged', `the package unpacks to ${total} bytes`);
    await mkdir(dir, { recursive: true });
    try {
      await tar.extract({ file: pkg, cwd: dir, strict: true, preservePaths: false, filter: (_p, e) => 'type' in e && (e.type === 'File' || e.type === 'Directory') });
    } catch (err) {
      throw refuse('damaged', `the package cannot be unpacked: ${(err as Error).message}`);
    }
    // 2. the signature over the manifest's bytes
    if (!existsSync(join(dir, 'manifest.json'))) throw refuse('not-package', 'no manifest.json: not an EWS update package');
    if (!existsSync(join(dir, 'manifest.sig'))) throw refuse('unsigned', 'the package is not signed (no manifest.sig)');
    if (!this.key) throw refuse('no-updater', 'this box has no update key: it cannot check signatures');
    const manifestBytes = await readFile(join(dir, 'manifest.json'));
    const sig = Buffer.from((await readFile(join(dir, 'manifest.sig'), 'utf8')).trim(), 'base64');
    if (!verifySignature(null, manifestBytes, this.key, sig)) throw refuse('bad-signature', 'the signature does not verify with this box\'s update key');
    // 3. the manifest
    let manifest: UpdateManifest;
    try { manifest = updateManifestSchema.parse(JSON.parse(manifestBytes.toString('utf8'))); } catch (err) { throw refuse('damaged', `the manifest is malformed: ${(err as Error).message.slice(0, 300)}`); }
    if (compareVersions(manifest.version, this.o.version) <= 0) throw refuse('older', `the package's version ${manifest.version} is not newer than the installed ${this.o.version}`);
    if (compareVersions(this.o.version, manifest.minVersion) < 0) throw refuse('too-old-to-update', `version ${manifest.version} updates ${manifest.minVersion} or later; this box runs ${this.o.version}`);
    if (!manifest.editions.includes(this.o.edition())) throw refuse('other-edition', `the package is for ${manifest.editions.join(', ')}; this box is ${this.o.edition()}`);
    // 4. every file, against the signed manifest
    const filesDir = join(dir, 'files');
    const present = existsSync(filesDir) ? walk(filesDir).map((p) => relative(filesDir, p).split(sep).join('/')) : [];
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    for (const p of present) if (!listed.has(p)) throw refuse('tampered', `"${p}" is not in the signed manifest`);
    for (const f of manifest.files) {
      if (unsafeName(f.path)) throw refuse('tampered', `the manifest names "${f.path}"`);
      const path = join(filesDir, f.path);
      if (!existsSync(path)) throw refuse('tampered', `"${f.path}" is missing`);
      if ((await stat(path)).size !== f.sizeBytes || (await sha256(path)) !== f.sha256) throw refuse('tampered', `"${f.path}" does not match the signed manifest`);
    }
    return manifest;
  }

  /** Verifies, installs beside the running version, switches `current`, and exits for systemd to restart. */
  async install(pkg: string): Promise<UpdateStatus> {
    const root = this.o.installDir;
    if (this.busy) throw refuse('busy', 'an update is being installed');
    this.busy = true;
    const staging = join(root ?? '.', `update-staging-${Date.now()}`);
    try {
      if (!root) throw refuse('no-updater', 'this daemon is not installed as A/B releases (EWS_INSTALL_DIR): it cannot update itself');
      let manifest: UpdateManifest;
      try {
        manifest = await this.verify(pkg, staging);
      } catch (err) {
        if (err instanceof UpdateError) writeUpdateState(root, { ...readUpdateState(root), last: { at: new Date(this.o.now()).toISOString(), version: null, outcome: 'refused', reason: `${err.code}: ${err.message}` } });
        throw err;
      }
      const releases = join(root, 'releases');
      await mkdir(releases, { recursive: true });
      const target = join(releases, manifest.version);
      await rm(target, { recursive: true, force: true });
      await rename(join(staging, 'files'), target);
      const from = this.o.version;
      const state = readUpdateState(root);
      writeUpdateState(root, {
        ...state, installed: from,
        last: { at: new Date(this.o.now()).toISOString(), version: manifest.version, outcome: 'installing' },
        pending: { version: manifest.version, from, attempts: 0, deadline: new Date(this.o.now() + 10 * (this.o.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS)).toISOString() },
      });
      const currentTarget = existsSync(join(root, 'current')) ? readlinkSync(join(root, 'current')) : join('releases', from);
      switchLink(join(root, 'previous'), currentTarget);
      switchLink(join(root, 'current'), join('releases', manifest.version));
      this.o.exit(`update to ${manifest.version}`);
      return this.status();
    } finally {
      this.busy = false;
      await rm(staging, { recursive: true, force: true });
      await rm(pkg, { force: true });
    }
  }
}
