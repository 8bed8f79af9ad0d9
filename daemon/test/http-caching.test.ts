/**
 * HTTP as browsers expect: the SPA's pre-compressed files chosen by Accept-Encoding (brotli,
 * gzip, identity) with Vary; hashed names immutable; index.html no-cache with an ETag and 304;
 * API answers above 1 KB compressed on the fly, small ones not, all no-store.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startRig, type Rig } from './rig';

const JS = `export const answer = ${JSON.stringify('x'.repeat(3000))};\n`.repeat(4);
const HTML = '<!doctype html><html><head><script type="module" src="/app-ABCD2345.js"></script></head><body></body></html>';

let rig: Rig;
let webDir = '';
let cookie = '';

before(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'ews-web-'));
  for (const [name, text] of [['app-ABCD2345.js', JS], ['index.html', HTML]] as const) {
    writeFileSync(join(webDir, name), text);
    writeFileSync(join(webDir, `${name}.br`), brotliCompressSync(Buffer.from(text)));
    writeFileSync(join(webDir, `${name}.gz`), gzipSync(Buffer.from(text)));
  }
  writeFileSync(join(webDir, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
  rig = await startRig({ devices: [], modbus: { path: '/dev/ews-none' }, webDir });
  const login = await fetch(`${rig.daemon.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000999900000' }),
  });
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
});
after(async () => {
  await rig?.stop();
  if (webDir) rmSync(webDir, { recursive: true, force: true });
});

/** A raw GET (fetch would decompress and hide Content-Encoding's effect on the bytes). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${rig.daemon.url}${path}`, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

test('SPA files: brotli, gzip or identity per Accept-Encoding, with Vary', async () => {
  const br = await get('/app-ABCD2345.js', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.match(String(br.headers.vary), /accept-encoding/i);
  assert.equal(brotliDecompressSync(br.body).toString(), JS);
  const gz = await get('/app-ABCD2345.js', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.body).toString(), JS);
  const noBr = await get('/app-ABCD2345.js', { 'accept-encoding': 'br;q=0, *' });
  assert.equal(noBr.headers['content-encoding'], 'gzip');
  const plain = await get('/app-ABCD2345.js');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), JS);
  assert.match(String(plain.headers['content-type']), /^text\/javascript/);
  console.log(JSON.stringify({ figure: 'static-compression', identityBytes: plain.body.length, brBytes: br.body.length, gzipBytes: gz.body.length }));
  // An SPA route gets index.html, compressed too.
  const route = await get('/consumption/day', { 'accept-encoding': 'br' });
  assert.equal(route.headers['content-encoding'], 'br');
  assert.equal(brotliDecompressSync(route.body).toString(), HTML);
});

test('hashed names are immutable; index.html and unhashed files are no-cache with an ETag, 304 when it matches', async () => {
  const asset = await get('/app-ABCD2345.js', { 'accept-encoding': 'br' });
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  for (const path of ['/', '/index.html', '/devices', '/robots.txt']) {
    const first = await get(path, { 'accept-encoding': 'br, gzip' });
    assert.equal(first.status, 200, path);
    assert.equal(first.headers['cache-control'], 'no-cache', path);
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[^"]+"$/, path);
    const again = await get(path, { 'accept-encoding': 'br, gzip', 'if-none-match': etag });
    assert.equal(again.status, 304, path);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.headers['cache-control'], 'no-cache');
    // The same content fetched without compression matches too (one content, several encodings).
    assert.equal((await get(path, { 'if-none-match': etag })).status, 304, path);
    assert.equal((await get(path, { 'if-none-match': '"stale"' })).status, 200, path);
  }
});

test('API answers: compressed above 1 KB (brotli or gzip), small ones as they are, Vary and no-store', async () => {
  const big = await get('/api/catalog', { cookie, 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(big.status, 200);
  assert.equal(big.headers['content-encoding'], 'br');
  assert.match(String(big.headers.vary), /accept-encoding/i);
  assert.equal(big.headers['cache-control'], 'no-store');
  const json = brotliDecompressSync(big.body).toString();
  assert.ok(Array.isArray(JSON.parse(json)));
  const gz = await get('/api/catalog', { cookie, 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.body).toString(), json);
  const plain = await get('/api/catalog', { cookie });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), json);
  console.log(JSON.stringify({ figure: 'api-compression', path: '/api/catalog', identityBytes: plain.body.length, brBytes: big.body.length, gzipBytes: gz.body.length }));
  const small = await get('/api/health', { 'accept-encoding': 'br, gzip' });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(small.headers['cache-control'], 'no-store');
  assert.deepEqual(JSON.parse(small.body.toString()).ok, true);
  // Errors are answers too: a 404 JSON under 1 KB stays plain.
  assert.equal((await get('/api/nope', { 'accept-encoding': 'br' })).headers['content-encoding'], undefined);
});

const DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

test('the web build names its assets by content and writes .br and .gz beside them', { skip: !existsSync(join(DIST, 'index.html')) && 'web/dist not built' }, () => {
  const files = readdirSync(DIST);
  const assets = files.filter((f) => /\.(?:js|css)$/.test(f));
  assert.ok(assets.length >= 2);
  for (const f of assets) {
    assert.match(f, /-[A-Z0-9]{8}\.(?:js|css)$/, `${f} carries its hash`);
    assert.ok(files.includes(`${f}.br`) && files.includes(`${f}.gz`), `${f} is pre-compressed`);
  }
  assert.ok(files.includes('index.html.br'));
});
