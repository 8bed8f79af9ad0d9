/**
 * SYS-3 in a browser: every page in every language. The SPA runs in its strict mode
 * (`localStorage['ews.i18n.strict'] = '1'`: a missing translation shows `⟦key⟧` instead of
 * English); each page must show no such marker, no raw message key, no unfilled `{placeholder}`,
 * and no text that overflows its box (an element whose content is wider than itself without
 * being a scroll container). The "Default language" setting opens the login page in it; the
 * picker's choice wins and is remembered.
 * The languages are checked side by side, a few tabs at a time (`EWS_E2E_I18N_TABS`, default 3),
 * in one browser on one demo; a page is inspected once it has settled (no request in flight,
 * nothing changed for a moment, nothing loading), not after a fixed time.
 * Run the web build first: `cd web && npx tsup` (the root `pnpm test` does).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Cookie, Page } from 'playwright-core';
import { LANGUAGES } from '@ews/shared';
import { en, type PartialDictionary } from '../src/i18n/en';
import { login, e2eEnvironment, trackActivity, settled } from './browser';

const env = e2eEnvironment('ews-e2e-i18n-', { backfillMonths: 1 });
const KEYS = Object.keys(en);
const TABS = Math.max(1, Number(process.env.EWS_E2E_I18N_TABS ?? 3) || 3);

/** Every page of the SPA an administrator reaches (ids filled in from the demo). */
function routes(deviceId: number, evDeviceId: number | undefined): string[] {
  return [
    '#/', '#/panel', `#/panel/${deviceId}`, '#/alarms', '#/change-codes',
    '#/consumption/total', '#/consumption/overall', '#/consumption/partials', '#/consumption/compare',
    `#/consumption/details/${deviceId}`, '#/consumption/tariffs', `#/consumption/tariff-details/${deviceId}`,
    '#/system', '#/system/gateways', '#/system/gateways/local', '#/system/gateways/new', '#/system/gateways/local/devices',
    `#/system/gateways/local/devices/${deviceId}`, '#/system/gateways/local/devices/new', '#/system/gateways/local/scan',
    '#/system/loads', '#/system/groups', '#/system/panelboards', '#/system/audit', '#/system/links',
    '#/system/costs', '#/system/costs/electricity', '#/system/costs/gas', '#/system/costs/water',
    '#/settings', '#/settings/network', '#/settings/modbus', '#/settings/time', '#/settings/csv', '#/settings/edition',
    '#/settings/integrations', '#/settings/email', '#/settings/users', '#/settings/info', '#/settings/backup', '#/settings/update', '#/settings/https',
    '#/reports', '#/reports/data', '#/reports/pdf', '#/consumption/details', '#/consumption/tariff-details',
    '#/settings/telegram', '#/settings/alerts', '#/settings/autoreports', '#/settings/kiosk',
    '#/greenup/live', '#/greenup/management', '#/greenup/details', '#/greenup/priorities', '#/greenup/settings', '#/greenup/decisions', '#/greenup/sessions',
    ...(evDeviceId !== undefined ? [`#/panel/${evDeviceId}`] : []),
  ];
}

interface Finding { route: string; what: string }

