/**
 * Consumptions in a browser (CON-1…6): the demo installation with two months of history
 * generated through the daemon's store, the real daemon, Chromium. Grand total, the period
 * controls (◀, 10 years, day bars), datalogger.csv, full screen, Overall, Partials, Compare and
 * Details with the measure tables.
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { DeviceSummary, StatisticsResult } from '@ews/shared';
import { type Demo } from '../../scripts/demo/harness';
import { waitFor, e2eEnvironment, withPage } from './browser';

interface ChartState { bars: number; drawn: number; series: number; total: number; period: string; first: string; canvas: boolean }

/**
 * The figures a chart exposes (null while it is not there). No named function inside the
 * page callback: the test runner's transform would refer to a helper the page does not have.
 */
async function readChart(page: Page, testid: string): Promise<ChartState | null> {
  const a = await page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el ? { attrs: Object.fromEntries([...el.attributes].map((x) => [x.name, x.value])), canvas: !!el.querySelector('canvas') } : null;
  }, testid);
  if (!a) return null;
  const n = (k: string) => Number(a.attrs[k] ?? 'NaN');
  return {
    bars: n('data-bars'), drawn: n('data-drawn'), series: n('data-series'), total: n('data-total'),
    period: a.attrs['data-period'] ?? '', first: a.attrs['data-first'] ?? '', canvas: a.canvas,
  };
}

/** Waits until chart `testid` satisfies `accept`. */
async function chartUntil(page: Page, testid: string, accept: (c: ChartState) => boolean, what: string): Promise<ChartState> {
  return (await waitFor(() => readChart(page, testid), (c) => !!c && accept(c), 20_000, what))!;
}

const drawn = (page: Page, testid: string, what = testid) => chartUntil(page, testid, (c) => c.canvas && c.drawn > 0, `${what} drawn`);

function legendSums(page: Page, testid: string): Promise<Array<{ key: string; sum: number }>> {
  return page.$$eval(`[data-testid="${testid}"] [data-testid=legend-item]`, (els) => els.map((e) => ({
    key: e.getAttribute('data-key') ?? '', sum: Number(e.getAttribute('data-sum') || 'NaN'),
  })));
}

const env = e2eEnvironment('ews-e2e-cons-', { backfillMonths: 2 });

