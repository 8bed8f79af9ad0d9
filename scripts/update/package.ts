/**
 * Builds and signs an EWS update package (SYS-4): a gzipped tarball of the built daemon
 * (daemon/dist), its catalogue (daemon/catalog), the web app (web/dist) and the package files,
 * with `manifest.json` (version, minimum version to update from, editions, each file's size and
 * SHA-256) and `manifest.sig` (Ed25519 over manifest.json's bytes, base64).
 *
 *   node --import tsx scripts/update/package.ts keygen <dir>        # writes update-key.pem (secret) and update-key.pub
 *   node --import tsx scripts/update/package.ts build --version 1.2.0 --key /secure/update-key.pem --out ews-1.2.0.tar.gz \
 *        [--min-version 0.1.0] [--editions PM1WS10,PM1WS32,PM1WS255] [--from <built tree>]
 *
 * The signing key lives outside the repository (the release owner's); the box ships the public
 * half as `<installDir>/update-key.pub`. Tests use a throw-away key.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { EDITIONS, type UpdateManifest } from '@ews/shared';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a release holds, relative to the built tree. */
export const RELEASE_PARTS = ['package.json', 'daemon/package.json', 'daemon/dist', 'daemon/catalog', 'web/dist'];

export function keygen(dir: string): { privatePath: string; publicPath: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true });
  const privatePath = join(dir, 'update-key.pem'), publicPath = join(dir, 'update-key.pub');
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privatePath, publicPath };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export interface BuildOptions {
  version: string;
  keyPem: string;
  out: string;
  minVersion?: string;
  editions?: UpdateManifest['editions'];
  /** The built tree to package (default: this repository, after `pnpm build`). */
  from?: string;
  /** Test hooks: change files after the copy (before hashing) or after signing. */
  edit?: (filesDir: string) => void;
  tamper?: (stageDir: string) => void;
  unsigned?: boolean;
}

export async function buildPackage(o: BuildOptions): Promise<UpdateManifest> {
  const from = o.from ?? ROOT;
  const stage = mkdtempSync(join(tmpdir(), 'ews-package-'));
  try {
    const files = join(stage, 'files');
    for (const part of RELEASE_PARTS) {
      const src = join(from, part);
      if (!existsSync(src)) throw new Error(`${src} is missing: build first (pnpm build)`);
      cpSync(src, join(files, part), { recursive: true });
    }
    // the version the release reports (GET /api/health reads package.json)
    const pkg = JSON.parse(readFileSync(join(files, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(files, 'package.json'), JSON.stringify({ ...pkg, version: o.version }, null, 2));
    o.edit?.(files);
    const manifest: UpdateManifest = {
      product: 'ews', version: o.version, minVersion: o.minVersion ?? '0.0.0', editions: o.editions ?? [...EDITIONS], createdAt: new Date().toISOString(),
      files: walk(files).sort().map((p) => {
        const data = readFileSync(p);
        return { path: relative(files, p).split(sep).join('/'), sizeBytes: statSync(p).size, sha256: createHash('sha256').update(data).digest('hex') };
      }),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
    writeFileSync(join(stage, 'manifest.json'), bytes);
    if (!o.unsigned) writeFileSync(join(stage, 'manifest.sig'), sign(null, bytes, createPrivateKey(o.keyPem)).toString('base64'));
    o.tamper?.(stage);
    mkdirSync(dirname(resolve(o.out)), { recursive: true });
    await tar.create({ gzip: true, file: o.out, cwd: stage, portable: true }, readdirSync(stage));
    return manifest;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2];
  if (cmd === 'keygen') {
    const r = keygen(process.argv[3] ?? '.');
    console.log(JSON.stringify({ privateKey: r.privatePath, publicKey: r.publicPath, note: 'keep the private key outside the repository; install the public key as <installDir>/update-key.pub' }));
  } else if (cmd === 'build') {
    const version = arg('version'), key = arg('key'), out = arg('out');
    if (!version || !key || !out) { console.error('usage: package.ts build --version x.y.z --key <private pem> --out <file> [--min-version] [--editions] [--from]'); process.exit(2); }
    const m = await buildPackage({
      version, keyPem: readFileSync(key, 'utf8'), out, minVersion: arg('min-version'), from: arg('from'),
      ...(arg('editions') ? { editions: arg('editions')!.split(',') as UpdateManifest['editions'] } : {}),
    });
    console.log(JSON.stringify({ package: out, version: m.version, files: m.files.length, bytes: statSync(out).size }));
  } else {
    console.error('usage: package.ts keygen <dir> | build --version … --key … --out …');
    process.exit(2);
  }
}
