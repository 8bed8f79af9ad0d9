/**
 * The box over HTTPS in a browser (SYS-7, AUTH-5, SYS-5, SYS-6): the demo's daemon generates its
 * certificate on first boot; Chromium is told to trust that certificate's key (its SPKI hash)
 * and nothing else. HTTP redirects to HTTPS, the page is a secure context (Wake Lock, BEY-1),
 * the login cookie is Secure, the System information page shows every SYS-5 field, and the
 * Backup page writes database.zip and refuses a damaged file with its reason.
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startDemo, type Demo } from '../../scripts/demo/harness';
import { CHROMIUM_PATH, login } from './browser';

let demo: Demo;
let browser: Browser;
let dataDir = '';

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ews-e2e-https-'));
  demo = await startDemo({ dataDir, simRtuPort: 0, simGatewayPort: 0, httpsPort: 0, backfillMonths: 1 });
  const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', `--ignore-certificate-errors-spki-list=${spki}`],
  });
});
after(async () => {
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('over HTTPS with the generated certificate: Secure cookie, every SYS-5 field, a backup, a refused restore', { timeout: 120_000 }, async () => {
  assert.ok(demo.httpsUrl);
  const context = await browser.newContext();
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  // HTTP redirects to HTTPS
  const res = await page.goto(`${demo.url}/`);
  assert.ok(page.url().startsWith(`${demo.httpsUrl}/`), `redirected to HTTPS: ${page.url()}`);
  assert.equal(res?.status(), 200);
  assert.equal(await page.evaluate(() => window.isSecureContext), true, 'a secure context (Wake Lock)');
  await login(page, '99999', '00000 9999 00000');
  const session = (await context.cookies()).find((c) => c.name === 'ews_session');
  assert.ok(session, 'the session cookie');
  assert.equal(session.secure, true, 'the login cookie is Secure');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');

  await page.goto(`${demo.httpsUrl}/#/settings`);
  await page.click('[data-testid=menu-info]');
  await page.waitForSelector('#system-info-page [data-testid=info-version]');
  const text = async (id: string) => (await page.textContent(`[data-testid=info-${id}] td`))?.trim() ?? '';
  assert.match(await text('version'), /^\d+\.\d+\.\d+ \(PM1WS/);
  for (const id of ['booted', 'started']) assert.match(await text(id), /\d/, `${id}: a date`);
  assert.match(await text('cpu'), /%|—/);
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-testid=info-cpu] td')?.textContent ?? ''), undefined, { timeout: 10_000 });
  assert.match(await text('memory'), /MB|GB/);
  assert.match(await text('database'), /(KB|MB|GB) · [\d.]+ %/);
  assert.match(await text('storage'), /free of/);
  assert.match(await text('autobackup'), /never|OK|Error/i);
  assert.match(await text('health'), /Good|advised/);
  assert.match(await text('https'), new RegExp(`port ${new URL(demo.httpsUrl).port}.*self-signed`));
  const buses = await page.$$eval('[data-testid=info-buses] tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.ok(buses.length >= 2, `a row per gateway: ${buses.join(' | ')}`);
  assert.ok(buses.some((b) => /Local/.test(b)));
  assert.ok(await page.isVisible('[data-testid=optimize]'));

  // Backup, then a damaged file refused with its reason
  await page.goto(`${demo.httpsUrl}/#/settings/backup`);
  await page.click('[data-testid=backup]');
  await page.waitForSelector('[data-testid=backup-list] a[href*="database.zip"]', { timeout: 30_000 });
  await page.setInputFiles('[data-testid=restore-file]', { name: 'database.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 this is not really a zip') });
  page.once('dialog', (d) => void d.accept());
  await page.click('[data-testid=restore]');
  await page.waitForFunction(() => /damaged/.test(document.querySelector('#backup-page')?.textContent ?? ''), undefined, { timeout: 10_000 });
  assert.deepEqual(failures.filter((f) => !/favicon/.test(f)), []);
  await context.close();
});
