/**
 * Consumptions on a phone (the smartphone guide; CON-1…6 at 390×844): every consumption view
 * fits the screen (the page never scrolls sideways; wide tables scroll inside their own box),
 * Details shows the chosen device's chart within the first screen, Grand total has its "Data"
 * table, Partials lists the loads filtered by measure group, and a configuration page says that
 * configuration needs a computer.
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DeviceSummary } from '@ews/shared';
import { CONSUMPTION_VIEWS } from '../src/state/router';
import { waitFor, e2eEnvironment, withPage, settled } from './browser';

const PHONE = { width: 390, height: 844 };
/** Other phone widths every consumption view is checked at. */
const WIDTHS = [360, 414];

interface Fit { scrollWidth: number; innerWidth: number; offenders: string[] }

/**
 * The page's scroll width and, when it is too wide, the elements that stick out (outside a
 * box that scrolls on its own). No named function inside the page callback.
 */
function fit(page: Page, screenWidth = PHONE.width): Promise<Fit> {
  // With a mobile viewport, the window grows to the content that overflows: compare with the screen's width.
  return page.evaluate((vw) => {
    const offenders: string[] = [];
    if (document.documentElement.scrollWidth > vw || window.innerWidth > vw) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= vw + 0.5) continue;
        let inScroller = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
        }
        if (inScroller) continue;
        offenders.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}[${el.getAttribute('data-testid') ?? ''}] right=${Math.round(r.right)}`);
        if (offenders.length >= 12) break;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders };
  }, screenWidth);
}

async function assertFits(page: Page, what: string): Promise<void> {
  const f = await fit(page);
  assert.equal(f.scrollWidth, PHONE.width, `${what}: the page is ${f.scrollWidth} px wide on a ${PHONE.width} px screen; sticking out: ${f.offenders.join(' | ')}`);
}

const env = e2eEnvironment('ews-e2e-phone-', { backfillMonths: 1 });

test('phone 390×844: every consumption view fits, Details shows the chart at once', { timeout: 180_000 }, async () => {
  await withPage(env, { contextOptions: { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true } }, async ({ context, page }) => {
    await assertFits(page, 'home');
    const devices = await (await context.request.get(`${env.demo.url}/api/devices`)).json() as DeviceSummary[];
    const main = devices.find((d) => d.name === 'Main meter');
    assert.ok(main, 'the demo has a Main meter');

    const tooWide: string[] = [];
    for (const view of CONSUMPTION_VIEWS) {
      await page.goto(`${env.demo.url}/#/consumption/${view}`);
      await page.waitForSelector(`#consumption-page .cons-view[data-view="${view}"]`);
      // Let the answers come and the charts or tables take their size.
      await waitFor(() => page.$$eval('.chart-pending', (els) => els.length), (n) => n === 0, 8000, `${view}: answers`).catch(() => 0);
      // The guide's phones: 360 to 414 px wide; 390 last, where the rest of the test runs.
      for (const width of [...WIDTHS, PHONE.width]) {
        await page.setViewportSize({ width, height: PHONE.height });
        await settled(page);
        const f = await fit(page, width);
        if (f.scrollWidth !== width || f.innerWidth !== width) tooWide.push(`${view} at ${width}: ${f.scrollWidth} px (window ${f.innerWidth}); sticking out: ${f.offenders.join(' | ')}`);
      }
    }
    assert.deepEqual(tooWide, [], 'every consumption view is as wide as the screen');

    // Grand total: the guide's "Data" table (values per bar, in Wh and currency), inside its own box.
    await page.goto(`${env.demo.url}/#/consumption/total`);
    await page.click('[data-testid=total-show-data]');
    await waitFor(() => page.$$eval('[data-testid=data-table] tbody tr', (els) => els.length), (n) => n >= 23, 20_000, 'the Data table');
    await assertFits(page, 'total with the Data table');

    // Partials: the loads, filtered by measure group; a load opens its histogram.
    await page.goto(`${env.demo.url}/#/consumption/partials`);
    const allLoads = await waitFor(() => page.$$eval('[data-testid=partials-load-item]', (els) => els.map((e) => e.getAttribute('data-id'))), (l) => l.length >= 3, 20_000, 'the loads list');
    await page.selectOption('[data-testid=partials-filter]', 'group-3');
    const carPark = await waitFor(
      () => page.$$eval('[data-testid=partials-load-item]', (els) => els.map((e) => e.getAttribute('data-id'))),
      (l) => l.length >= 1 && l.length < allLoads.length, 20_000, 'the loads of the Car park group',
    );
    assert.ok(carPark.includes('ev-charging'), `the Car park group has the EV charging load: ${carPark.join(', ')}`);
    await page.click('[data-testid=partials-load-item][data-id="ev-charging"]');
    await waitFor(() => page.$$eval('[data-testid=chart-partials][data-drawn]', (els) => Number(els[0]?.getAttribute('data-series') ?? 0)), (n) => n === 1, 20_000, 'the load chart');
    await assertFits(page, 'partials with a load chosen');

    // Details: a compact device chooser; once a device is chosen its chart is on the first screen.
    await page.goto(`${env.demo.url}/#/consumption/details`);
    await page.waitForSelector('[data-testid=details-pick]');
    await page.selectOption('[data-testid=details-pick]', String(main.id));
    await waitFor(() => Promise.resolve(page.url()), (u) => u.endsWith(`#/consumption/details/${main.id}`), 5000, 'the device route');
    const box = await waitFor(
      () => page.evaluate(() => {
        const c = document.querySelector('[data-testid=chart-details]');
        const r = c?.getBoundingClientRect();
        return r ? { top: r.top, bottom: r.bottom, drawn: Number(c!.getAttribute('data-drawn') ?? 0), scrollY: window.scrollY } : null;
      }),
      (b) => !!b && b.drawn > 0, 20_000, 'the Details chart',
    );
    assert.ok(box!.top >= 0 && box!.top < PHONE.height, `the chart starts on the first screen (top ${Math.round(box!.top)} px, scrolled ${box!.scrollY})`);
    await assertFits(page, 'details with a device');

    // Configuration on a phone: the guide's notice.
    await page.goto(`${env.demo.url}/#/system`);
    await page.waitForSelector('[data-testid=needs-computer]');
    await page.goto(`${env.demo.url}/#/settings`);
    await page.waitForSelector('[data-testid=needs-computer]');
  });
});
