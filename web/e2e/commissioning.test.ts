/**
 * Commissioning as a new technician does it, in Chromium, on an empty box (the daemon starts
 * with no configuration while the simulator runs): change-codes page (AUTH-5), an IP gateway
 * (BUS-3) tested and scanned (CAT-3), its 4 meters added in one step, a panel board (CFG-1), a
 * user load (CFG-2) and a measure group (CFG-3) assigned, then My panel board filtered by that
 * panel board (DEV-1). Then the Web server configuration forms with the daemon's field errors
 * (CFG-6, SYS-1/2, BUS-2, BUS-6, AUTH-3), and Logout versus Lock (AUTH-4).
 * Run the web and daemon builds first (`cd web && npx tsup`; `pnpm --filter ./daemon build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { type Demo } from '../../scripts/demo/harness';
import { login, waitFor, e2eEnvironment, withPage, ADMIN } from './browser';

const { pin: PIN, puk: PUK } = ADMIN;

const tid = (id: string) => `[data-testid="${id}"]`;

const env = e2eEnvironment('ews-e2e-commissioning-', { seed: false });

/** Goes back with the title bar's back link until `selector` shows. */
async function backTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 5 && !(await page.$(selector)); i++) {
    await page.click(tid('back'));
    await page.waitForTimeout(50);
  }
  await page.waitForSelector(selector);
}

async function openSystemEntry(page: Page, entry: 'gateways' | 'panelboards' | 'loads' | 'groups'): Promise<void> {
  await backTo(page, '#system-page');
  await page.click(tid(`menu-${entry}`));
  await page.waitForSelector(`#${entry}-page`);
}

/** Adds a panel board, load or group on its page; returns its id and shown Remote ID. */
async function addStructureItem(page: Page, name: string, description?: string): Promise<{ id: string; remote: string | null }> {
  await page.click(tid('structure-add'));
  await page.waitForSelector(`${tid('structure-form')}[data-id="new"]`);
  await page.fill(tid('structure-name'), name);
  if (description !== undefined) await page.fill(tid('structure-description'), description);
  await page.click(tid('structure-save'));
  const item = await page.waitForSelector(`${tid('structure-item')}[data-name="${name}"]`);
  const id = (await item.getAttribute('data-id'))!;
  await page.waitForSelector(`${tid('structure-form')}[data-id="${id}"]`);
  const remoteEl = await page.$(tid('structure-remote-id'));
  return { id, remote: remoteEl ? (await remoteEl.textContent())?.trim() ?? null : null };
}

function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    return r.json();
  }, path) as Promise<T>;
}

