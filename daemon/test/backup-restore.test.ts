/**
 * SYS-6 Backup / Restore over the real daemon: database.zip is written and downloadable; 26 bad
 * archives are each refused with their reason, and the configuration and every consumption
 * answer are byte-identical before and after; a good backup restored into a fresh box (swapped
 * in by a restart on the same port) answers as the source did.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { BACKUP_MANIFEST, type BackupAnswer, type BackupManifest } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { startDaemon, type Daemon } from '../src/daemon';
import { silentLogger } from '../src/util/log';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, catalog, CODES, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
const BOMB_LIMIT = 64 * 1024 * 1024;
let rig: Rig;
let good: Buffer;
let days: string[] = [];

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    restoreLimits: { maxUnpackedBytes: BOMB_LIMIT },
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A', loadId: 'lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'B', loadId: 'heating' },
    ],
  });
  // History: aligned ticks through the real poller, bus and simulator, over two days.
  const slotMs = 15 * 60_000;
  const end = Math.floor(Date.now() / slotMs) * slotMs;
  for (let t = end - 40 * slotMs; t < end; t += 4 * slotMs) await rig.daemon.poller.runTick(t);
  days = [...new Set([end - 40 * slotMs, end - slotMs].map((t) => new Date(t).toISOString().slice(0, 10)))];
});
after(async () => { await rig?.stop(); });

/** Every configuration answer and every consumption answer, as text. */
async function snapshot(api: Rig['api']): Promise<Record<string, string>> {
  const paths = [
    '/api/gateways', '/api/devices', '/api/devices/1', '/api/loads', '/api/groups', '/api/panelboards', '/api/settings/network', '/api/settings/modbus',
    '/api/settings/csv', '/api/settings/edition', '/api/settings/costs', '/api/tariffs', '/api/users', '/api/settings/audit',
  ];
  for (const d of days) {
    for (const scope of ['total', 'type:electricity', 'load:lighting', 'load:heating', 'device:1', 'device:2']) {
      for (const period of ['day', 'month', 'year', 'decade']) paths.push(`/api/consumption?scope=${scope}&period=${period}&date=${d}`);
    }
  }
  const out: Record<string, string> = {};
  for (const p of paths) {
    const r = await api<unknown>(p);
    assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
    out[p] = JSON.stringify(r.body);
  }
  return out;
}

async function restore(api: Rig['api'], body: Uint8Array, type = 'application/zip') {
  return api<{ code?: string; error?: string; restarting?: boolean }>('/api/system/restore', { method: 'POST', body, headers: { 'content-type': type } });
}

function zipOf(entries: Array<{ name: string; data: Buffer; mode?: number; compress?: boolean }>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(e.data, e.name, { mode: e.mode ?? 0o100644, compress: e.compress ?? true, mtime: new Date(0) });
  z.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts))).on('error', reject);
  });
}

/** Renames an entry in place (local header and central directory): yazl refuses unsafe names, a hostile zip does not. */
function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  const out = Buffer.from(zip);
  const a = Buffer.from(from), b = Buffer.from(to);
  let i = 0, n = 0;
  while ((i = out.indexOf(a, i)) >= 0) { b.copy(out, i); i += a.length; n++; }
  assert.ok(n >= 2, `renamed ${n} places`);
  return out;
}

