/**
 * @module system/tls
 * SYS-7 HTTPS: the box's key and certificate in `<dataDir>/tls/` — an ECDSA P-256 key and a
 * self-signed certificate generated on first boot (the box's host name and addresses as SANs,
 * valid ten years: the box lives that long), replaceable by an uploaded PEM pair that is
 * validated first (the key matches the certificate, the dates hold now, each certificate of
 * the chain is signed by the next). Whether HTTP stays open or redirects to HTTPS is a setting
 * of the box (`https.json`), outside the store: a restore does not change it.
 * node:crypto makes keys but not certificates: @peculiar/x509 builds and parses them.
 */
import { createHash, createPrivateKey, createPublicKey, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import type { HttpsAnswer } from '@ews/shared';
import { DomainError } from '../util/errors';

/**
 * @peculiar/x509 is loaded on first use (first boot, an upload): it and its ASN.1 schemas weigh
 * ~3 MB of heap that a running box does not need.
 */
let x509Module: Promise<typeof X509> | undefined;
function x509Lib(): Promise<typeof X509> {
  // reflect-metadata first: the library's dependency injection (tsyringe) needs it
  return x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509')).then((x509) => {
    // node's WebCrypto (the library's Crypto type is the DOM's, absent from the daemon's types)
    (x509.cryptoProvider.set as (crypto: unknown) => void).call(x509.cryptoProvider, webcrypto);
    return x509;
  });
}

export class TlsError extends DomainError<'invalid-certificate' | 'invalid-key' | 'key-mismatch' | 'expired' | 'not-yet-valid' | 'bad-chain'> {
  constructor(code: TlsError['code'], message: string, readonly field: 'certificatePem' | 'keyPem') { super(code, message); }
}

export interface TlsPair { keyPem: string; certPem: string }

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365.25 * 86400_000;

/** The box's names and addresses for the certificate: host name, localhost, every interface address. */
export function boxNames(extra: string[] = []): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) ips.add(a.address.replace(/%.*$/, ''));
  for (const e of extra) (/^[\d.]+$|:/.test(e) ? ips : dns).add(e);
  return { dns: [...dns].filter((n) => /^[A-Za-z0-9.-]+$/.test(n)), ips: [...ips] };
}

