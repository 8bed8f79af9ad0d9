/**
 * SYS-7 HTTPS over the real daemon: a key and a self-signed ECDSA P-256 certificate generated on
 * first boot with the box's names as SANs; HTTP redirects to HTTPS unless kept open; cookies are
 * Secure over HTTPS only; an uploaded PEM pair is validated (key match, dates, chain) and served
 * at once without a restart.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { generateSelfSigned } from '../src/system/index';
import { startRig, CODES, type Rig } from './rig';

let rig: Rig;
before(async () => { rig = await startRig({ devices: [], httpsPort: 0, keepHttpOpenDefault: true }); });
after(async () => { await rig?.stop(); });

function httpsGet(path: string, ca: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; certFingerprint: string }>((resolve, reject) => {
    const req = request(`${rig.daemon.httpsUrl}${path}`, { method: init.method ?? 'GET', ca, headers: init.headers }, (res) => {
      let body = '';
      const fp = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate?.()?.fingerprint256 ?? '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, certFingerprint: fp }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const certPem = () => readFileSync(join(rig.dataDir, 'tls', 'cert.pem'), 'utf8');

test('first boot generates an ECDSA P-256 key and a self-signed certificate with the box\'s names; TLS verifies against it', async () => {
  assert.ok(rig.daemon.httpsUrl?.startsWith('https://127.0.0.1:'));
  const cert = new X509Certificate(certPem());
  assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(cert.subjectAltName ?? '', /IP Address:192\.168\.1\.100/, 'the configured address');
  assert.ok(new Date(cert.validTo).getTime() > Date.now() + 9 * 365 * 86400_000);
  const r = await httpsGet('/api/health', certPem());
  assert.equal(r.status, 200);
  const view = await rig.api<{ enabled: boolean; port: number; keepHttpOpen: boolean; certificate: { selfSigned: boolean; altNames: string[] } }>('/api/settings/https');
  assert.equal(view.body.enabled, true);
  assert.equal(view.body.port, rig.daemon.httpsPort);
  assert.equal(view.body.certificate.selfSigned, true);
});

test('login over HTTPS sets Secure cookies; over HTTP (kept open) it does not', async () => {
  const body = JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] });
  const s = await httpsGet('/api/session', certPem(), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  assert.equal(s.status, 200, s.body);
  const cookies = s.headers['set-cookie'] as string[];
  assert.ok(cookies.length >= 1 && cookies.every((c) => /;\s*Secure/i.test(c) && /HttpOnly/i.test(c) && /SameSite=Strict/i.test(c)), cookies.join(' | '));
  const h = await fetch(`${rig.daemon.url}/api/session`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  assert.equal(h.status, 200);
  assert.ok(h.headers.getSetCookie().every((c) => !/;\s*Secure/i.test(c)));
});

test('HTTP redirects to HTTPS unless kept open; the health probe always answers', async () => {
  const off = await rig.api('/api/settings/https', { method: 'PUT', body: JSON.stringify({ keepHttpOpen: false }) });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  const r = await fetch(`${rig.daemon.url}/api/devices?x=1`, { redirect: 'manual' });
  assert.equal(r.status, 308);
  assert.equal(r.headers.get('location'), `https://127.0.0.1:${rig.daemon.httpsPort}/api/devices?x=1`);
  assert.equal((await fetch(`${rig.daemon.url}/api/health`)).status, 200);
  // back to open, through HTTPS (HTTP now redirects)
  const login = await httpsGet('/api/session', certPem(), { method: 'POST', body: JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] }), headers: { 'content-type': 'application/json' } });
  const cookie = (login.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
  const on = await httpsGet('/api/settings/https', certPem(), { method: 'PUT', body: JSON.stringify({ keepHttpOpen: true }), headers: { 'content-type': 'application/json', cookie } });
  assert.equal(on.status, 200, on.body);
  assert.equal((await fetch(`${rig.daemon.url}/api/devices`, { redirect: 'manual' })).status, 401);
});

async function makeCert(opts: { subject: string; issuer?: { name: string; keys: webcrypto.CryptoKeyPair }; notBefore: Date; notAfter: Date; ca?: boolean }) {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a' + Math.floor(Math.random() * 1e9).toString(16), subject: opts.subject, issuer: opts.issuer?.name ?? opts.subject,
    notBefore: opts.notBefore, notAfter: opts.notAfter, signingAlgorithm: alg, publicKey: keys.publicKey, signingKey: (opts.issuer?.keys ?? keys).privateKey,
    extensions: [new x509.BasicConstraintsExtension(opts.ca ?? false, undefined, true), new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { certPem: cert.toString('pem'), keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`, keys, name: opts.subject };
}

test('an uploaded PEM pair is validated (key, dates, chain) and served at once', async () => {
  (x509.cryptoProvider.set as (c: unknown) => void).call(x509.cryptoProvider, webcrypto);
  const now = Date.now(), day = 86400_000;
  const valid = { notBefore: new Date(now - day), notAfter: new Date(now + 365 * day) };
  const ca = await makeCert({ subject: 'CN=Site CA', ...valid, ca: true });
  const leaf = await makeCert({ subject: 'CN=ews.site.example', issuer: { name: ca.name, keys: ca.keys }, ...valid });
  const other = await makeCert({ subject: 'CN=Other CA', ...valid, ca: true });
  const expired = await makeCert({ subject: 'CN=old', notBefore: new Date(now - 400 * day), notAfter: new Date(now - day) });
  const future = await makeCert({ subject: 'CN=future', notBefore: new Date(now + 30 * day), notAfter: new Date(now + 400 * day) });
  const put = (body: object) => rig.api<{ code?: string; fields?: Record<string, string[]>; certificate?: { subject: string; sha256: string } }>('/api/settings/https', { method: 'PUT', body: JSON.stringify(body) });

  const before = certPem();
  const refusals: Array<[string, object, string, string]> = [
    ['key of another certificate', { certificatePem: leaf.certPem, keyPem: other.keyPem }, 'key-mismatch', 'keyPem'],
    ['expired', { certificatePem: expired.certPem, keyPem: expired.keyPem }, 'expired', 'certificatePem'],
    ['not yet valid', { certificatePem: future.certPem, keyPem: future.keyPem }, 'not-yet-valid', 'certificatePem'],
    ['chain with the wrong CA', { certificatePem: leaf.certPem + '\n' + other.certPem, keyPem: leaf.keyPem }, 'bad-chain', 'certificatePem'],
    ['not a certificate', { certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', keyPem: leaf.keyPem }, 'invalid-certificate', 'certificatePem'],
    ['not a key', { certificatePem: leaf.certPem, keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, 'invalid-key', 'keyPem'],
  ];
  for (const [what, body, code, field] of refusals) {
    const r = await put(body);
    assert.equal(r.status, 400, what);
    assert.equal(r.body.code, code, what);
    assert.ok(r.body.fields?.[field]?.length, `${what}: message on ${field}`);
  }
  const half = await put({ certificatePem: leaf.certPem });
  assert.equal(half.status, 400);
  assert.ok(half.body.fields?.keyPem);
  assert.equal(certPem(), before, 'refusals change nothing');

  const ok = await put({ certificatePem: `${leaf.certPem}\n${ca.certPem}`, keyPem: leaf.keyPem });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.match(ok.body.certificate!.subject, /ews\.site\.example/);
  const served = await httpsGet('/api/health', ca.certPem);
  assert.equal(served.status, 200, 'the chain verifies against the site CA, without a restart');
  assert.equal(served.certFingerprint, new X509Certificate(leaf.certPem).fingerprint256);

  const regen = await put({ regenerate: true });
  assert.equal(regen.status, 200);
  const fresh = await generateSelfSigned({ dns: ['x'], ips: [] });
  assert.ok(fresh.certPem.includes('BEGIN CERTIFICATE'));
  assert.equal((await httpsGet('/api/health', certPem())).status, 200, 'the regenerated self-signed certificate is served');
});