/** Patches a field of every central directory header (signature PK\1\2). */
function patchCentral(zip: Buffer, name: string, offset: number, write: (buf: Buffer, at: number) => void): Buffer {
  const out = Buffer.from(zip);
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  let i = 0, n = 0;
  while ((i = out.indexOf(sig, i)) >= 0) {
    const nameLen = out.readUInt16LE(i + 28);
    if (out.subarray(i + 46, i + 46 + nameLen).toString() === name) { write(out, i + offset); n++; }
    i += 4;
  }
  assert.ok(n >= 1);
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('Backup writes database.zip into the history folder, lists it and offers it for download', async () => {
  const r = await rig.api<BackupAnswer>('/api/system/backup', { method: 'POST' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.file, 'database.zip');
  assert.equal(r.body.manifest.product, 'ews');
  assert.equal(r.body.manifest.edition, 'PM1WS255');
  assert.deepEqual(r.body.manifest.files.map((f) => f.name), ['ews.lmdb', 'ews-stats.lmdb']);
  assert.ok(existsSync(join(rig.dataDir, 'history', 'database.zip')));
  const list = await rig.api<{ backups: Array<{ file: string; kind: string }> }>('/api/system/backups');
  assert.deepEqual(list.body.backups.map((b) => [b.file, b.kind]), [['database.zip', 'manual']]);
  const res = await fetch(`${rig.daemon.url}/api/system/backups/database.zip`, { headers: { cookie: await cookieOf() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  good = Buffer.from(await res.arrayBuffer());
  assert.equal(good.length, r.body.sizeBytes);
  const bad = await rig.api('/api/system/backups/..%2Fews.lmdb');
  assert.equal(bad.status, 404);
});

async function cookieOf(): Promise<string> {
  const res = await fetch(`${rig.daemon.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] }) });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

test('26 bad archives are each refused with their reason and change nothing', { timeout: 120_000 }, async () => {
  assert.ok(good, 'the backup test ran first');
  const entries = await readZipEntries(good);
  const manifest = JSON.parse(entries.get(BACKUP_MANIFEST)!.toString()) as BackupManifest;
  const lmdb = entries.get('ews.lmdb')!, stats = entries.get('ews-stats.lmdb')!;
  const withManifest = (m: object, extra: Array<{ name: string; data: Buffer; mode?: number }> = [], files = [['ews.lmdb', lmdb], ['ews-stats.lmdb', stats]] as Array<[string, Buffer]>) =>
    zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(m)) }, ...files.map(([name, data]) => ({ name, data })), ...extra]);
  const garbage = Buffer.alloc(256 * 1024, 0x5a);
  const flipAt = (b: Buffer, at: number) => { const c = Buffer.from(b); c[at] ^= 0xff; return c; };
  const lmdbOffset = good.indexOf(Buffer.from('ews.lmdb')) + 200;

  const cases: Array<[string, Promise<Buffer> | Buffer, string[]]> = [
    ['an empty file', Buffer.alloc(0), ['empty']],
    ['a plain-text file', Buffer.from('this is not a backup\n'), ['not-zip']],
    ['a truncated archive (first half)', good.subarray(0, Math.floor(good.length / 2)), ['damaged']],
    ['a truncated archive (end of directory cut)', good.subarray(0, good.length - 10), ['damaged']],
    ['flipped bytes in the data', flipAt(flipAt(good, lmdbOffset), lmdbOffset + 1000), ['damaged', 'checksum', 'size-mismatch']],
    ['flipped bytes in the central directory', flipAt(good, good.length - 60), ['damaged', 'unsafe-path', 'unexpected-entry', 'foreign']],
    ['a foreign zip', zipOf([{ name: 'readme.txt', data: Buffer.from('hello') }, { name: 'photo.jpg', data: garbage }]), ['foreign']],
    ['another product\'s manifest', withManifest({ product: 'other', files: [] }), ['foreign']],
    ['a zip slip with ../', renameEntry(await zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'xx/evil.sh', data: Buffer.from('#!/bin/sh') }]), 'xx/evil.sh', '../evil.sh'), ['unsafe-path']],
    ['a zip slip with an absolute name', renameEntry(await zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'xetc/evil', data: Buffer.from('x') }]), 'xetc/evil', '/etc/evil'), ['unsafe-path']],
    ['a zip slip with backslashes', renameEntry(await zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'xx_evil.sh', data: Buffer.from('x') }]), 'xx_evil.sh', '..\\evil.sh'), ['unsafe-path']],
    ['a drive-letter name', renameEntry(await zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'xxevil.sh', data: Buffer.from('x') }]), 'xxevil.sh', 'C:evil.sh'), ['unsafe-path']],
    ['a symbolic link entry', withManifest(manifest, [], [['ews.lmdb', Buffer.from('/etc/passwd')], ['ews-stats.lmdb', stats]]).then(() => zipOf([
      { name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'ews.lmdb', data: Buffer.from('/etc/passwd'), mode: 0o120777 }, { name: 'ews-stats.lmdb', data: stats },
    ])), ['symlink']],
    ['a zip bomb (declared sizes over the limit)', zipOf([
      { name: BACKUP_MANIFEST, data: Buffer.from(JSON.stringify(manifest)) }, { name: 'ews.lmdb', data: Buffer.alloc(BOMB_LIMIT + 1024 * 1024) }, { name: 'ews-stats.lmdb', data: stats },
    ]), ['too-large']],
    ['a zip bomb whose directory lies about the size', (async () => {
      const small = 4096;
      const m = { ...manifest, files: manifest.files.map((f) => (f.name === 'ews-stats.lmdb' ? { ...f, sizeBytes: small } : f)) };
      const z = await withManifest(m, [], [['ews.lmdb', lmdb], ['ews-stats.lmdb', Buffer.alloc(32 * 1024 * 1024)]]);
      return patchCentral(z, 'ews-stats.lmdb', 24, (b, at) => b.writeUInt32LE(small, at));
    })(), ['size-mismatch']],
    ['a backup from a newer version', withManifest({ ...manifest, version: '99.0.0' }), ['too-new']],
    ['a backup in a newer format', withManifest({ ...manifest, formatVersion: 2 }), ['too-new']],
    ['a backup of another edition', withManifest({ ...manifest, edition: 'PM1WS10' }), ['other-edition']],
    ['a manifest whose checksums lie', withManifest({ ...manifest, files: manifest.files.map((f) => (f.name === 'ews.lmdb' ? { ...f, sha256: sha(Buffer.from('other')) } : f)) }), ['checksum']],
    ['a manifest whose sizes lie', withManifest({ ...manifest, files: manifest.files.map((f) => (f.name === 'ews.lmdb' ? { ...f, sizeBytes: f.sizeBytes + 1 } : f)) }), ['size-mismatch']],
    ['a data file missing', withManifest(manifest, [], [['ews.lmdb', lmdb]]), ['manifest-mismatch']],
    ['an unknown extra entry', withManifest(manifest, [{ name: 'extra.bin', data: Buffer.from('x') }]), ['unexpected-entry']],
    ['a folder entry', (async () => {
      const z = new yazl.ZipFile();
      z.addBuffer(Buffer.from(JSON.stringify(manifest)), BACKUP_MANIFEST);
      z.addBuffer(lmdb, 'ews.lmdb');
      z.addBuffer(stats, 'ews-stats.lmdb');
      z.addEmptyDirectory('sub');
      z.end();
      const parts: Buffer[] = [];
      for await (const c of z.outputStream as AsyncIterable<Buffer>) parts.push(c);
      return Buffer.concat(parts);
    })(), ['unexpected-entry']],
    ['a duplicate entry', withManifest(manifest, [{ name: 'ews.lmdb', data: lmdb }]), ['duplicate-entry']],
    ['a manifest that is not JSON', zipOf([{ name: BACKUP_MANIFEST, data: Buffer.from('{not json') }, { name: 'ews.lmdb', data: lmdb }, { name: 'ews-stats.lmdb', data: stats }]), ['bad-manifest']],
    ['a damaged store with honest checksums', withManifest({ ...manifest, files: [{ name: 'ews.lmdb', sizeBytes: garbage.length, sha256: sha(garbage) }, manifest.files[1]] }, [], [['ews.lmdb', garbage], ['ews-stats.lmdb', stats]]), ['damaged-store']],
    ['an encrypted entry', (async () => patchCentral(await withManifest(manifest), 'ews.lmdb', 8, (b, at) => b.writeUInt16LE(b.readUInt16LE(at) | 1, at)))(), ['encrypted']],
  ];
  assert.ok(cases.length >= 20);

  const before = await snapshot(rig.api);
  const filesBefore = readdirSync(rig.dataDir).sort();
  const seen: string[] = [];
  for (const [what, archive, codes] of cases) {
    if (process.env.EWS_TEST_VERBOSE) console.log("case", what);
    const r = await restore(rig.api, await archive);
    assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.ok(codes.includes(r.body.code!), `${what}: refused as ${r.body.code} (${r.body.error}), expected ${codes.join(' or ')}`);
    assert.ok(r.body.error && r.body.error.length > 5, `${what}: a reason`);
    seen.push(`${what} → ${r.body.code}: ${r.body.error}`);
  }
  const wrongType = await restore(rig.api, good, 'text/plain');
  assert.equal(wrongType.status, 415);
  // nothing staged, nothing left behind, nothing changed
  assert.deepEqual(readdirSync(rig.dataDir).sort(), filesBefore);
  assert.ok(!existsSync(join(rig.dataDir, 'restore-pending')));
  assert.deepEqual(readdirSync(join(rig.dataDir, 'tmp')), []);
  const afterSnap = await snapshot(rig.api);
  for (const k of Object.keys(before)) assert.equal(afterSnap[k], before[k], `${k} changed`);
  if (process.env.EWS_TEST_VERBOSE) console.log(seen.join('\n'));
});

async function readZipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  const yauzl = (await import('yauzl')).default;
  const z = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    z.on('entry', (e: import('yauzl').Entry) => {
      z.openReadStream(e, (err, s) => {
        if (err) return reject(err);
        const parts: Buffer[] = [];
        s.on('data', (c: Buffer) => parts.push(c)).on('end', () => { out.set(e.fileName, Buffer.concat(parts)); z.readEntry(); }).on('error', reject);
      });
    });
    z.on('end', () => resolve()).on('error', reject);
    z.readEntry();
  });
  return out;
}

test('a good backup restored into a fresh box answers as the source', { timeout: 60_000 }, async () => {
  assert.ok(good);
  const source = await snapshot(rig.api);
  const dataDir = mkdtempSync(join(tmpdir(), 'ews-fresh-'));
  let fresh: Daemon;
  let restarted!: () => void;
  const done = new Promise<void>((r) => { restarted = r; });
  const start = (port: number) => startDaemon({
    dataDir, port, catalog, log: silentLogger, linkFactory: () => undefined,
    onRestartRequested: () => { void fresh.stop().then(() => start(fresh.port)).then((d) => { fresh = d; restarted(); }); },
  });
  fresh = await start(0);
  try {
    const login = async () => {
      const res = await retry(() => fetch(`${fresh.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] }) }));
      assert.equal(res.status, 200);
      return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    };
    let cookie = await login();
    const api = (async (path: string, init: RequestInit = {}) => {
      const res = await fetch(fresh.url + path, { ...init, headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) } });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body, headers: res.headers };
    }) as Rig['api'];
    const devicesBefore = await api<unknown[]>('/api/devices');
    assert.deepEqual(devicesBefore.body, []);
    const r = await restore(api, good);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { restarting: true });
    await done;
    assert.equal(fresh.swapped?.what, 'restore');
    cookie = await login();
    const restored = await snapshot(api);
    for (const k of Object.keys(source)) {
      if (k === '/api/users') continue; // lastLogin moves with each login
      // live statuses are the fresh box's own bus (none here), not stored data
      const stored = (text: string) => text.replace(/"(status|statusReason|statusDetail|breakerState)":("[^"]*"|null),?/g, '');
      assert.equal(stored(restored[k]), stored(source[k]), `${k} differs after the restore`);
    }
    assert.ok(existsSync(join(dataDir, 'previous', 'ews.lmdb')), 'the replaced store is kept in previous/');
  } finally {
    await fresh.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try { return await fn(); } catch (err) { if (i >= 20) throw err; await new Promise((r) => setTimeout(r, 100)); }
  }
}
