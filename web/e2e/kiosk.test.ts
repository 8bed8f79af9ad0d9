/**
 * Wall-tablet kiosk (BEY-1) in a browser: an administrator creates a kiosk token on the Users
 * page, a fresh browser (no session) opens the kiosk URL, the charts rotate, and the kiosk
 * keeps drawing across a daemon restart without ever showing the login page; a reload keeps
 * the token; revoking it stops the kiosk with a message (no login prompt either).
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Demo } from '../../scripts/demo/harness';
import { login, waitFor, e2eEnvironment } from './browser';

const PIN = '99999';
const PUK = '00000 9999 00000';

interface KioskState { status: string; view: string; fetches: number; wake: string; drawn: number; login: boolean }

/** What the kiosk shows (plain attribute reads: no named function inside the page callback). */
async function kiosk(page: Page): Promise<KioskState | null> {
  const a = await page.evaluate(() => {
    const k = document.querySelector('[data-testid=kiosk]');
    const c = document.querySelector('[data-testid=kiosk] [data-drawn]');
    return {
      attrs: k ? Object.fromEntries([...k.attributes].map((x) => [x.name, x.value])) : null,
      drawn: c ? Number(c.getAttribute('data-drawn')) : -1,
      canvas: !!document.querySelector('[data-testid=kiosk] canvas'),
      login: !!document.querySelector('#login-pin, #login-page'),
    };
  });
  if (!a.attrs) return a.login ? { status: '', view: '', fetches: 0, wake: '', drawn: -1, login: true } : null;
  return {
    status: a.attrs['data-status'] ?? '', view: a.attrs['data-view'] ?? '', fetches: Number(a.attrs['data-fetches'] ?? 0),
    wake: a.attrs['data-wakelock'] ?? '', drawn: a.canvas ? a.drawn : -1, login: a.login,
  };
}

const env = e2eEnvironment('ews-e2e-kiosk-', { backfillMonths: 2 });

test('kiosk: token from the Users page, no login, survives a daemon restart, revocable', { timeout: 180_000 }, async () => {
  const admin = await env.browser.newContext();
  const tablet = await env.browser.newContext({ viewport: { width: 1024, height: 600 } });
  const errors: string[] = [];
  try {
    // An administrator creates the kiosk URL (shown once, with a copy button).
    const page = await admin.newPage();
    page.on('pageerror', (e) => errors.push(`admin: ${e.message}`));
    await page.goto(env.demo.url);
    await login(page, PIN, PUK);
    await page.goto(`${env.demo.url}/#/settings/users`);
    await page.waitForSelector('[data-testid=kiosk-tokens]');
    await page.fill('[data-testid=kiosk-name]', 'Entrance hall');
    await page.click('[data-testid=kiosk-create]');
    await page.waitForSelector('[data-testid=kiosk-created]');
    const url = await page.inputValue('[data-testid=kiosk-url]');
    assert.match(url, new RegExp(`^${env.demo.url.replace(/[.]/g, '\\.')}/#/kiosk\\?token=[\\w-]+$`));
    assert.ok(await page.$('[data-testid=kiosk-copy]'), 'a copy button');
    await waitFor(() => page.$$eval('[data-testid=kiosk-item]', (els) => els.map((e) => e.textContent ?? '')), (l) => l.some((x) => x.includes('Entrance hall')), 10_000, 'the token listed');

    // A fresh browser, no session: the kiosk URL shows charts, never the login page.
    const wall = await tablet.newPage();
    wall.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`));
    // 10 years first (always has recorded bars), then the month, rotating every 5 s.
    await wall.goto(`${url}&views=total-decade,total-month,overall&every=5`);
    const first = await waitFor(() => kiosk(wall), (k) => !!k && (k.login || (k.status === 'ok' && k.drawn > 0)), 20_000, 'the kiosk drawn');
    assert.equal(first!.login, false, 'no login page');
    assert.equal(first!.view, 'total-decade');
    assert.ok(['active', 'unsupported', 'refused', 'released'].includes(first!.wake), `wake lock state: ${first!.wake}`);
    const rotated = await waitFor(() => kiosk(wall), (k) => !!k && k.view !== 'total-decade' && k.fetches >= 2, 15_000, 'the next view');
    assert.equal(rotated!.login, false);
    assert.equal(await wall.evaluate(() => localStorage.getItem('ews.kioskToken')), new URL(url).hash.split('token=')[1], 'the token is remembered');

    // The daemon restarts: the kiosk keeps its charts, retries quietly, then draws new data.
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const k = await kiosk(wall).catch(() => null);
        if (k) seen.add(k.login ? 'login' : k.status);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await env.demo.restartDaemon();
    const restarted = (await kiosk(wall))!.fetches;
    const after = await waitFor(() => kiosk(wall), (k) => !!k && (k.login || (k.fetches > restarted && k.status === 'ok' && (k.view === 'overall' || k.drawn > 0))), 30_000, 'new data after the restart');
    watching = false;
    await watcher;
    assert.equal(after!.login, false, 'no login page after the restart');
    assert.ok(!seen.has('login') && !seen.has('unauthorized'), `states seen: ${[...seen].join(', ')}`);

    // A reload without the token in the address keeps working (localStorage).
    await wall.goto(`${env.demo.url}/#/kiosk?views=total-decade,total-year&every=5`);
    await waitFor(() => kiosk(wall), (k) => !!k && (k.login || (k.status === 'ok' && k.drawn > 0)), 20_000, 'the kiosk after a reload');
    assert.equal((await kiosk(wall))!.login, false);

    // Revoked: the kiosk says so at its next fetch, still without a login prompt.
    await page.click('[data-testid=kiosk-revoke]');
    await page.click('[data-testid=confirm-ok]');
    await page.waitForSelector('[data-testid=kiosk-none]');
    await waitFor(() => kiosk(wall), (k) => !!k && (k.login || k.status === 'unauthorized'), 15_000, 'the kiosk refused');
    assert.equal((await kiosk(wall))!.login, false);
    assert.ok(await wall.$('[data-testid=kiosk-denied]'));

    assert.deepEqual(errors, [], 'no uncaught errors in the pages');
  } finally {
    await admin.close();
    await tablet.close();
  }
});
