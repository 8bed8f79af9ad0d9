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

/** A text element of the kiosk that does not fit: its box, the screen, or a clipping parent. */
interface Cut { view: string; what: string }

/**
 * What a kiosk page shows now, and its text that does not fit: an element whose text is wider
 * than its box (scrollWidth > clientWidth), or that sticks out of the screen or out of a parent
 * that clips. Plain code inside the page callback (no named helpers).
 */
async function kioskFit(page: Page): Promise<{ view: string; status: string; ready: boolean; title: string; cut: Cut[] }> {
  return page.evaluate(() => {
    const k = document.querySelector('[data-testid=kiosk]');
    const view = k?.getAttribute('data-view') ?? '';
    const status = k?.getAttribute('data-status') ?? '';
    const overall = document.querySelectorAll('[data-testid=kiosk] [data-testid=overall-row]').length === 3;
    const chart = document.querySelector('[data-testid=kiosk] [data-drawn]');
    const unknown = !!document.querySelector('[data-testid=kiosk-unknown]');
    const ready = status === 'ok' && (unknown || (view.startsWith('overall') ? overall : !!chart && !!document.querySelector('[data-testid=kiosk] canvas')));
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const cut: Array<{ view: string; what: string }> = [];
    for (const el of document.querySelectorAll('[data-testid=kiosk] *')) {
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
      if (!hasText) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      if (cs.display !== 'inline' && el.scrollWidth > el.clientWidth + 1) cut.push({ view, what: `${name}: text ${el.scrollWidth} px in a ${el.clientWidth} px box` });
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) cut.push({ view, what: `${name}: off the screen (${Math.round(r.left)},${Math.round(r.top)})–(${Math.round(r.right)},${Math.round(r.bottom)})` });
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ps = getComputedStyle(p);
        if (ps.overflowX === 'visible' && ps.overflowY === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5 || r.top < pr.top - 0.5 || r.bottom > pr.bottom + 0.5) {
          cut.push({ view, what: `${name}: clipped by ${p.tagName.toLowerCase()}.${[...p.classList].join('.')}` });
          break;
        }
      }
    }
    return { view, status, ready, title: document.querySelector('[data-testid=kiosk-title]')?.textContent ?? '', cut };
  });
}

