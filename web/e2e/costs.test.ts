/**
 * Bill of consumptions in a browser (COST-1…5): on the demo (two months of history, no tariffs),
 * a technician enters two electricity tariffs and two cost rules through the pages; history is
 * recomputed (progress, then done); the Tariffs Total pie and the Tariff details bars are drawn
 * from it, a tariff can be hidden, and the Grand total shows the same bill in currency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ConsumptionResult, DeviceSummary } from '@ews/shared';
import { waitFor, e2eEnvironment, withPage } from './browser';

const env = e2eEnvironment('ews-e2e-costs-', { backfillMonths: 2 });

const attrs = (page: Page, selector: string) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  return el ? Object.fromEntries([...el.attributes].map((x) => [x.name, x.value])) : null;
}, selector);

async function addTariff(page: Page, name: string, color: string, price: string): Promise<void> {
  await page.click('[data-testid=tariff-add]');
  await page.waitForSelector('[data-testid=tariff-dialog]');
  await page.fill('[data-testid=tariff-dialog] [data-testid=tariff-name]', name);
  await page.$eval('[data-testid=tariff-dialog] [data-testid=tariff-color]', (el, c) => {
    const input = el as HTMLInputElement;
    input.value = c;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, color);
  await page.fill('[data-testid=tariff-dialog] [data-testid=price]', price);
  await page.click('[data-testid=tariff-dialog] [data-testid=tariff-save]');
  await page.waitForSelector(`[data-testid=tariff-row][data-name="${name}"]`);
}

async function addRule(page: Page, tariffName: string, from: string, to: string): Promise<void> {
  await page.click('[data-testid=rule-add]');
  await page.waitForSelector('[data-testid=rule-dialog]');
  const value = await page.$eval('[data-testid=rule-dialog] [data-testid=rule-tariff]', (el, n) => [...(el as HTMLSelectElement).options].find((o) => o.text.includes(n))?.value ?? '', tariffName);
  assert.ok(value, `tariff ${tariffName} offered`);
  await page.selectOption('[data-testid=rule-dialog] [data-testid=rule-tariff]', value);
  await page.fill('[data-testid=rule-dialog] [data-testid=rule-time-from]', from);
  await page.fill('[data-testid=rule-dialog] [data-testid=rule-time-to]', to);
  const rows = (await page.$$('[data-testid=rule-row]')).length;
  await page.click('[data-testid=rule-dialog] [data-testid=rule-save]');
  await waitFor(async () => (await page.$$('[data-testid=rule-row]')).length, (n) => n === rows + 1, 10_000, `rule ${rows + 1} listed`);
}

test('tariffs and rules entered through the pages; the Tariffs pie and the per-tariff bars are drawn from the demo', { timeout: 240_000 }, async () => {
  await withPage(env, { contextOptions: { viewport: { width: 1280, height: 900 } } }, async ({ context, page }) => {
    // System configuration › Bill of consumptions, electricity
    await page.goto(`${env.demo.url}/#/system`);
    await page.click('[data-testid=menu-costs]');
    await page.waitForSelector('#costs-page [data-testid=costs-tab-electricity]');
    // the rules arrive after the tab: wait for them rather than racing their request
    await page.waitForSelector('[data-testid=rules-none]', { timeout: 10_000 });
    await addTariff(page, 'Peak', '#d62728', '0.27');
    await addTariff(page, 'Off-peak', '#1f77b4', '0.18');
    await addRule(page, 'Peak', '06:00', '21:59');
    // only 06:00–21:59 is covered: the nights of the coming week are listed
    const uncovered = await waitFor(() => page.textContent('[data-testid=rules-uncovered]').catch(() => null), (x) => !!x && /22:00/.test(x), 10_000, 'the uncovered nights');
    assert.match(uncovered!, /05:59/);
    await addRule(page, 'Off-peak', '22:00', '05:59');
    await waitFor(() => page.$('[data-testid=rules-uncovered]'), (x) => x === null, 10_000, 'everything covered');
    const rows = await page.$$eval('[data-testid=rule-row]', (els) => els.map((e) => e.getAttribute('data-active')));
    assert.equal(rows.filter((a) => a === 'true').length, 1, `one rule is marked active: ${JSON.stringify(rows)}`);
    // history is recomputed in the background: wait until it is done (the page shows progress meanwhile)
    await waitFor(async () => (await (await context.request.get(`${env.demo.url}/api/costs/status`)).json() as { recompute: unknown }).recompute, (r) => r === null, 60_000, 'the recomputation');

    // Consumptions › Tariffs: the pie of cost per tariff for the installation
    await page.goto(`${env.demo.url}/#/consumption/tariffs`);
    await page.click('[data-testid=period-month]');
    const pie = await waitFor(() => attrs(page, '[data-testid=tariff-pie]'), (a) => !!a && Number(a['data-slices']) === 2 && Number(a['data-total']) > 0, 30_000, 'the tariff pie drawn');
    const total = Number(pie!['data-total']);
    const legend = await page.$$eval('[data-testid=tariff-pie] [data-testid=legend-item]', (els) => els.map((e) => ({ key: e.getAttribute('data-key'), sum: Number(e.getAttribute('data-sum')) })));
    assert.equal(legend.length, 2);
    assert.ok(legend.every((l) => l.sum > 0), `both tariffs cost something this month: ${JSON.stringify(legend)}`);
    assert.ok(Math.abs(legend[0].sum + legend[1].sum - total) < 0.01, 'the slices add up to the total');
    // the same figures as the API's
    const today = await page.inputValue('[data-testid=period-date]');
    const api = await (await context.request.get(`${env.demo.url}/api/consumption?scope=type:electricity&period=month&date=${today}&costs=1`)).json() as ConsumptionResult;
    const apiTotal = api.costs!.flatMap((c) => c.values).reduce<number>((a, b) => a + (b ?? 0), 0);
    assert.ok(Math.abs(apiTotal - total) < 0.01, `pie ${total} vs API ${apiTotal}`);
    // a tariff toggled off leaves one slice
    await page.click('[data-testid=tariff-pie] [data-testid=legend-toggle] >> nth=1');
    await waitFor(() => attrs(page, '[data-testid=tariff-pie]'), (a) => !!a && Number(a['data-slices']) === 1, 10_000, 'one tariff hidden');
    await page.click('[data-testid=tariff-pie] [data-testid=legend-toggle] >> nth=1');
    await waitFor(() => attrs(page, '[data-testid=tariff-pie]'), (a) => !!a && Number(a['data-slices']) === 2, 10_000, 'shown again');

    // Tariff details: the main meter's bars stacked per tariff
    const devices = await (await context.request.get(`${env.demo.url}/api/devices`)).json() as DeviceSummary[];
    const main = devices.find((d) => d.name === 'Main meter')!;
    await page.goto(`${env.demo.url}/#/consumption/tariff-details`);
    await page.click(`[data-testid=tariff-device][data-id="${main.id}"]`);
    await page.click('[data-testid=period-month]');
    const bars = await waitFor(() => attrs(page, '[data-testid=tariff-bars]'), (a) => !!a && Number(a['data-drawn']) > 0 && a['data-unit'] === 'EUR', 30_000, 'the per-tariff bars drawn');
    assert.equal(Number(bars!['data-series']), 2, 'one series per tariff');
    assert.ok(await page.$('[data-testid=tariff-bars] canvas'), 'drawn on a canvas');

    // the Grand total in currency: bars stacked per tariff
    await page.goto(`${env.demo.url}/#/consumption/total`);
    await page.waitForSelector('[data-testid=unit-switch]');
    await page.click('[data-testid=unit-cost]');
    await waitFor(() => attrs(page, '[data-testid=chart-total]'), (a) => !!a && a['data-unit'] === 'EUR' && Number(a['data-drawn']) > 0, 30_000, 'the grand total in currency');
  });
});