/** A new ECDSA P-256 key and a self-signed certificate for `names`. */
export async function generateSelfSigned(names: { dns: string[]; ips: string[] }, nowMs = Date.now()): Promise<TlsPair> {
  const x509 = await x509Lib();
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${names.dns.find((n) => n !== 'localhost') ?? 'ews'}, O=EWS Energy Web Server`,
    notBefore: new Date(nowMs - 86400_000),
    notAfter: new Date(nowMs + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value }))]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, certPem: cert.toString('pem') + '\n' };
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Validates an uploaded pair: parses, the key matches the leaf, dates hold at `nowMs`, the chain links. */
export async function validatePair(pair: TlsPair, nowMs = Date.now()): Promise<void> {
  const pems = splitPem(pair.certPem);
  if (pems.length === 0) throw new TlsError('invalid-certificate', 'no PEM certificate found', 'certificatePem');
  const x509 = await x509Lib();
  let certs: X509.X509Certificate[];
  try { certs = pems.map((p) => new x509.X509Certificate(p)); } catch (err) { throw new TlsError('invalid-certificate', `the certificate cannot be read: ${(err as Error).message}`, 'certificatePem'); }
  let key;
  try { key = createPrivateKey(pair.keyPem); } catch (err) { throw new TlsError('invalid-key', `the private key cannot be read: ${(err as Error).message}`, 'keyPem'); }
  const leafSpki = Buffer.from(certs[0].publicKey.rawData);
  const keySpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!leafSpki.equals(keySpki)) throw new TlsError('key-mismatch', 'the private key does not belong to the certificate', 'keyPem');
  for (const [i, c] of certs.entries()) {
    const what = i === 0 ? 'the certificate' : `certificate ${i + 1} of the chain`;
    if (c.notAfter.getTime() < nowMs) throw new TlsError('expired', `${what} expired on ${c.notAfter.toISOString()}`, 'certificatePem');
    if (c.notBefore.getTime() > nowMs) throw new TlsError('not-yet-valid', `${what} is valid only from ${c.notBefore.toISOString()}`, 'certificatePem');
    const issuer = certs[i + 1];
    if (issuer) {
      if (c.issuer !== issuer.subject) throw new TlsError('bad-chain', `${what} was issued by "${c.issuer}", not by the next certificate ("${issuer.subject}")`, 'certificatePem');
      if (!(await c.verify({ publicKey: issuer.publicKey, signatureOnly: true }))) throw new TlsError('bad-chain', `the signature of ${what} does not verify with the next certificate`, 'certificatePem');
    }
  }
  try { createSecureContext({ key: pair.keyPem, cert: pair.certPem }); } catch (err) { throw new TlsError('invalid-certificate', `TLS refuses the pair: ${(err as Error).message}`, 'certificatePem'); }
}

export function describe(certPem: string): NonNullable<HttpsAnswer['certificate']> {
  const c = new NodeX509(splitPem(certPem)[0]);
  const sha256 = c.fingerprint256;
  return {
    subject: c.subject.replace(/\n/g, ', '), issuer: c.issuer.replace(/\n/g, ', '),
    notBefore: new Date(c.validFrom).toISOString(), notAfter: new Date(c.validTo).toISOString(),
    selfSigned: c.subject === c.issuer && c.verify(c.publicKey), altNames: (c.subjectAltName ?? '').split(', ').filter(Boolean), sha256,
  };
}

/** Base64 SHA-256 of the certificate's public key (Chromium's --ignore-certificate-errors-spki-list). */
export function spkiHash(certPem: string): string {
  const der = new NodeX509(splitPem(certPem)[0]).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export interface TlsSettings { keepHttpOpen: boolean }

/** The certificate files and the HTTP setting in `<dataDir>/tls/`. */
export class TlsStore {
  private readonly dir: string;
  constructor(dataDir: string, private readonly defaults: TlsSettings) { this.dir = join(dataDir, 'tls'); }

  private path(f: string) { return join(this.dir, f); }
  private writeAtomic(f: string, text: string, mode = 0o600) {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.path(`${f}.tmp`), text, { mode });
    renameSync(this.path(`${f}.tmp`), this.path(f));
  }

  /** The pair on disk, generated first if there is none (first boot). */
  async ensure(extraNames: string[] = []): Promise<TlsPair & { generated: boolean }> {
    if (existsSync(this.path('key.pem')) && existsSync(this.path('cert.pem'))) {
      return { keyPem: readFileSync(this.path('key.pem'), 'utf8'), certPem: readFileSync(this.path('cert.pem'), 'utf8'), generated: false };
    }
    const pair = await generateSelfSigned(boxNames(extraNames));
    this.save(pair);
    return { ...pair, generated: true };
  }

  save(pair: TlsPair): void {
    // the key first: a pair is only complete once cert.pem is renamed in
    this.writeAtomic('key.pem', pair.keyPem);
    this.writeAtomic('cert.pem', pair.certPem, 0o644);
  }

  settings(): TlsSettings {
    try { return { ...this.defaults, ...(JSON.parse(readFileSync(this.path('https.json'), 'utf8')) as Partial<TlsSettings>) }; } catch { return { ...this.defaults }; }
  }
  setSettings(s: TlsSettings): void { this.writeAtomic('https.json', JSON.stringify(s), 0o644); }
}

export interface HttpsInput { keepHttpOpen?: boolean; certificatePem?: string; keyPem?: string; regenerate?: true }

/**
 * HTTPS as the API sees it: the answer of `GET /api/settings/https`, and changes (a validated
 * PEM pair, a regenerated self-signed pair, HTTP kept open or redirected) applied at once to the
 * running HTTPS server (`apply`: a new secure context, no restart).
 */
export class HttpsService {
  private pair: TlsPair | undefined;
  constructor(private readonly store: TlsStore, private readonly o: {
    httpPort: () => number; httpsPort: () => number | null; apply: (pair: TlsPair) => void; now: () => number; extraNames: () => string[];
  }) {}

  get enabled(): boolean { return this.o.httpsPort() !== null; }
  /** The pair to serve, generated on first boot. */
  async start(): Promise<TlsPair> {
    const p = await this.store.ensure(this.o.extraNames());
    this.pair = { keyPem: p.keyPem, certPem: p.certPem };
    return this.pair;
  }
  keepHttpOpen(): boolean { return this.store.settings().keepHttpOpen; }

  view(): HttpsAnswer {
    return {
      enabled: this.enabled, port: this.o.httpsPort(), httpPort: this.o.httpPort(), keepHttpOpen: this.keepHttpOpen(),
      certificate: this.pair ? describe(this.pair.certPem) : null,
    };
  }

  async update(input: HttpsInput): Promise<HttpsAnswer> {
    let next: TlsPair | undefined;
    if (input.regenerate) next = await generateSelfSigned(boxNames(this.o.extraNames()), this.o.now());
    else if (input.certificatePem !== undefined && input.keyPem !== undefined) {
      next = { certPem: input.certificatePem.trim() + '\n', keyPem: input.keyPem.trim() + '\n' };
      await validatePair(next, this.o.now());
    }
    if (next) {
      this.store.save(next);
      this.pair = next;
      if (this.enabled) this.o.apply(next);
    }
    if (input.keepHttpOpen !== undefined) this.store.setSettings({ ...this.store.settings(), keepHttpOpen: input.keepHttpOpen });
    return this.view();
  }
}
