/**
 * Green'Up in a browser as the greenUp user (EV-2…6, AUTH-2): on the demo (a car park meter and
 * six stations on the simulated bus, cars arriving in the first minutes), the home tile opens the
 * live view with the zone and the per-phase currents; the stations charge; a Wait override on
 * Management holds a charge (the simulated station stops drawing); the decision log shows the
 * controller's decisions with their reasons.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, e2eEnvironment, withPage, GREENUP } from './browser';

const env = e2eEnvironment('ews-e2e-greenup-', {});

test('the greenUp user sees the zone and the stations, holds a charge with Wait, reads the decision log', { timeout: 240_000 }, async () => {
  await withPage(env, { as: GREENUP, contextOptions: { viewport: { width: 1280, height: 900 } } }, async ({ page }) => {
    await page.click('a[data-page=greenUp]');
    await page.waitForSelector('#greenup-page');

    // live view: the zone, the three phases, six stations
    const zone = await page.getAttribute('#greenup-zone', 'data-zone');
    assert.ok(['green', 'yellow', 'red'].includes(zone ?? ''), `zone ${zone}`);
    for (const p of ['L1', 'L2', 'L3']) assert.ok(await page.$(`[data-testid=phase-${p}]`), `phase ${p} shown`);
    await waitFor(() => page.$$eval('[data-testid=gu-station]', (els) => els.length), (n) => n === 6, 15_000, 'six stations listed');
    assert.ok(await page.$('[data-testid=gu-priority-mark]'), 'Bay 1 carries the priority mark');

    // the cars arrive every 15 s: wait until the first ones charge (started by the controller)
    const charging = () => page.$$eval('[data-testid=gu-station]', (els) => els.filter((e) => e.getAttribute('data-charge') === 'charging').map((e) => e.getAttribute('data-device-id')));
    const ids = await waitFor(charging, (x) => x.length >= 2, 90_000, 'two charges running');

    // Management: Wait on a running charge (not the priority one) holds it
    await page.click('a[data-tab=management]');
    await page.waitForSelector('#gu-stations');
    const target = ids.find((id) => id !== null) as string;
    await page.click(`[data-testid=gu-station][data-device-id="${target}"]`);
    await page.waitForSelector('[data-testid=gu-management]');
    await page.click('[data-testid=gu-wait]');
    await waitFor(() => page.getAttribute(`[data-testid=gu-station][data-device-id="${target}"]`, 'data-state'), (s) => s === 'held', 15_000, 'the charge is held');
    await waitFor(() => page.getAttribute(`[data-testid=gu-station][data-device-id="${target}"]`, 'data-charge'), (s) => s === 'waiting', 20_000, 'the station stops drawing (read back from the bus)');

    // Details of the held station: the station and charge sections, its rated current
    await page.click('a[data-tab=details]');
    await page.click(`[data-testid=gu-station][data-device-id="${target}"]`);
    await page.waitForSelector('[data-testid=gu-details]');
    assert.equal(await page.textContent('[data-testid=gu-charge-state]'), 'waiting');

    // the decision log: starts with their reasons, and the hold
    await page.click('a[data-tab=decisions]');
    await page.waitForSelector('#gu-decisions');
    const rules = await waitFor(() => page.$$eval('#gu-decisions tbody tr', (rows) => rows.map((r) => r.getAttribute('data-rule'))), (r) => r.includes('hold') && r.includes('start'), 10_000, 'hold and start in the log');
    assert.ok(rules.length >= 3);
    const reason = await page.textContent('#gu-decisions tbody tr[data-rule=hold] td:last-child');
    assert.match(reason ?? '', /Wait override/);

    // My panel board: the station buttons show the charge state and the priority mark
    await page.goto(`${env.demo.url}/#/panel`);
    await page.waitForSelector('#device-list');
    const marks = await waitFor(() => page.$$eval('#device-list .gu-charge', (els) => els.map((e) => [e.getAttribute('data-charge'), e.getAttribute('data-priority')])), (x) => x.length === 6, 15_000, 'six station buttons with their charge');
    assert.ok(marks.some(([, p]) => p === 'priority'));
  });
});
