/**
 * Reports: alarms in a browser (NOTE-5): the demo's silent address raises a communication error
 * after the configured delay; a plain user (the "user" role has the right) sees it on the page,
 * filters by that device and by type, and reads the page in French. A simulated meter that
 * stops answering and answers again shows its communication error and its recovery, filtered by
 * that device.
 * Run the web build first: `cd web && npx tsup` (the root `pnpm test` does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, waitFor, e2eEnvironment, withPage, settled, ADMIN, USER } from './browser';

const env = e2eEnvironment('ews-e2e-alarms-', {});

interface Row { type: string; device: string; text: string }
const rows = (page: Page): Promise<Row[]> => page.$$eval('[data-testid=alarms-table] tbody tr', (els) => els.map((e) => ({
  type: e.getAttribute('data-type') ?? '', device: e.getAttribute('data-device') ?? '', text: (e.textContent ?? '').trim(),
})));

test('a silent device is on the Reports: alarms page after the delay, filterable by device and type', { timeout: 150_000 }, async () => {
  const admin = await (await env.browser.newContext()).newPage();
  await admin.goto(env.demo.url);
  await login(admin, ADMIN.pin, ADMIN.puk);
  const put = await admin.evaluate(async () => {
    const r = await fetch('/api/settings/alarms', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ communicationDelayS: 2, retentionDays: 365 }) });
    return r.status;
  });
  assert.equal(put, 200);
  const silent = await waitFor(
    () => admin.evaluate(async () => (await (await fetch('/api/devices')).json()) as Array<{ id: number; name: string; status: string; statusReason?: string }>),
    (d) => d.some((x) => x.status === 'error' && x.statusReason === 'timeout'), 45_000, 'the silent device in error',
  ).then((d) => d.find((x) => x.status === 'error' && x.statusReason === 'timeout')!);

  await withPage(env, { as: USER }, async ({ page }) => {
    await page.click('a[data-page=alarms]');
    await page.waitForSelector('#alarms-page');
    const shown = await waitFor(async () => { await page.click('[data-testid=alarms-refresh]'); await settled(page); return rows(page); },
      (r) => r.some((x) => x.type === 'communication-error' && x.device === String(silent.id)), 30_000, 'the communication error on the page');
    const line = shown.find((x) => x.type === 'communication-error' && x.device === String(silent.id))!;
    assert.ok(line.text.includes(silent.name), line.text);
    assert.match(line.text, /Communication error/);
    assert.ok(shown.some((x) => x.type === 'box-started'));

    // filter by the device: only its events
    await page.selectOption('select[name=deviceId]', String(silent.id));
    const mine = await waitFor(() => rows(page), (r) => r.length > 0 && r.every((x) => x.device === String(silent.id)), 10_000, 'the device filter');
    assert.ok(mine.some((x) => x.type === 'communication-error'));
    // and by a type it has not: nothing
    await page.selectOption('select[name=type]', 'fail-safe');
    await page.waitForSelector('[data-testid=alarms-empty]');
    await page.selectOption('select[name=type]', 'communication-error');
    await waitFor(() => rows(page), (r) => r.length > 0 && r.every((x) => x.type === 'communication-error' && x.device === String(silent.id)), 10_000, 'the type filter');

    // a meter of the Local bus falls silent, then answers again: both events, filtered by that device
    const lighting = await admin.evaluate(async () => ((await (await fetch('/api/devices')).json()) as Array<{ id: number; name: string; address: number; gatewayId: string }>)
      .find((d) => d.gatewayId === 'local' && d.address === 2)!);
    const localBus = env.demo.buses.Local;
    localBus.setFault(2, { kind: 'noReply' });
    await page.selectOption('select[name=type]', '');
    await page.selectOption('select[name=deviceId]', String(lighting.id));
    await waitFor(async () => { await page.click('[data-testid=alarms-refresh]'); await settled(page); return rows(page); },
      (r) => r.some((x) => x.type === 'communication-error'), 30_000, 'the meter\'s communication error');
    localBus.setFault(2, null);
    const both = await waitFor(async () => { await page.click('[data-testid=alarms-refresh]'); await settled(page); return rows(page); },
      (r) => r.some((x) => x.type === 'communication-restored'), 30_000, 'its recovery');
    assert.ok(both.every((x) => x.device === String(lighting.id)), JSON.stringify(both));
    const restoredRow = both.find((x) => x.type === 'communication-restored')!;
    assert.ok(restoredRow.text.includes(lighting.name) && /Communication restored/.test(restoredRow.text), restoredRow.text);
    // newest first: the recovery above the error
    assert.ok(both.findIndex((x) => x.type === 'communication-restored') < both.findIndex((x) => x.type === 'communication-error'));

    // French
    await page.evaluate(() => { localStorage.setItem('ews.lang', 'fr'); });
    await page.reload();
    await page.waitForSelector('#alarms-page');
    await waitFor(() => rows(page), (r) => r.some((x) => /Erreur de communication/.test(x.text)), 10_000, 'French labels');
  });
});
