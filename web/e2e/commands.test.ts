/**
 * DEV-3 in a browser: the demo's M7TIC/IO page switches an output (with its confirmation) and
 * writes an output's configuration; the simulated device on the bus really changes, and the page
 * shows the state read back. Run the web build first: `cd web && npx tsup` (the root `pnpm test` does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, e2eEnvironment, withPage } from './browser';

const env = e2eEnvironment('ews-e2e-commands-', { backfillMonths: 0 });

test('an output is switched and configured from its device page', { timeout: 150_000 }, async () => {
  await withPage(env, {}, async ({ page }) => {
    await page.click('a[data-page=myPanelBoard]');
    await page.waitForSelector('#device-list [data-family=powerSupervision]');
    const id = await page.getAttribute('#device-list [data-family=powerSupervision]', 'data-device-id');
    const io = env.demo.buses.Local!.slave(12)!;
    assert.equal(io.values().output1State, 0, 'output 1 starts off');

    await page.click(`#device-list [data-device-id="${id}"]`);
    await page.waitForSelector('#outputs tr[data-output="1"]');
    await waitFor(() => page.getAttribute('#outputs tr[data-output="1"]', 'data-state'), (s) => s === 'off', 15_000, 'output 1 shown off');

    // switching asks first; cancelling writes nothing
    await page.click('#outputs tr[data-output="1"] button[data-action=on]');
    await page.waitForSelector('#command-confirm');
    await page.click('#command-confirm button[data-action=cancel]');
    assert.equal(await page.$('#command-confirm'), null);
    assert.equal(io.values().output1State, 0, 'nothing written on cancel');

    await page.click('#outputs tr[data-output="1"] button[data-action=on]');
    await page.click('#command-confirm button[data-action=confirm]');
    await page.waitForSelector('#command-result[data-outcome=confirmed]', { timeout: 15_000 });
    assert.equal(io.values().output1State, 1, 'the simulated output is on');
    await waitFor(() => page.getAttribute('#outputs tr[data-output="1"]', 'data-state'), (s) => s === 'on', 10_000, 'output 1 shown on');

    // configuration: NC, blinking, 3 s, "Write"
    await page.click('#outputs tr[data-output="1"] button[data-action=configure]');
    await page.selectOption('#output-config select[name=normalState]', 'NC');
    await page.selectOption('#output-config select[name=mode]', 'blinking');
    await page.fill('#output-config input[name=onTimeS]', '3');
    await page.click('#output-config button[data-action=write]');
    await waitFor(async () => (await page.$('#command-result'))?.textContent(), (s) => !!s && /NC, blinking, 3 s/.test(s), 15_000, 'configuration confirmed');
    const v = io.values();
    assert.deepEqual([v.output1NormalState, v.output1ModeState, v.output1OnTimeS], [1, 1, 3]);

    await page.click('#outputs tr[data-output="1"] button[data-action=off]');
    await page.click('#command-confirm button[data-action=confirm]');
    await waitFor(() => page.getAttribute('#outputs tr[data-output="1"]', 'data-state'), (s) => s === 'off', 15_000, 'output 1 shown off again');
    assert.equal(io.values().output1State, 0);
  });
});