test('Consumptions: grand total, periods, CSV, full screen, overall, partials, compare, details', { timeout: 180_000 }, async () => {
  await withPage(env, { contextOptions: { viewport: { width: 1280, height: 900 } } }, async ({ context, page }) => {
    const devices = await (await context.request.get(`${env.demo.url}/api/devices`)).json() as DeviceSummary[];
    const byName = (name: string) => {
      const d = devices.find((x) => x.name === name);
      assert.ok(d, `device ${name}`);
      return d;
    };

    // The home tile opens the Grand total (loaded on demand with uPlot).
    await page.click('a[data-page=consumptions]');
    await page.waitForSelector('#consumption-page [data-testid=chart-total], #consumption-page [data-testid=cons-panel]');
    const today = await chartUntil(page, 'chart-total', (c) => c.canvas, 'the grand total chart');
    assert.equal(today.period, 'day');
    assert.ok(today.bars >= 23 && today.bars <= 25, `a day has 23 to 25 hourly bars (${today.bars})`);

    // ◀: yesterday, a whole recorded day.
    const titleToday = await page.textContent('[data-testid=period-title]');
    await page.click('[data-testid=period-prev]');
    const yesterday = await chartUntil(page, 'chart-total', (c) => c.first !== today.first && c.drawn > 0, 'the previous day drawn');
    assert.notEqual(await page.textContent('[data-testid=period-title]'), titleToday, 'the period title changed');
    assert.ok(yesterday.bars >= 23 && yesterday.bars <= 25);
    assert.equal(yesterday.drawn, yesterday.bars, 'every hour of yesterday is recorded');
    assert.ok(yesterday.series >= 2, 'stacked per load');
    const sums = await legendSums(page, 'chart-total');
    assert.ok(sums.length >= 2 && sums.some((s) => s.sum > 0), `legend sums per load: ${JSON.stringify(sums)}`);
    const total = Number(await page.getAttribute('[data-testid=chart-total] [data-testid=legend-total]', 'data-sum'));
    const added = sums.reduce((a, s) => a + (Number.isNaN(s.sum) ? 0 : s.sum), 0);
    assert.ok(total > 0 && Math.abs(total - added) < 0.01 * total, `the total is the sum of the loads (${total} vs ${added})`);
    assert.ok(await page.$('[data-testid=chart-total] [data-testid=legend-previous]'), 'the previous period is in the legend');

    // datalogger.csv of the period shown.
    const href = await page.getAttribute('[data-testid=csv-link]', 'href');
    assert.match(href ?? '', /^\/api\/consumption\.csv\?scope=total&period=day&date=\d{4}-\d{2}-\d{2}/);
    const csv = await context.request.get(`${env.demo.url}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    assert.match(csv.headers()['content-disposition'] ?? '', /datalogger\.csv/);
    assert.ok((await csv.text()).split('\n').length >= 24, 'a line per hour');

    // 10 years: one bar per year, this one (or last one) recorded.
    await page.click('[data-testid=period-decade]');
    const decade = await chartUntil(page, 'chart-total', (c) => c.period === 'decade' && c.drawn >= 1, 'the 10-year view');
    assert.equal(decade.bars, 10);

    // Full screen in and out (the Fullscreen API, or the fallback class).
    await page.click('[data-testid=fs-enter]');
    await waitFor(() => page.getAttribute('[data-testid=cons-panel]', 'data-fullscreen'), (m) => m === 'api' || m === 'css', 5000, 'full screen');
    const inFs = await page.evaluate(() => !!document.fullscreenElement || !!document.querySelector('.chart-panel.fs-fallback'));
    assert.ok(inFs, 'document.fullscreenElement set, or the fallback mode');
    assert.ok(await page.isVisible('[data-testid=fs-exit]'), 'the exit button is visible');
    await page.click('[data-testid=fs-exit]');
    await waitFor(() => page.getAttribute('[data-testid=cons-panel]', 'data-fullscreen'), (m) => m === 'off', 5000, 'full screen left');
    assert.equal(await page.evaluate(() => !!document.fullscreenElement || !!document.querySelector('.fs-fallback')), false);
    await page.click('[data-testid=period-day]');
    await chartUntil(page, 'chart-total', (c) => c.period === 'day' && c.drawn > 0, 'back to the day');

    // Overall: electricity, gas and water, this period and the previous one.
    await page.click('[data-testid=cons-tab-overall]');
    const rows = await waitFor(
      () => page.$$eval('[data-testid=overall-row]', (els) => els.map((e) => [e.getAttribute('data-energy'), Number(e.getAttribute('data-current') || 'NaN')] as const)),
      (r) => r.length === 3, 20_000, 'the overall table',
    );
    assert.deepEqual(rows.map((r) => r[0]), ['electricity', 'gas', 'water']);
    assert.ok(rows.every((r) => r[1] > 0), `every energy consumed yesterday: ${JSON.stringify(rows)}`);
    assert.ok(await page.$('[data-testid=overall-pie]'), 'the pie');

    // Partials: all groups side by side, then one group; then one load.
    await page.click('[data-testid=cons-tab-partials]');
    const allGroups = await drawn(page, 'chart-partials', 'all groups');
    assert.equal(allGroups.series, 3, 'Building A, Building B, Car park');
    await page.selectOption('[data-testid=partials-group]', 'group-1');
    await chartUntil(page, 'chart-partials', (c) => c.series === 1 && c.drawn > 0, 'one group');
    await page.click('[data-testid=partials-kind-load]');
    await page.selectOption('[data-testid=partials-load]', 'heating');
    await chartUntil(page, 'chart-partials', (c) => c.series === 1 && c.drawn > 0, 'one load');

    // Compare: two meters, Total then Details; an electricity meter and the water counter do not compare.
    await page.click('[data-testid=cons-tab-compare]');
    const main = byName('Main meter');
    const mainB = byName('Building B main');
    await page.waitForSelector('[data-testid=compare-a]');
    await page.selectOption('[data-testid=compare-a]', String(main.id));
    await page.selectOption('[data-testid=compare-b]', String(mainB.id));
    const totals = await waitFor(
      () => page.$$eval('[data-testid=compare-row]', (els) => els.map((e) => [Number(e.getAttribute('data-device')), Number(e.getAttribute('data-sum') || 'NaN')])),
      (r) => r.length === 2 && r.every((x) => x[1] > 0), 20_000, 'the two totals',
    );
    assert.deepEqual(totals.map((x) => x[0]), [main.id, mainB.id]);
    await page.click('[data-testid=compare-mode-details]');
    const both = await drawn(page, 'chart-compare', 'the compared series');
    assert.equal(both.series, 2);
    assert.equal(both.drawn, both.bars);
    await page.selectOption('[data-testid=compare-b]', String(byName('Water').id));
    await page.waitForSelector('[data-testid=compare-kinds]');

    // Details of the main meter: its histogram and its measure tables.
    await page.click('[data-testid=cons-tab-details]');
    await page.click(`[data-testid=details-device][data-id="${main.id}"]`);
    assert.match(page.url(), new RegExp(`#/consumption/details/${main.id}$`));
    const details = await drawn(page, 'chart-details', 'the main meter histogram');
    assert.equal(details.series, 1);
    await waitFor(
      () => page.$$eval('[data-testid=details-measures] td[data-key]', (els) => els.filter((e) => e.getAttribute('data-value')).length),
      (n) => n > 10, 20_000, 'the measure tables',
    );
    assert.ok(await page.$('[data-testid=details-measures] section[data-group=voltage]'), 'voltages');
    // Its statistics: avg/min/max of the day, drawn, and the same figures as the API's
    await page.click('[data-testid=period-day]');
    const statsOf = async (period: string, quantity?: string) => {
      const day = await page.inputValue('[data-testid=period-date]');
      const r = await (await context.request.get(`${env.demo.url}/api/statistics?deviceId=${main.id}&period=${period}&date=${day}${quantity ? `&quantity=${quantity}` : ''}`)).json() as StatisticsResult;
      assert.ok(r.x.length > 0, `statistics of the main meter (${period})`);
      let w = 0, sum = 0;
      r.avg.forEach((a, i) => { w += r.rateMin[i]; sum += a * r.rateMin[i]; });
      return { r, avg: Math.round((sum / w) * 1000) / 1000, min: Math.min(...r.min), max: Math.max(...r.max) };
    };
    const statsChart = (accept: (a: Record<string, string>) => boolean, what: string) => waitFor(() => page.evaluate((): Record<string, string> | null => {
      const el = document.querySelector('[data-testid=stats-chart]');
      return el ? { ...Object.fromEntries([...el.attributes].map((x) => [x.name, x.value])), canvas: String(!!el.querySelector('canvas')) } : null;
    }), (a) => !!a && a.canvas === 'true' && accept(a), 20_000, what);
    const power = await statsOf('day');
    let shown = (await statsChart((a) => a['data-quantity'] === power.r.quantity?.key && Number(a['data-points']) === power.r.x.length, 'the day statistics'))!;
    assert.equal(power.r.quantity?.unit, 'W');
    assert.deepEqual([Number(shown['data-avg']), Number(shown['data-min']), Number(shown['data-max'])], [power.avg, power.min, power.max]);
    assert.ok(power.min <= power.avg && power.avg <= power.max);
    await page.selectOption('[data-testid=stats-quantity]', 'voltageL1V');
    const volts = await statsOf('day', 'voltageL1V');
    shown = (await statsChart((a) => a['data-quantity'] === 'voltageL1V', 'the voltage statistics'))!;
    assert.deepEqual([Number(shown['data-avg']), Number(shown['data-min']), Number(shown['data-max'])], [volts.avg, volts.min, volts.max]);
    assert.ok(volts.avg > 200 && volts.avg < 260, `a mains voltage: ${volts.avg}`);
    await page.click('[data-testid=period-month]');
    const month = await statsOf('month', 'voltageL1V');
    shown = (await statsChart((a) => a['data-resolution'] === 'hour' && Number(a['data-points']) === month.r.x.length, 'the month statistics, hourly'))!;
    assert.ok(month.r.x.length > 24, 'more than a day of hours in the month');
    assert.deepEqual([Number(shown['data-min']), Number(shown['data-max'])], [month.min, month.max]);
    // Browse by group: Car park has the EV charger and the Green'Up car park (its meter and stations), not the main meter.
    await page.selectOption('[data-testid=details-browse]', 'group:group-3');
    const inGroup = await waitFor(
      () => page.$$eval('[data-testid=details-device]', (els) => els.map((e) => Number(e.getAttribute('data-id')))),
      (ids) => ids.includes(byName('EV charger').id) && !ids.includes(main.id), 20_000, 'the Car park devices',
    );
    assert.ok(!inGroup.includes(main.id), 'the main meter is not in Car park');
  });
});
