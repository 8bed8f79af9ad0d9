/**
 * Commissioning in minutes (CAT-3), in Chromium, on the demo: its Local RS485 line is emulated at
 * 19200 8E1 (every frame's wire time, t3.5 and a 3 ms slave turnaround, as a real line takes) and
 * carries, besides the configured devices, a few that are wired but not configured yet. A scan of
 * 1–247 from the Local gateway's page finishes within 20 s of line time (the elapsed time the
 * daemon reports; the line is emulated in real time, so it is wall time on the emulated line),
 * proposes exactly the unconfigured devices (concentrator inputs in order), shows the configured
 * ones as not selectable, and "Add selected" adds them in one step.
 * Run the web and daemon builds first (`cd web && npx tsup`; `pnpm --filter ./daemon build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, ScanState } from '@ews/shared';
import { demoInstallation } from '../../scripts/sim/installations';
import { waitFor, e2eEnvironment, withPage } from './browser';

const SCAN_BUDGET_MS = 20_000;
const tid = (id: string) => `[data-testid="${id}"]`;

const env = e2eEnvironment('ews-e2e-scan-', { localLine: { baudRate: 19200, parity: 'even', stopBits: 1 } });

const local = demoInstallation().buses.find((b) => b.kind === 'local')!;
const place = (d: { address: number; position?: number }) => (d.position === undefined ? String(d.address) : `${d.address}-${d.position}`);

test('scan of the Local bus 1–247 within 20 s of line time; the unconfigured devices are added in one step', { timeout: 180_000 }, async (t) => {
  await withPage(env, {}, async ({ page, pageErrors }) => {
    // UI actions of the commissioning flow (clicks and text entries), counted from the home page
    let actions = 0;
    const click = async (selector: string) => { actions++; await page.click(selector); };
    await page.waitForSelector('#home-page');
    const before = await page.evaluate(async () => (await fetch('/api/devices')).json()) as DeviceSummary[];

    // Home → System configuration → Gateways → Local → Scan → Start (range 1–247 by default)
    await click('a[data-page=systemConfig]');
    await page.waitForSelector('#system-page');
    await click(tid('menu-gateways'));
    await page.waitForSelector(`${tid('gateway-item')}[data-id="local"]`);
    await click(`${tid('gateway-item')}[data-id="local"]`);
    await page.waitForSelector(`${tid('gateway-form')}[data-id="local"]`);
    await click(tid('gateway-scan'));
    await page.waitForSelector('#scan-page');
    assert.deepEqual([await page.inputValue(tid('scan-from')), await page.inputValue(tid('scan-to'))], ['1', '247']);
    const requestsBefore = env.demo.buses.Local!.requestCount(200);
    await click(tid('scan-start'));
    await page.waitForSelector(tid('scan-progress'));
    const finished = await waitFor(
      () => page.$eval(tid('scan-state'), (e) => ({ state: e.getAttribute('data-state'), done: e.getAttribute('data-done'), total: e.getAttribute('data-total'), elapsedMs: Number(e.getAttribute('data-elapsed-ms')) })),
      (s) => s.state !== 'running' || pageErrors.length > 0, 90_000, 'the scan to finish',
    );
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    assert.equal(finished.state, 'done');
    assert.deepEqual([finished.done, finished.total], ['247', '247']);
    const scans = await page.evaluate(async () => (await fetch('/api/scans?gatewayId=local')).json()) as ScanState[];
    const scan = scans[0]!;
    assert.ok(scan.probeReplyStartMs !== null && scan.probeReplyStartMs < 60, `a short probe on the RS485 line: ${scan.probeReplyStartMs} ms`);
    assert.ok(scan.elapsedMs <= SCAN_BUDGET_MS, `scan of 1–247 took ${scan.elapsedMs} ms of line time (budget ${SCAN_BUDGET_MS} ms)`);
    assert.equal(env.demo.buses.Local!.requestCount(200) - requestsBefore, 1, 'an empty address is probed once');
    t.diagnostic(`scan 1–247 of the demo's Local bus at 19200 8E1: ${(scan.elapsedMs / 1000).toFixed(1)} s, probe ${scan.probeReplyStartMs} ms, ${scan.retried} addresses probed again`);

    // Proposals in address then position order; the configured ones shown but not selectable
    const rows = await page.$$eval(tid('scan-row'), (els) => els.map((e) => {
      const box = e.querySelector('[data-testid=scan-check]') as HTMLInputElement;
      return { place: e.getAttribute('data-address')!, configured: e.getAttribute('data-configured') === 'true', checked: box.checked, disabled: box.disabled };
    }));
    const configuredPlaces = local.devices.filter((d) => d.simulated !== false).map(place);
    const newPlaces = local.unconfigured!.map(place);
    const sorted = [...rows].sort((a, b) => {
      const [aa, ap = '0'] = a.place.split('-'); const [ba, bp = '0'] = b.place.split('-');
      return Number(aa) - Number(ba) || Number(ap) - Number(bp);
    });
    assert.deepEqual(rows.map((r) => r.place), sorted.map((r) => r.place), 'listed by address, then input');
    assert.deepEqual(rows.filter((r) => !r.configured).map((r) => r.place).sort(), [...newPlaces].sort(), 'exactly the unconfigured devices are new');
    assert.ok(rows.filter((r) => !r.configured).every((r) => r.checked && !r.disabled), 'new devices come checked');
    const shownConfigured = rows.filter((r) => r.configured);
    assert.ok(shownConfigured.every((r) => !r.checked && r.disabled), 'configured rows are not selectable');
    for (const p of configuredPlaces) {
      const d = local.devices.find((x) => place(x) === p)!;
      if (d.family === 'generic') continue; // a third-party meter without identity register: nothing to recognise
      assert.ok(shownConfigured.some((r) => r.place === p), `configured ${d.name} at ${p} recognised`);
    }
    assert.deepEqual(rows.filter((r) => r.place.startsWith('44-')).map((r) => r.place), ['44-1', '44-2', '44-3'], 'pulse inputs in order');

    // One step: Add selected
    await click(tid('scan-add'));
    await page.waitForSelector('#devices-page');
    const after = await waitFor(
      () => page.evaluate(async () => (await fetch('/api/devices')).json()) as Promise<DeviceSummary[]>,
      (ds) => ds.length === before.length + newPlaces.length, 10_000, 'the new devices',
    );
    const added = after.filter((d) => !before.some((b) => b.id === d.id));
    assert.deepEqual(added.map((d) => `${d.gatewayId}:${place(d)}`).sort(), newPlaces.map((p) => `local:${p}`).sort());
    for (const d of added) {
      const sim = local.unconfigured!.find((u) => place(u) === place(d))!;
      assert.equal(d.model, sim.model, `model at ${place(d)}`);
    }
    // the new devices are read on the bus
    await waitFor(
      () => page.evaluate(async () => (await fetch('/api/devices')).json()) as Promise<DeviceSummary[]>,
      (ds) => added.every((a) => ds.find((d) => d.id === a.id)?.status === 'on'), 30_000, 'the added devices on',
    );
    // From the home page: 6 actions whatever the number of devices found (30 devices: still 6,
    // plus one text entry per device the technician wants to name instead of its address)
    assert.equal(actions, 6);
    t.diagnostic(`commissioning ${newPlaces.length} devices took ${actions} UI actions from the home page; 30 devices would take the same ${actions} (+1 per custom name)`);
  });
});