test('kiosk page: charts chosen by name build the link and its QR code; every view fits 1280×800 and 800×1280', { timeout: 240_000 }, async () => {
  const admin = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const sizes = [{ width: 1280, height: 800 }, { width: 800, height: 1280 }];
  const tablets = await Promise.all(sizes.map((viewport) => env.browser.newContext({ viewport })));
  const errors: string[] = [];
  try {
    const page = await admin.newPage();
    page.on('pageerror', (e) => errors.push(`admin: ${e.message}`));
    await page.goto(env.demo.url);
    await login(page, PIN, PUK);
    // From the settings menu to the kiosk page.
    await page.goto(`${env.demo.url}/#/settings`);
    await page.click('[data-testid=menu-kiosk]');
    await page.waitForSelector('#kiosk-setup-page [data-testid=kiosk-pick]');
    const devices = await (await admin.request.get(`${env.demo.url}/api/devices`)).json() as Array<{ id: number; name: string }>;
    const groups = await (await admin.request.get(`${env.demo.url}/api/groups`)).json() as Array<{ id: string; name: string }>;
    const main = devices.find((d) => d.name === 'Main meter')!;
    const carPark = groups.find((g) => g.name === 'Car park')!;
    assert.ok(main && carPark, 'the demo has a Main meter and a Car park group');

    // Every kind of view, chosen by the names the pages show (no id typed anywhere).
    const wanted: Array<[string, string]> = [
      ['Car park', 'month'], ['Grand total', 'day'], ['Overall', 'month'], ['Heating', 'year'], [`Main meter`, 'day'],
      ['Water: all devices', 'month'], ['Grand total', 'decade'], ['Overall', 'day'],
    ];
    const optionLabels = await page.$$eval('[data-testid=kiosk-pick] option', (els) => els.map((e) => e.textContent ?? ''));
    for (const [name, period] of wanted) {
      const label = optionLabels.find((l) => l === name || l.startsWith(`${name} (`));
      assert.ok(label, `"${name}" is offered by name: ${optionLabels.join(', ')}`);
      await page.selectOption('[data-testid=kiosk-pick]', { label });
      await page.selectOption('[data-testid=kiosk-pick-period]', period);
      await page.click('[data-testid=kiosk-add]');
    }
    // Order: the grand total first (moved up above Car park), the last Overall removed.
    await page.click('[data-testid=kiosk-chosen-item]:nth-child(2) [data-testid=kiosk-up]');
    await page.click('[data-testid=kiosk-chosen-item]:nth-child(8) [data-testid=kiosk-remove]');
    await page.fill('[data-testid=kiosk-every]', '5');
    await page.selectOption('[data-testid=kiosk-lang]', 'en');
    assert.ok(await page.$('[data-testid=kiosk-link-missing]'), 'no link without a token');
    await page.fill('[data-testid=kiosk-setup-name]', 'Entrance hall tablet');
    await page.click('[data-testid=kiosk-setup-create]');
    const link = await waitFor(() => page.$eval('[data-testid=kiosk-link]', (e) => (e as HTMLInputElement).value).catch(() => ''), (v) => v !== '', 10_000, 'the kiosk link');
    const views = ['total-day', `group:${carPark.id}-month`, 'overall-month', 'load:heating-year', `device:${main.id}-day`, 'type:water-month', 'total-decade'];
    assert.equal(new URL(link).hash.replace(/^#\/kiosk\?/, '').replace(/^token=[\w-]+&/, ''), `views=${views.join(',')}&every=5&lang=en`);
    const qr = await waitFor(() => page.$eval('[data-testid=kiosk-qr]', (e) => Number(e.getAttribute('data-size'))).catch(() => 0), (n) => n > 0, 10_000, 'the QR code');
    assert.ok(qr >= 25, `a QR code big enough for the link (${qr} modules)`);

    // Two wall tablets, landscape and portrait, open the link: every view fits, no text cut.
    const walls = await Promise.all(tablets.map(async (c, i) => {
      const wall = await c.newPage();
      wall.on('pageerror', (e) => errors.push(`tablet ${i}: ${e.message}`));
      await wall.goto(link);
      return wall;
    }));
    const seen = walls.map(() => new Map<string, { title: string; cut: Cut[] }>());
    await waitFor(async () => {
      for (const [i, wall] of walls.entries()) {
        const f = await kioskFit(wall);
        if (f.ready && !seen[i].has(f.view)) seen[i].set(f.view, { title: f.title, cut: f.cut });
      }
      return seen.map((s) => s.size);
    }, (n) => n.every((x) => x === views.length), 120_000, 'every view on both tablets');
    for (const [i, s] of seen.entries()) {
      const size = `${sizes[i].width}×${sizes[i].height}`;
      assert.deepEqual([...s.values()].flatMap((v) => v.cut.map((c) => `${c.view}: ${c.what}`)), [], `no cut text at ${size}`);
      for (const [view, v] of s) assert.doesNotMatch(v.title, /^(group|load|device|type):/, `${view} at ${size} is titled by name: "${v.title}"`);
    }

    // A link naming a scope this installation does not have says so (and rotates on).
    const wall = walls[0];
    await wall.goto(link.replace(/views=[^&]+/, 'views=group:999-day,total-day'));
    const unknown = await waitFor(() => wall.$eval('[data-testid=kiosk-unknown]', (e) => e.getAttribute('data-scope')).catch(() => null), (s) => s !== null, 15_000, 'the unknown scope message');
    assert.equal(unknown, 'group:999');
    await waitFor(() => kioskFit(wall), (f) => f.view === 'total-day' && f.ready, 15_000, 'the next view after the unknown one');

    assert.deepEqual(errors, [], 'no uncaught errors in the pages');
  } finally {
    await admin.close();
    await Promise.all(tablets.map((c) => c.close()));
  }
});