/** What is wrong with the page as shown: markers, raw keys, placeholders, overflowing text. */
async function inspect(page: Page, route: string): Promise<Finding[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const keySet = new Set((window as unknown as { __ewsKeys: string[] }).__ewsKeys);
    const texts: string[] = [document.body.innerText];
    for (const el of Array.from(document.querySelectorAll('[placeholder], [title], [aria-label], option'))) {
      for (const a of ['placeholder', 'title', 'aria-label']) { const v = el.getAttribute(a); if (v) texts.push(v); }
      if (el.tagName === 'OPTION') texts.push(el.textContent ?? '');
    }
    for (const text of texts) {
      for (const m of text.match(/⟦[^⟧]*⟧/g) ?? []) out.push(`untranslated ${m}`);
      for (const m of text.match(/\{[a-zA-Z]+\}/g) ?? []) out.push(`unfilled placeholder ${m} in "${text.slice(0, 80)}"`);
      for (const m of text.match(/\b[a-z][A-Za-z]*(?:\.[A-Za-z0-9-]+)+\b/g) ?? []) if (keySet.has(m)) out.push(`raw key ${m}`);
    }
    // Text wider than its box: a visible element whose content overflows it while it neither scrolls nor wraps it away.
    const boxes = document.querySelectorAll('button, a, label, th, td, h1, h2, h3, legend, summary, select, .tile, .tab, dt, dd, li, p, span.badge');
    for (const el of Array.from(boxes) as HTMLElement[]) {
      if (!el.offsetParent || el.clientWidth === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      if (el.closest('.scroll, [data-scroll], .uplot, canvas')) continue;
      if (el.scrollWidth > el.clientWidth + 2) out.push(`overflow ${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}: "${(el.innerText || '').slice(0, 60)}" ${el.scrollWidth} > ${el.clientWidth} px`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth} px`);
    return out;
  });
  return [...new Set(found)].map((what) => ({ route, what }));
}

/** "Loading…" in `lang` (its own dictionary, its parent's, English): a page showing it has not settled. */
async function loadingText(lang: string): Promise<string> {
  const own = lang === 'en' ? {} : ((await import(`../src/i18n/${lang}.ts`)) as { default: PartialDictionary }).default;
  const parent = lang.includes('-') ? ((await import(`../src/i18n/${lang.split('-')[0]}.ts`)) as { default: PartialDictionary }).default : {};
  return String(own['common.loading'] ?? parent['common.loading'] ?? en['common.loading']);
}

async function strictContext(lang: string): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(({ l, keys }: { l: string; keys: string[] }) => {
    localStorage.setItem('ews.i18n.strict', '1');
    if (!localStorage.getItem('ews.lang')) localStorage.setItem('ews.lang', l);
    (window as unknown as { __ewsKeys: string[] }).__ewsKeys = keys;
  }, { l: lang, keys: KEYS });
  await trackActivity(context);
  return context;
}

/**
 * The administrator's session cookies, logged in once through the login page (scrypt makes each
 * login take a while); each language's tab shows its login page, then resumes this session.
 */
let adminCookies: Promise<Cookie[]> | undefined;
function adminSession(): Promise<Cookie[]> {
  adminCookies ??= (async () => {
    const context = await env.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(env.demo.url);
      await login(page, '99999', '00000 9999 00000');
      return await context.cookies();
    } finally {
      await context.close();
    }
  })();
  return adminCookies;
}

let ids: { deviceId: number; evDeviceId: number | undefined } | undefined;
async function demoIds(page: Page): Promise<{ deviceId: number; evDeviceId: number | undefined }> {
  if (ids) return ids;
  const devices = await page.evaluate(async () => (await (await fetch('/api/devices')).json()) as Array<{ id: number; family: string; gatewayId: string }>);
  const local = devices.find((d) => d.gatewayId === 'local' && d.family === 'multifunction') ?? devices.find((d) => d.gatewayId === 'local') ?? devices[0]!;
  ids = { deviceId: local.id, evDeviceId: devices.find((d) => d.family === 'evStation')?.id };
  return ids;
}

test('the "Default language" setting opens the login page in it; the picker\'s choice wins and is remembered', { timeout: 60_000 }, async () => {
  const admin = await (await env.browser.newContext()).newPage();
  await admin.goto(env.demo.url);
  await login(admin, '99999', '00000 9999 00000');
  const csv = await admin.evaluate(async () => (await (await fetch('/api/settings/csv')).json()) as Record<string, unknown>);
  const { folderPasswordSet: _f, ...keep } = csv;
  const put = async (defaultLanguage: string) => admin.evaluate(async (body: string) => (await fetch('/api/settings/csv', { method: 'PUT', headers: { 'content-type': 'application/json' }, body })).status,
    JSON.stringify({ ...keep, defaultLanguage }));
  assert.equal(await put('de'), 200);
  try {
    const page = await (await env.browser.newContext()).newPage();
    await page.goto(env.demo.url);
    await page.waitForSelector('#login-pin');
    assert.equal(await page.textContent('#login-submit'), 'Anmelden');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await page.selectOption('#login-lang', 'pl');
    await page.waitForFunction(() => document.documentElement.lang === 'pl');
    assert.equal(await page.textContent('#login-submit'), 'Zaloguj się');
    await page.reload();
    await page.waitForSelector('#login-pin');
    assert.equal(await page.textContent('#login-submit'), 'Zaloguj się', 'the browser\'s choice is remembered over the default');
    await login(page, '99999', '00000 9999 00000');
    await page.selectOption('#home-lang', 'zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh');
    assert.equal(await page.evaluate(() => localStorage.getItem('ews.lang')), 'zh');
    await page.context().close();
  } finally {
    assert.equal(await put('en'), 200);
    await admin.context().close();
  }
});

describe(`every page in every language (${TABS} at a time)`, { concurrency: TABS }, () => {
  for (const lang of LANGUAGES) {
    test(`every page in ${lang}: no untranslated key, no raw key or placeholder, no overflowing text`, { timeout: 240_000 }, async () => {
      const busyTexts = [await loadingText(lang), '⏳'];
      const context = await strictContext(lang);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(env.demo.url);
      await page.waitForSelector('#login-pin');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const findings = await inspect(page, '#/login');
      await context.addCookies(await adminSession());
      await page.reload();
      await page.waitForSelector('#home-page');
      const { deviceId, evDeviceId } = await demoIds(page);
      for (const route of routes(deviceId, evDeviceId)) {
        await page.evaluate((r: string) => { location.hash = r; }, route);
        await settled(page, { hash: route, busyTexts });
        findings.push(...await inspect(page, route));
      }
      await context.close();
      assert.deepEqual(errors, [], 'no page error');
      assert.deepEqual(findings.map((f) => `${f.route}: ${f.what}`), [], `${lang}: ${findings.length} findings`);
    });
  }
});