test('a technician commissions an empty box: gateway, test, scan, structure, My panel board', { timeout: 180_000 }, async () => {
  const gatewayPort = env.demo.simPorts.gateways['Building B'];
  assert.ok(gatewayPort, 'the simulated Building B gateway runs');
  await withPage(env, { as: null }, async ({ page }) => {
    // AUTH-5: the first administrator login leads to "Change the default codes".
    assert.equal(await login(page, PIN, PUK, { codesPage: 'stay' }), 'puk');
    await page.waitForSelector('#change-codes-page');
    const userForm = `${tid('codes-form')}[data-user="user"]`;
    await page.waitForSelector(userForm);
    await page.fill(`${userForm} ${tid('codes-pin')}`, '24680');
    await page.fill(`${userForm} ${tid('codes-puk')}`, '13579 2468 13579');
    await page.click(`${userForm} ${tid('codes-save')}`);
    await page.waitForSelector(tid('codes-changed'));
    await waitFor(async () => !!(await page.$(userForm)), (present) => !present, 5000, 'the user form to leave the list');
    // The other default users keep their codes for now: "Later".
    await page.click(tid('change-codes-later'));
    await page.waitForSelector('#home-page');
    await page.waitForSelector('#default-codes-warning', { timeout: 10_000 })
      .catch(() => assert.fail('the warning stays while default codes remain'));

    // System configuration → Gateways and devices: only Local on an empty box.
    await page.click('a[data-page=systemConfig]');
    await page.waitForSelector('#system-page');
    await page.click(tid('menu-gateways'));
    await page.waitForSelector(`${tid('gateway-item')}[data-id="local"]`);
    assert.equal((await page.$$(tid('gateway-item'))).length, 1, 'only the Local gateway');

    // BUS-3: add the IP gateway; a missing host is refused next to the field.
    await page.click(tid('gateway-add'));
    await page.waitForSelector(`${tid('gateway-form')}[data-id="new"]`);
    await page.fill(tid('gateway-name'), 'Building B');
    await page.click(tid('gateway-save'));
    await page.waitForSelector(tid('error-host'));
    await page.fill(tid('gateway-host'), '127.0.0.1');
    await page.fill(tid('gateway-port'), String(gatewayPort));
    await page.fill(tid('gateway-description'), 'Technical room, level -1');
    await page.click(tid('gateway-save'));
    const form = await page.waitForSelector(`${tid('gateway-form')}:not([data-id="new"])`);
    const gatewayId = (await form.getAttribute('data-id'))!;
    assert.match(page.url(), new RegExp(`#/system/gateways/${gatewayId}$`));

    // Test: reachable.
    await page.click(tid('gateway-test'));
    const testResult = await page.waitForSelector(tid('gateway-test-result'));
    assert.equal(await testResult.getAttribute('data-ok'), 'true', `gateway test: ${await testResult.textContent()}`);

    // CAT-3: scan 1–6 with a live progress bar; 4 proposals, all checked, added in one step.
    // (Through an IP gateway each empty address costs the gateway's own timeout; the Local RS485
    // line's short probes are checked in scan.test.ts.)
    await page.click(tid('gateway-scan'));
    await page.waitForSelector('#scan-page');
    await page.fill(tid('scan-from'), '1');
    await page.fill(tid('scan-to'), '6');
    await page.click(tid('scan-start'));
    await page.waitForSelector(tid('scan-progress'));
    const progress = await waitFor(
      () => page.$eval(tid('scan-state'), (e) => ({ state: e.getAttribute('data-state'), done: e.getAttribute('data-done'), total: e.getAttribute('data-total') })),
      (s) => s.state !== 'running', 60_000, 'the scan to finish',
    );
    assert.deepEqual(progress, { state: 'done', done: '6', total: '6' });
    const rows = await page.$$eval(tid('scan-row'), (els) => els.map((e) => ({
      address: e.getAttribute('data-address'),
      configured: e.getAttribute('data-configured'),
      checked: (e.querySelector('[data-testid=scan-check]') as HTMLInputElement).checked,
    })));
    assert.deepEqual(rows.map((r) => r.address), ['1', '2', '3', '4'], 'the 4 meters of the simulated gateway');
    assert.ok(rows.every((r) => r.checked && r.configured === 'false'), 'new addresses are proposed checked');
    // Names: the technician names the main meter, the others take their default name.
    await page.fill(`${tid('scan-row')}[data-address="1"] ${tid('scan-name')}`, 'Main meter B');
    await page.click(tid('scan-add'));
    await page.waitForSelector('#devices-page');
    const listed = await waitFor(
      () => page.$$eval(tid('device-item'), (els) => els.map((e) => e.getAttribute('data-address'))),
      (a) => a.length === 4, 10_000, '4 devices in the list',
    );
    assert.deepEqual([...listed].sort(), ['1', '2', '3', '4']);
    const devices = await apiGet<Array<{ id: number; name: string; address: number; gatewayId: string }>>(page, '/api/devices');
    assert.equal(devices.length, 4);
    assert.equal(devices.find((d) => d.address === 1)?.name, 'Main meter B');
    assert.equal(devices.find((d) => d.address === 2)?.name, '2', 'an empty name takes the default name');

    // A scan left running is resumed when the Scan page opens again, not started anew.
    await page.click(tid('devices-scan'));
    await page.waitForSelector('#scan-page');
    await page.fill(tid('scan-from'), '1');
    await page.fill(tid('scan-to'), '10');
    await page.click(tid('scan-start'));
    await page.waitForSelector(`${tid('scan-state')}[data-state="running"]`);
    await page.click(tid('back'));
    await page.waitForSelector('#devices-page');
    await page.click(tid('devices-scan'));
    await page.waitForSelector(tid('scan-state'), { timeout: 5000 });
    assert.equal(await page.inputValue(tid('scan-to')), '10', 'the resumed scan shows its range');
    const resumed = await waitFor(
      () => page.$eval(tid('scan-state'), (e) => ({ state: e.getAttribute('data-state'), total: e.getAttribute('data-total') })),
      (st) => st.state !== 'running', 60_000, 'the resumed scan to finish',
    );
    assert.deepEqual(resumed, { state: 'done', total: '10' });
    const scans = await apiGet<Array<{ state: string }>>(page, `/api/scans?gatewayId=${encodeURIComponent(gatewayId)}`);
    assert.equal(scans.length, 2, 'two scans in all: the first and the resumed one');
    // Already configured rows are not selectable, not even with "Select all": nothing to add.
    const again = await page.$$eval(tid('scan-row'), (els) => els.map((e) => {
      const box = e.querySelector('[data-testid=scan-check]') as HTMLInputElement;
      return { address: e.getAttribute('data-address'), configured: e.getAttribute('data-configured'), checked: box.checked, disabled: box.disabled };
    }));
    assert.ok(again.length === 4 && again.every((r) => r.configured === 'true' && !r.checked && r.disabled), JSON.stringify(again));
    await page.click(tid('scan-all'));
    assert.equal(await page.$$eval(`${tid('scan-check')}:checked`, (els) => els.length), 0, 'Select all leaves configured rows unchecked');
    assert.ok(await page.$eval(tid('scan-add'), (e) => (e as HTMLButtonElement).disabled), 'nothing to add');
    assert.equal((await apiGet<unknown[]>(page, '/api/devices')).length, 4, 'nothing added');
    await page.click(tid('back'));
    await page.waitForSelector('#devices-page');

    // A pulse concentrator's position is limited to the model's inputs.
    await page.click(tid('device-add'));
    await page.waitForSelector(`${tid('device-form')}[data-id="new"]`);
    await page.selectOption(tid('device-family'), 'pulseCounter');
    await page.selectOption(tid('device-model'), 'pulse-water');
    const positions = await page.$$eval(`${tid('device-position')} option`, (els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));
    assert.deepEqual(positions, ['1', '2', '3', '4', '5', '6', '7']);
    await page.click(`${tid('device-form')} a.button`);
    await page.waitForSelector(tid('device-list'));

    // CFG-1: a panel board, assigned to the gateway.
    await openSystemEntry(page, 'panelboards');
    const board = await addStructureItem(page, 'Board B', 'Building B, ground floor');
    await openSystemEntry(page, 'gateways');
    await page.click(`${tid('gateway-item')}[data-id="${gatewayId}"]`);
    await page.waitForSelector(`${tid('gateway-form')}[data-id="${gatewayId}"]`);
    await page.selectOption(tid('gateway-panelboard'), { label: 'Board B' });
    await page.click(tid('gateway-save'));
    await page.waitForSelector(`${tid('form-message')}[data-ok="true"]`);
    const gws = await apiGet<Array<{ id: string; panelBoardId: string | null }>>(page, '/api/gateways');
    assert.equal(gws.find((g) => g.id === gatewayId)?.panelBoardId, board.id);

    // CFG-2 / CFG-3: a user load and a measure group, with their Remote IDs (MS-2).
    await openSystemEntry(page, 'loads');
    const load = await addStructureItem(page, 'Workshop');
    assert.match(load.remote ?? '', /^2\d{4}$/, 'a load shows Remote ID 2YYYY');
    await openSystemEntry(page, 'groups');
    const group = await addStructureItem(page, 'Building B meters', 'All meters of building B');
    assert.match(group.remote ?? '', /^3\d{4}$/, 'a group shows Remote ID 3ZZZZ');

    // Assign the main meter to both; Test it (values); Advanced shows its options.
    await openSystemEntry(page, 'gateways');
    await page.click(`${tid('gateway-item')}[data-id="${gatewayId}"]`);
    await page.click(tid('gateway-devices'));
    await page.waitForSelector('#devices-page');
    await page.click(`${tid('device-item')}[data-address="1"]`);
    const main = devices.find((d) => d.address === 1)!;
    await page.waitForSelector(`${tid('device-form')}[data-id="${main.id}"]`);
    assert.equal((await page.textContent(tid('device-remote-id')))?.trim(), String(10000 + main.id), 'device Remote ID 1XXXX');
    await page.selectOption(tid('device-load'), { label: 'Workshop' });
    await page.check(tid(`device-group-${group.id}`));
    await page.click(tid('device-advanced'));
    await page.waitForSelector(tid('device-exclude-totals'));
    await page.click(tid('device-save'));
    await page.waitForSelector(`${tid('form-message')}[data-ok="true"]`);
    const saved = await apiGet<{ loadId: string | null; groupIds: string[]; excludeFromTotals: boolean }>(page, `/api/devices/${main.id}`);
    assert.equal(saved.loadId, load.id);
    assert.deepEqual(saved.groupIds, [group.id]);
    assert.equal(saved.excludeFromTotals, false);
    await page.click(tid('device-test'));
    const devTest = await page.waitForSelector(tid('device-test-result'), { timeout: 15_000 });
    assert.equal(await devTest.getAttribute('data-ok'), 'true', `device test: ${await devTest.textContent()}`);
    assert.ok((await page.$$(`${tid('device-test-result')} td[data-key]`)).length > 0, 'the test shows values');
    const shown = await page.$$eval(`${tid('device-test-result')} tr`, (els) => els.map((e) => ({ label: e.querySelector('th')?.textContent, key: e.querySelector('td')?.getAttribute('data-key') })));
    assert.ok(shown.every((r) => r.label && r.label !== r.key), `values by their labels, not their keys: ${JSON.stringify(shown.slice(0, 3))}`);

    // DEV-1: My panel board, filtered by the new panel board: the 4 meters come "on".
    await backTo(page, '#home-page');
    await page.click('a[data-page=myPanelBoard]');
    await page.waitForSelector('#panel-page');
    await page.waitForSelector(tid('panelboard-filter'));
    await page.selectOption(tid('panelboard-filter'), { label: 'Board B' });
    const onPanel = await waitFor(
      () => page.$$eval('#device-list [data-device-id]', (els) => els.map((e) => ({ id: e.getAttribute('data-device-id'), status: e.getAttribute('data-status') }))),
      (r) => r.length === 4 && r.every((d) => d.status === 'on'), 45_000, 'the 4 devices of Board B on',
    );
    assert.deepEqual(onPanel.map((d) => Number(d.id)).sort((a, b) => a - b), devices.map((d) => d.id).sort((a, b) => a - b));
  });
});

