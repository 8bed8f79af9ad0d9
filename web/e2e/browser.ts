/**
 * Launches Debian's Chromium through playwright-core (no bundled browser download), plus small
 * polling helpers the browser tests share.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, type Demo, type DemoOptions } from '../../scripts/demo/harness';

const DIST_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));

/**
 * One demo (simulator + the built daemon on a fresh data folder, free ports) and one Chromium
 * for a test file: started in `before`, stopped in `after`. Read `env.demo` and `env.browser`
 * inside tests. `EWS_E2E_LOGS=1` shows the daemon's logs.
 */
export interface E2eEnvironment { readonly demo: Demo; readonly browser: Browser }

export function e2eEnvironment(prefix: string, opts: Omit<DemoOptions, 'dataDir'> = {}): E2eEnvironment {
  let browser: Browser | undefined;
  let demo: Demo | undefined;
  let dataDir = '';
  before(async () => {
    assert.ok(existsSync(DIST_INDEX), 'web/dist is missing: run the web build first (cd web && npx tsup)');
    dataDir = await mkdtemp(join(tmpdir(), prefix));
    demo = await startDemo({ simRtuPort: 0, simGatewayPort: 0, inheritLogs: process.env.EWS_E2E_LOGS === '1', ...opts, dataDir });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return {
    get demo() { if (!demo) throw new Error('the demo is not started'); return demo; },
    get browser() { if (!browser) throw new Error('the browser is not started'); return browser; },
  };
}

export const CHROMIUM_PATH = process.env.EWS_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** PIN and PUK of the demo's users (scripts/demo/seed.ts). */
export interface Codes { readonly pin: string; readonly puk: string }
export const ADMIN: Codes = { pin: '99999', puk: '00000 9999 00000' };
export const GREENUP: Codes = { pin: '88888', puk: '00000 8888 00000' };
export const USER: Codes = { pin: '11111', puk: '00000 1111 00000' };

export interface TestPage { readonly context: BrowserContext; readonly page: Page; readonly pageErrors: string[] }

/**
 * A new browser (context, with `contextOptions`) on the demo, its activity tracked for `settled`,
 * its uncaught page errors collected, logged in through the login page as `as` (default the administrator; `null`: left on the login
 * page). Runs `body`; then the page must have had no uncaught error. The context is closed whatever happens.
 */
export async function withPage(env: E2eEnvironment, opts: { as?: Codes | null; contextOptions?: BrowserContextOptions }, body: (p: TestPage) => Promise<void>): Promise<void> {
  const context = await env.browser.newContext(opts.contextOptions);
  try {
    await trackActivity(context);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(env.demo.url);
    const as = opts.as === undefined ? ADMIN : opts.as;
    if (as) await login(page, as.pin, as.puk);
    await body({ context, page, pageErrors });
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } finally {
    await context.close();
  }
}

/** Polls `read` until `accept` holds (or throws with the last value after `timeoutMs`). */
export async function waitFor<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Logs in through the login page; answers the PUK prompt when `puk` is given and it appears.
 * An administrator still on the default codes is led to "Change the default codes" (AUTH-5):
 * with `codesPage: 'later'` (the default) the helper chooses "Later" and lands on the home page;
 * with `'stay'` it stops there.
 */
export async function login(page: Page, pin: string, puk?: string, opts: { codesPage?: 'later' | 'stay' } = {}): Promise<'home' | 'puk'> {
  const landed = '#home-page, #change-codes-page';
  await page.waitForSelector('#login-pin');
  await page.fill('#login-pin', pin);
  await page.click('#login-submit');
  await page.waitForSelector(`${landed}, #login-puk`, { timeout: 10_000 });
  const first: 'home' | 'puk' = (await page.$('#login-puk')) && !(await page.$(landed)) ? 'puk' : 'home';
  if (first === 'puk') {
    if (puk === undefined) return first;
    await page.fill('#login-puk', puk);
    await page.click('#login-submit');
    await page.waitForSelector(landed, { timeout: 10_000 });
  }
  if ((await page.$('#change-codes-page')) && opts.codesPage !== 'stay') {
    await page.click('[data-testid=change-codes-later]');
    await page.waitForSelector('#home-page', { timeout: 10_000 });
  }
  return first;
}

/**
 * Makes the pages of `context` track their activity for `settled`: requests in flight (fetch, and
 * the reading of their bodies), and the time of the last request, answer, DOM change or route change.
 */
export async function trackActivity(context: BrowserContext): Promise<void> {
  // Plain script text: the test runner's transform would wrap named functions in a helper the page does not have.
  await context.addInitScript({ content: ACTIVITY_SCRIPT });
}

const ACTIVITY_SCRIPT = `(() => {
  const q = { inflight: 0, last: performance.now() };
  window.__ewsActivity = q;
  const bump = () => { q.last = performance.now(); };
  const counted = (p) => { q.inflight++; bump(); return p.finally(() => { q.inflight--; bump(); }); };
  const fetch0 = window.fetch.bind(window);
  window.fetch = (...a) => counted(fetch0(...a));
  for (const m of ['json', 'text', 'arrayBuffer', 'blob']) {
    const read = Response.prototype[m];
    Object.defineProperty(Response.prototype, m, { configurable: true, writable: true, value() { return counted(read.call(this)); } });
  }
  new MutationObserver(bump).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  window.addEventListener('hashchange', bump);
  window.addEventListener('resize', bump);
})();`;

/**
 * Waits until a page of a `trackActivity` context has settled: two frames drawn (resize observers
 * and the like have run), then at `hash` (when given), no request
 * in flight, nothing changed for `quietMs`, no lazy module still loading and none of `busyTexts`
 * shown. Throws after `timeoutMs` saying what was still going on.
 */
export async function settled(page: Page, opts: { hash?: string; quietMs?: number; timeoutMs?: number; busyTexts?: string[] } = {}): Promise<void> {
  const arg = { hash: opts.hash ?? null, quietMs: opts.quietMs ?? 120, busy: opts.busyTexts ?? [] };
  try {
    await page.evaluate(() => new Promise<void>((resolve) => { requestAnimationFrame(() => requestAnimationFrame(() => resolve())); }));
    await page.waitForFunction(({ hash, quietMs, busy }) => {
      const q = (window as unknown as { __ewsActivity?: { inflight: number; last: number } }).__ewsActivity;
      if (!q) throw new Error('settled() needs trackActivity(context)');
      if (hash !== null && location.hash !== hash) return false;
      if (q.inflight > 0 || performance.now() - q.last < quietMs) return false;
      if (document.querySelector('[data-testid=lazy-loading]')) return false;
      const text = document.body.innerText;
      return !busy.some((b) => text.includes(b));
    }, arg, { polling: 50, timeout: opts.timeoutMs ?? 15_000 });
  } catch (err) {
    const state = await page.evaluate(() => ({ hash: location.hash, activity: (window as unknown as { __ewsActivity?: unknown }).__ewsActivity, text: document.body.innerText.slice(0, 200) })).catch(() => null);
    throw new Error(`the page did not settle (${JSON.stringify(arg)}): ${JSON.stringify(state)}; ${err instanceof Error ? err.message : String(err)}`);
  }
}
