/**
 * Launches Debian's Chromium through playwright-core (no bundled browser download), plus small
 * polling helpers the browser tests share.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

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
