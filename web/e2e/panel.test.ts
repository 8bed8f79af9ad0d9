/**
 * The whole chain in a browser (AUTH-4, DEV-1, DEV-2): the simulated installation and the real
 * daemon (scripts/demo/harness.ts) serving the built SPA, driven by Chromium.
 * Run the web build first: `cd web && npx tsup` (the root `pnpm test` does).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Demo } from '../../scripts/demo/harness';
import { login, waitFor, e2eEnvironment, withPage, ADMIN } from './browser';

const { pin: PIN, puk: PUK } = ADMIN;

interface DeviceRow { id: string; status: string; family: string; reason: string; text: string }

function deviceRows(page: Page): Promise<DeviceRow[]> {
  return page.$$eval('#device-list [data-device-id]', (els) => els.map((e) => ({
    id: e.getAttribute('data-device-id') ?? '',
    status: e.getAttribute('data-status') ?? '',
    family: e.getAttribute('data-family') ?? '',
    reason: e.getAttribute('data-reason') ?? '',
    text: (e.querySelector('.device-status')?.textContent ?? '').trim(),
  })));
}

/**
 * Shown values of a quantity, found by its key (`data-key`) or by its row label (the catalogue
 * calls active energy import "Active energy +", as the vendor manual does).
 */
function shownValues(page: Page, key: string, label: RegExp): Promise<string[]> {
  return page.$$eval('#measure-tables tr', (rows, [k, src]) => {
    const re = new RegExp(src!, 'i');
    return rows
      .flatMap((r) => [...r.querySelectorAll('td[data-key]')]
        .filter((td) => td.getAttribute('data-key') === k || re.test(r.querySelector('th')?.textContent ?? '')))
      .map((td) => td.getAttribute('data-value') ?? '')
      .filter((v) => v !== '');
  }, [key, label.source]);
}

const env = e2eEnvironment('ews-e2e-', {});

test('login with PIN and PUK, panel board, live measures, logout', { timeout: 150_000 }, async () => {
  await withPage(env, { as: null }, async ({ page }) => {
    // AUTH-4: a fresh browser gives the PIN, is asked the PUK, then lands on the home page.
    assert.equal(await login(page, PIN, PUK), 'puk', 'a new browser must be asked the PUK');
    // the banner follows the session's state, which the home page loads after landing
    await page.waitForSelector('#default-codes-warning', { timeout: 10_000 })
      .catch(() => assert.fail('warning while the default codes are in use'));
    const tile = await page.$('a[data-page=myPanelBoard]');
    assert.ok(tile, 'My panel board tile');

    // DEV-1: the device list, with the silent device in communication error (timeout).
    await tile.click();
    await page.waitForSelector('#panel-page');
    const rows = await waitFor(() => deviceRows(page), (r) => r.length >= 10, 30_000, 'at least 10 devices');
    assert.ok(rows.length >= 10);
    const settled = await waitFor(
      () => deviceRows(page),
      (r) => r.some((d) => d.status === 'error') && r.filter((d) => d.status === 'error').every((d) => d.reason === 'timeout'),
      45_000, 'the silent device in error with reason timeout',
    );
    for (const d of settled.filter((x) => x.status === 'error')) {
      assert.match(d.text, /Communication error: timeout/, `device ${d.id} shows its reason`);
    }

    // DEV-2: the main meter's Measure page.
    const main = settled.find((d) => d.family === 'multifunction');
    assert.ok(main, 'a multifunction meter is listed');
    await page.click(`#device-list [data-device-id="${main.id}"]`);
    await page.waitForSelector('#measure-page');
    assert.match(page.url(), new RegExp(`#/panel/${main.id}$`));
    await waitFor(() => shownValues(page, 'activeEnergyImportWh', /^active energy (import|\+)/), (v) => v.length > 0, 15_000, 'an Active energy import value');
    const power = () => page.$$eval('section[data-group=power] td[data-value]', (els) => els.map((e) => e.getAttribute('data-value')).join('|'));
    const first = await waitFor(power, (p) => p.replace(/\|/g, '') !== '', 10_000, 'power values');
    // the page reads again every 2 s: the reading time moves on
    const readAt = () => page.$eval('#measure-at', (e) => e.getAttribute('data-at') ?? '');
    const at0 = await waitFor(readAt, (a) => a !== '', 10_000, 'the reading time');
    await waitFor(readAt, (a) => a !== '' && a !== at0, 10_000, 'a newer reading');
    // and the values follow the meter; the simulated loads are smooth at 10 W resolution and can
    // stay flat for over 12 s (seen in CI), so give them longer
    await waitFor(power, (p) => p !== first && p.replace(/\|/g, '') !== '', 45_000, 'the power value to change');

    // AUTH-4: logout; this browser is known now, so the PIN alone logs in again.
    await page.click('.bar-back');
    await page.waitForSelector('#panel-page');
    await page.click('.bar-back');
    await page.waitForSelector('#home-page');
    await page.click('#logout');
    await page.waitForSelector('#login-pin');
    assert.equal(await page.$('#login-puk'), null, 'the login page asks only the PIN');
    assert.equal(await login(page, PIN), 'home', 'no PUK needed after a logout');
  });
});
