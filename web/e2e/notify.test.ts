/**
 * Web server configuration → Alert settings, Automatic reports and Telegram in a browser
 * (NOTE-2…4): a threshold rule entered on the page (device, measure, value, delay, recipients,
 * Telegram) is what the API then holds; a bad recipient is shown on its field; a detailed report
 * without devices is refused on its field, then saved with "Select all" and listed with its next
 * moment; a bad Telegram token is shown on its field and never echoed.
 * Run the web build first: `cd web && npx tsup` (the root `pnpm test` does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRule, AutoReport, DeviceSummary } from '@ews/shared';
import { waitFor, e2eEnvironment, withPage } from './browser';

const env = e2eEnvironment('ews-e2e-notify-', {});
const tid = (id: string) => `[data-testid="${id}"]`;

test('alert rules, automatic reports and Telegram are edited on their pages', { timeout: 150_000 }, async () => {
  await withPage(env, {}, async ({ page }) => {
    const api = <T>(path: string) => page.evaluate(async (p) => (await (await fetch(p)).json()) as unknown, path) as Promise<T>;
    const main = (await api<DeviceSummary[]>('/api/devices')).find((d) => d.family === 'multifunction' && d.gatewayId === 'local')!;

    // Alert settings: a threshold rule
    await page.goto(`${env.demo.url}/#/settings`);
    await page.click(tid('menu-alerts'));
    await page.waitForSelector('#settings-alerts-page');
    await page.click(tid('rule-new'));
    await page.fill(tid('rule-name'), 'Main above 30 kW');
    await page.uncheck(tid('rule-event-communication-error'));
    await page.check(tid('rule-event-threshold'));
    await page.selectOption(tid('rule-th-device'), String(main.id));
    await page.selectOption(tid('rule-th-quantity'), 'activePowerW');
    await page.fill(tid('rule-th-value'), '30000');
    await page.fill(tid('rule-th-for'), '300');
    await page.fill(tid('rule-recipients'), 'ops@example.com, nope');
    await page.check(tid('rule-telegram'));
    await page.click(tid('rule-save'));
    await page.waitForSelector('[data-field="email.recipients"] .field-error');
    assert.match(await page.textContent('[data-field="email.recipients"] .field-error') ?? '', /"nope" is not an e-mail address/);
    await page.fill(tid('rule-recipients'), 'ops@example.com, boss@example.com');
    await page.fill(tid('rule-subject'), 'Site A');
    await page.click(tid('rule-save'));
    await page.waitForSelector(tid('rule'));
    const rules = await api<AlertRule[]>('/api/alert-rules');
    assert.equal(rules.length, 1);
    const { id: _id, ...rule } = rules[0];
    assert.deepEqual(rule, {
      name: 'Main above 30 kW', enabled: true, events: ['threshold'], recovery: true, deviceIds: [],
      threshold: { deviceId: main.id, quantity: 'activePowerW', direction: 'above', value: 30000, forS: 300 },
      email: { enabled: true, recipients: 'ops@example.com, boss@example.com', subject: 'Site A' }, telegram: true,
    });
    await page.screenshot({ path: '/tmp/ews-e2e-alerts.png', fullPage: true }).catch(() => undefined);

    // Automatic reports: a detailed report needs devices
    await page.goto(`${env.demo.url}/#/settings/autoreports`);
    await page.waitForSelector('#settings-autoreports-page');
    await page.click(tid('ar-new'));
    await page.fill(tid('ar-name'), 'Monthly devices');
    await page.selectOption(tid('ar-kind'), 'detailed');
    await page.selectOption(tid('ar-format'), 'csv');
    await page.fill(tid('ar-recipients'), 'owner@example.com');
    await page.click(tid('ar-save'));
    await page.waitForSelector('[data-field="deviceIds"] .field-error');
    await page.click(tid('ar-select-all'));
    await page.click(tid('ar-save'));
    await page.waitForSelector(tid('ar'));
    const reports = await api<AutoReport[]>('/api/notify/reports');
    assert.equal(reports.length, 1);
    assert.equal(reports[0].kind, 'detailed');
    assert.ok(reports[0].deviceIds.length > 3 && reports[0].deviceIds.includes(main.id));
    assert.equal(new Date(reports[0].nextAt).getTime() > Date.now(), true);
    await page.screenshot({ path: '/tmp/ews-e2e-autoreports.png', fullPage: true }).catch(() => undefined);

    // Telegram: a bad token is shown on its field; the page never shows a token
    await page.goto(`${env.demo.url}/#/settings/telegram`);
    await page.waitForSelector(tid('telegram-form'));
    await page.fill(tid('tg-botName'), '@ews_demo_bot');
    await page.fill(tid('tg-token'), 'not-a-token');
    await page.fill(tid('tg-password'), 'open-sesame');
    await page.click(tid('settings-save'));
    await page.waitForSelector(tid('error-token'));
    await page.fill(tid('tg-token'), '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.fill(tid('tg-apiUrl'), 'http://127.0.0.1:9');
    await page.click(tid('settings-save'));
    await waitFor(() => api<{ tokenSet: boolean }>('/api/notify/telegram'), (v) => v.tokenSet, 5000, 'the token stored');
    await page.reload();
    await page.waitForSelector(tid('telegram-form'));
    assert.equal(await page.inputValue(tid('tg-token')), '');
    assert.ok(!(await page.content()).includes('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    await page.waitForSelector(tid('tg-nobody'));
    await page.screenshot({ path: '/tmp/ews-e2e-telegram.png', fullPage: true }).catch(() => undefined);
  });
});
