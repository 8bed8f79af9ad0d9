/**
 * Small things found on the way (issue 16): "Test" on a device before saving it, the model's
 * whole name (the select cut it to "(RS4"), the Users page's page checkboxes in line with their
 * labels, and the gateway of each device on My panel board with "All gateways".
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceDetail, DeviceSummary } from '@ews/shared';
import { waitFor, e2eEnvironment, withPage } from './browser';

const env = e2eEnvironment('ews-e2e-small-');

test('Test before saving, whole model names, aligned checkboxes, gateways with All gateways', { timeout: 150_000 }, async () => {
  await withPage(env, { contextOptions: { viewport: { width: 1280, height: 900 } } }, async ({ context, page }) => {
    const devices = await (await context.request.get(`${env.demo.url}/api/devices`)).json() as DeviceSummary[];
    const main = devices.find((d) => d.name === 'Main meter')!;
    const detail = await (await context.request.get(`${env.demo.url}/api/devices/${main.id}`)).json() as DeviceDetail;

    // A new device described like the Main meter: Test reads it before anything is saved.
    await page.goto(`${env.demo.url}/#/system/gateways/${encodeURIComponent(detail.gatewayId)}/devices/new`);
    await page.waitForSelector('[data-testid=device-form]');
    await page.selectOption('[data-testid=device-family]', detail.family);
    await page.selectOption('[data-testid=device-model]', detail.model);
    await page.fill('[data-testid=device-address]', String(detail.address));
    // The whole name of the model, wrapped under the select, not cut.
    const label = await page.$eval('[data-testid=device-model-label]', (e) => ({ text: e.textContent ?? '', cut: e.scrollWidth > e.clientWidth + 1 }));
    assert.equal(label.text, main.modelLabel);
    assert.equal(label.cut, false, 'the model name is not cut');
    await page.click('[data-testid=device-test]');
    const result = await page.waitForSelector('[data-testid=device-test-result]', { timeout: 15_000 });
    assert.equal(await result.getAttribute('data-ok'), 'true', `probe: ${await result.textContent()}`);
    assert.ok((await page.$$('[data-testid=device-test-result] td[data-key]')).length > 5, 'the values read');
    // An address nobody answers: the reason, still nothing saved.
    await page.fill('[data-testid=device-address]', '199');
    await page.click('[data-testid=device-test]');
    await waitFor(() => page.getAttribute('[data-testid=device-test-result]', 'data-ok').catch(() => null), (v) => v === 'false', 15_000, 'the failed probe');
    const after = await (await context.request.get(`${env.demo.url}/api/devices`)).json() as DeviceSummary[];
    assert.equal(after.length, devices.length, 'nothing saved by Test');

    // Users page: each page checkbox on the line of its label, all boxes of a column in line.
    await page.goto(`${env.demo.url}/#/settings/users`);
    await page.click('[data-testid=user-item]');
    await page.waitForSelector('[data-testid=user-form] fieldset[data-field=pages] .check');
    const boxes = await page.$$eval('[data-testid=user-form] fieldset[data-field=pages] .check', (els) => els.map((el) => {
      const i = el.querySelector('input')!.getBoundingClientRect();
      const s = el.querySelector('span')!.getBoundingClientRect();
      return { inputLeft: Math.round(i.left), inputTop: i.top, inputBottom: i.bottom, spanLeft: s.left, spanTop: s.top, spanBottom: s.bottom, inputRight: i.right };
    }));
    assert.ok(boxes.length >= 4, 'the page checkboxes');
    for (const b of boxes) {
      assert.ok(b.spanLeft > b.inputRight, 'the label right of its box');
      assert.ok(b.inputTop < b.spanBottom && b.inputBottom > b.spanTop, `the box on its label's line: ${JSON.stringify(b)}`);
    }
    const columns = new Set(boxes.map((b) => b.inputLeft));
    assert.ok(columns.size <= Math.ceil(boxes.length / 2), `the boxes in columns: ${[...columns].join(', ')}`);

    // My panel board, All gateways: each device says its gateway (two gateways may both have an address 5).
    const gateways = await (await context.request.get(`${env.demo.url}/api/gateways`)).json() as Array<{ id: string; name: string }>;
    assert.ok(gateways.length > 1, 'the demo has several gateways');
    await page.goto(`${env.demo.url}/#/panel`);
    await page.waitForSelector('#device-list [data-device-id]');
    await page.selectOption('[data-testid=gateway-filter]', 'all');
    const shown = await waitFor(
      () => page.$$eval('#device-list [data-device-id]', (els) => els.map((e) => ({ gw: e.getAttribute('data-gateway'), name: e.querySelector('[data-testid=device-gateway]')?.textContent ?? null }))),
      (l) => l.length > 0 && l.every((x) => x.name !== null), 10_000, 'the gateway on every device',
    );
    for (const s of shown) assert.equal(s.name, gateways.find((g) => g.id === s.gw)?.name);
    const one = gateways[0];
    await page.selectOption('[data-testid=gateway-filter]', one.id);
    await waitFor(() => page.$$('#device-list [data-testid=device-gateway]').then((l) => l.length), (n) => n === 0, 10_000, 'no gateway name with one gateway');
  });
});