test('web server configuration: field errors next to the inputs, saved values, users', { timeout: 90_000 }, async () => {
  await withPage(env, {}, async ({ page }) => {
    const openSection = async (s: string) => {
      await backTo(page, '#settings-page');
      await page.click(tid(`menu-${s}`));
      await page.waitForSelector(`#${s === 'users' ? 'users' : `settings-${s}`}-page form, #users-page`);
    };
    const saved = () => page.waitForSelector(`${tid('form-message')}[data-ok="true"]`);
    await page.click('a[data-page=webServerConfig]');
    await page.waitForSelector('#settings-page');

    // SYS-1: the page warns about the move; a bad address is refused next to its input.
    await openSection('network');
    assert.ok(await page.$(tid('network-warning')));
    await page.fill(tid('network-address'), '192.168.1.300');
    await page.click(tid('settings-save'));
    await page.waitForSelector(tid('error-address'));
    assert.equal(await page.$(tid('network-new-url')), null, 'nothing saved');

    // BUS-2: saved and read back.
    await openSection('modbus');
    await page.selectOption(tid('modbus-baud'), '9600');
    await page.selectOption(tid('modbus-parity'), 'none');
    await page.click(tid('settings-save'));
    await saved();
    const modbus = await apiGet<{ baudRate: number; parity: string }>(page, '/api/settings/modbus');
    assert.deepEqual([modbus.baudRate, modbus.parity], [9600, 'none']);

    // SYS-2: the time zones come from the env.browser.
    await openSection('time');
    const zones = await page.$$eval(`${tid('time-timezone')} option`, (o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.ok(zones.length > 100 && zones.includes('Europe/Paris'), 'a time zone list');
    await page.selectOption(tid('time-timezone'), 'Europe/Brussels');
    await page.click(tid('settings-save'));
    await saved();
    assert.equal((await apiGet<{ timezone: string }>(page, '/api/settings/time')).timezone, 'Europe/Brussels');

    // CSV: equal separators are refused next to the field separator.
    await openSection('csv');
    await page.selectOption(tid('csv-decimal'), ',');
    await page.selectOption(tid('csv-field'), ',');
    await page.click(tid('settings-save'));
    await page.waitForSelector(tid('error-fieldSeparator'));
    await page.selectOption(tid('csv-field'), ';');
    await page.selectOption(tid('csv-sample-rate'), '5');
    await page.click(tid('settings-save'));
    await saved();
    assert.equal((await apiGet<{ sampleRateMin: number }>(page, '/api/settings/csv')).sampleRateMin, 5);

    // BUS-6: the edition.
    await openSection('edition');
    await page.check(tid('edition-PM1WS32'));
    await page.click(tid('settings-save'));
    await saved();
    assert.equal((await apiGet<{ edition: string }>(page, '/api/settings/edition')).edition, 'PM1WS32');

    // AUTH-3: add a user with its pages, then disable it without erasing it.
    await openSection('users');
    await page.click(tid('user-add'));
    await page.fill(tid('user-name'), 'Night guard');
    await page.fill(tid('user-pin'), '1357');
    await page.fill(tid('user-puk'), '97531 1357 97531');
    await page.click(tid('user-save'));
    await page.waitForSelector(tid('error-pin'));
    await page.fill(tid('user-pin'), '13579');
    await page.check(tid('user-page-myPanelBoard'));
    await page.click(tid('user-save'));
    const item = await page.waitForSelector(`${tid('user-item')}:has-text("Night guard")`);
    const userId = (await item.getAttribute('data-id'))!;
    await page.waitForSelector(`${tid('user-form')}[data-id="${userId}"]`);
    await page.uncheck(tid('user-enabled'));
    await page.click(tid('user-save'));
    await page.waitForSelector(`${tid('user-item')}[data-id="${userId}"][data-enabled="false"]`);
    const users = await apiGet<Array<{ id: string; enabled: boolean; pages: string[] }>>(page, '/api/users');
    const guard = users.find((u) => u.id === userId)!;
    assert.equal(guard.enabled, false);
    assert.deepEqual([...guard.pages].sort(), ['alarms', 'consumptions', 'myPanelBoard']);
  });
});

test('logout keeps the browser known (PIN only); lock forgets it (PIN and PUK)', { timeout: 60_000 }, async () => {
  await withPage(env, { as: null }, async ({ page }) => {
    assert.equal(await login(page, PIN, PUK), 'puk', 'a new browser gives the PUK');

    await page.click('#logout');
    await page.waitForSelector('#login-pin');
    assert.equal(await page.$('#login-puk'), null, 'the login page asks only the PIN');
    assert.equal(await login(page, PIN), 'home', 'after a logout the PIN is enough');

    await page.click('#lock');
    await page.waitForSelector(tid('confirm-dialog'));
    assert.match((await page.textContent('#lock-explain')) ?? '', /PUK/, 'Lock says the PUK will be needed');
    await page.click(tid('confirm-ok'));
    await page.waitForSelector('#login-pin');
    assert.equal(await login(page, PIN), 'puk', 'after a lock the PIN alone is not enough');
    assert.ok(await page.$('#login-puk-note'));
    assert.equal(await login(page, PIN, PUK), 'puk');
    await page.waitForSelector('#home-page');
  });
});
