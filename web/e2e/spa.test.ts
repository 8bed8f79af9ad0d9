/**
 * Browser tests of the SPA alone, against the contract-shaped fake daemon: login answers,
 * panel list, measure tables, offline marks, language. The full chain (real daemon and
 * simulator) is panel.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, login, waitFor } from './browser';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon';

const DIST_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));

describe('SPA against a fake daemon', () => {
  let browser: Browser;
  before(async () => {
    assert.ok(existsSync(DIST_INDEX), 'web/dist is missing: run the web build first (cd web && npx tsup)');
    browser = await launchBrowser();
  });
  after(async () => { await browser?.close(); });

  async function open(): Promise<{ fake: FakeDaemon; page: Page; close(): Promise<void> }> {
    const fake = await startFakeDaemon();
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(fake.url);
    return {
      fake, page,
      async close() {
        await context.close();
        await fake.stop();
        assert.deepEqual(errors, [], 'no uncaught errors in the page');
      },
    };
  }

  test('wrong codes are refused, then the rate limit says how long to wait', async () => {
    const { page, close } = await open();
    try {
      await page.waitForSelector('#login-pin');
      await page.fill('#login-pin', '1234');
      await page.click('#login-submit');
      assert.match(await page.textContent('#login-error') ?? '', /5 digits/);
      const attempt = async () => {
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
        await page.click('#login-submit');
        return (await answered).status();
      };
      await page.fill('#login-pin', '12345');
      for (let i = 0; i < 3; i++) {
        assert.equal(await attempt(), 401);
        await waitFor(() => page.textContent('#login-error'), (s) => /Wrong code/.test(s ?? ''), 5000, 'Wrong code');
      }
      assert.equal(await attempt(), 429);
      const msg = await waitFor(() => page.textContent('#login-error'), (s) => /Wait \d+ s/.test(s ?? ''), 5000, 'wait message');
      assert.match(msg ?? '', /Too many attempts/);
      assert.equal(await page.isDisabled('#login-submit'), true);
      await waitFor(() => page.isDisabled('#login-submit'), (d) => !d, 6000, 'button enabled after the wait');
    } finally { await close(); }
  });

  test('PIN then PUK, panel board, measure tables, offline and recovery', async () => {
    const { fake, page, close } = await open();
    try {
      assert.equal(await login(page, '99999', '00000 9999 00000'), 'puk');
      assert.ok(await page.$('#default-codes-warning'));
      assert.ok(await page.$('a[data-page=myPanelBoard]'));
      assert.ok(await page.$('.tile.disabled[data-page=consumptions]'));
      assert.equal(await page.$('[data-page=greenUp]'), null, 'no tile for a page the user may not open');

      await page.click('a[data-page=myPanelBoard]');
      await page.waitForSelector('#device-list [data-device-id]');
      assert.equal((await page.$$('[data-device-id]')).length, 6);
      const err = await page.$$eval('[data-status=error]', (els) => els.map((e) => e.textContent ?? ''));
      assert.equal(err.length, 1);
      assert.match(err[0]!, /Communication error: timeout/);
      assert.match(await page.textContent('[data-device-id="6"]') ?? '', /Breaker: Tripped/);

      await page.selectOption('#gateway-filter', 'gw-2');
      await waitFor(() => page.$$eval('[data-device-id]', (els) => els.length), (n) => n === 2, 3000, 'filtered list');
      await page.selectOption('#gateway-filter', 'all');

      await page.click('[data-family=multifunction]');
      await page.waitForSelector('#measure-tables [data-key=activeEnergyImportWh]');
      assert.match(page.url(), /#\/panel\/1$/);
      assert.match(await page.textContent('[data-key=activeEnergyImportWh]') ?? '', /MWh/);
      const ranks = await page.$$eval('section[data-group=harmonics] tbody th', (els) => els.map((e) => e.textContent));
      assert.deepEqual(ranks, ['3', '5', '7', '9']);
      const harmHead = await page.$$eval('section[data-group=harmonics] thead tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      assert.deepEqual(harmHead, [['Rank', 'Voltage harmonic'], ['L1', 'L2', 'L3']]);
      const powerHead = await page.$$eval('section[data-group=power] thead th', (els) => els.map((e) => e.textContent));
      assert.deepEqual(powerHead, ['Quantity', 'L1', 'L2', 'L3', 'Total']);
      const power = () => page.$$eval('section[data-group=power] [data-value]', (els) => els.map((e) => e.getAttribute('data-value')).join());
      const p0 = await power();
      await waitFor(power, (p) => p !== p0, 8000, 'power to change');

      await page.click('[data-tab=voltage]');
      assert.deepEqual(await page.$$eval('section[data-group]', (els) => els.map((e) => e.getAttribute('data-group'))), ['voltage']);
      await page.click('[data-tab=all]');

      fake.setDown(true);
      await page.waitForSelector('#offline-mark', { timeout: 6000 });
      assert.ok(await page.$('#measure-tables.stale [data-key=activeEnergyImportWh]'), 'last values stay, greyed');
      assert.match(await page.textContent('#measure-at') ?? '', /Last values read at/);
      fake.setDown(false);
      await page.waitForSelector('#offline-mark', { state: 'detached', timeout: 6000 });
      assert.equal(await page.$('#measure-tables.stale'), null);

      fake.setDeviceError(1, 'crc');
      await page.waitForSelector('#measure-error', { timeout: 6000 });
      assert.match(await page.textContent('#measure-error') ?? '', /Communication error: CRC error/);
      assert.ok(await page.$('#measure-tables.stale [data-key=activeEnergyImportWh]'));
    } finally { await close(); }
  });

  test('logout keeps the browser known; lock forgets it', async () => {
    const { page, close } = await open();
    try {
      assert.equal(await login(page, '99999', '00000 9999 00000'), 'puk');
      await page.click('#logout');
      await page.waitForSelector('#login-pin');
      assert.equal(await page.$('#login-puk'), null);
      assert.equal(await login(page, '99999'), 'home');
      await page.click('#lock');
      await page.waitForSelector('#login-pin');
      assert.equal(await login(page, '99999'), 'puk');
    } finally { await close(); }
  });

  test('an unreachable daemon at load shows the offline mark until it answers again', async () => {
    const { fake, page, close } = await open();
    try {
      assert.equal(await login(page, '99999', '00000 9999 00000'), 'puk');
      fake.setDown(true);
      await page.reload();
      await page.waitForSelector('#login-page #offline-mark', { timeout: 6000 });
      fake.setDown(false);
      // The session survived: the page finds it by itself once the daemon answers.
      await page.waitForSelector('#home-page', { timeout: 8000 });
      assert.equal(await page.$('#offline-mark'), null);
    } finally { await close(); }
  });

  test('the language chosen on the login page is remembered', async () => {
    const { page, close } = await open();
    try {
      await page.click('[data-lang=fr]');
      await waitFor(() => page.textContent('#login-submit'), (s) => s === 'Se connecter', 3000, 'French');
      await page.reload();
      await page.waitForSelector('#login-pin');
      assert.equal(await page.textContent('#login-submit'), 'Se connecter');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    } finally { await close(); }
  });
});
