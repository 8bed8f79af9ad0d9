/**
 * Reports & data download in a browser (HIST-4…6), on the demo (a month of history and its
 * peak/off-peak contract): the administrator opens the page from the home tile, browses the
 * history folder, builds a data download (progress bar, then reportdata.zip) whose files hold
 * the HIST-5 names and per-device totals equal to the consumption API's, and downloads a Summary
 * and a Detailed monthly PDF in which Debian's `pdftotext` reads the period, the devices and
 * totals equal to the consumption API's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import type { Download, Page } from 'playwright-core';
import type { ConsumptionResult, DeviceSummary } from '@ews/shared';
import { e2eEnvironment, withPage } from './browser';

const env = e2eEnvironment('ews-e2e-reports-', { backfillMonths: 1 });
const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;

const sum = (xs: ReadonlyArray<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
const group = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** The PDF's figures: kWh or m³ with 3 decimals (English). */
const display = (v: number) => { const [i, f] = (v / 1000).toFixed(3).split('.'); return `${group(i)}.${f}`; };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

async function bytesOf(d: Download): Promise<Buffer> {
  const path = await d.path();
  assert.ok(path, 'the download was saved');
  return readFileSync(path);
}
const pdfText = (pdf: Buffer) => spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).stdout.toString();

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${env.demo.url}${path}`);
  assert.equal(r.status(), 200, `${path}: ${await r.text()}`);
  return (await r.json()) as T;
}

test('Reports page: history folder, data download with progress, Summary and Detailed monthly PDFs equal to the API', { timeout: 300_000 }, async () => {
  await withPage(env, { contextOptions: { viewport: { width: 1280, height: 900 }, acceptDownloads: true } }, async ({ page }) => {
    await page.click('a.tile[data-page=reports]');
    await page.waitForSelector('#reports-page [data-testid=folder-table]');

    // ---- history folder: the HIST-2 tree, a folder opened, a file link
    const top = await page.$$eval('[data-testid=folder-table] tr[data-kind=folder]', (rows) => rows.map((r) => r.getAttribute('data-name')));
    for (const f of ['devices', 'energy', 'overallTotal', 'settings']) assert.ok(top.includes(f), `${f} in ${top.join()}`);
    await page.click('[data-testid=folder-table] tr[data-name=energy] [data-testid=folder-open]');
    await page.waitForSelector('[data-testid=folder-table] tr[data-kind=file][data-name^=devices_]');
    const zipHref = await page.getAttribute('[data-testid=folder-zip]', 'href');
    assert.equal(zipHref, '/api/history/zip?path=energy%2F');

    // ---- data download: all meter devices, this month, with costs, hourly
    const today = await page.evaluate(() => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; });
    await page.click('[data-testid=reports-tabs] [data-tab=data]');
    await page.waitForSelector('[data-testid=data-items] input[data-key^="device:"]');
    await page.click('[data-testid=data-items-all]');
    await page.fill('[data-testid=data-from]', `${today.slice(0, 8)}01`);
    await page.fill('[data-testid=data-to]', today);
    await page.check('[data-testid=data-costs]');
    await page.selectOption('[data-testid=data-rate]', '1h');
    const chosen = await page.$$eval('[data-testid=data-items] input:checked', (xs) => xs.map((x) => x.getAttribute('data-key')!));
    await page.click('[data-testid=data-start]');
    await page.waitForSelector('[data-testid=export-bar]');
    await page.waitForSelector('[data-testid=export-download]', { timeout: 120_000 });
    const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-download]')]);
    assert.equal(zipDownload.suggestedFilename(), 'reportdata.zip');
    const files = unzipSync(new Uint8Array(await bytesOf(zipDownload)));
    const names = Object.keys(files).sort();
    assert.ok(names.includes('report_energy_devices_electricity.csv') && names.includes('report_energy_devices_electricity_cost.csv'), names.join());
    assert.ok(names.every((n) => /^report_energy_devices_(electricity|gas|water)(_cost)?\.csv$/.test(n)), names.join());

    const devices = await apiJson<DeviceSummary[]>(page, '/api/devices');
    const meters = devices.filter((d) => d.energyType !== 'none' && d.family !== 'evStation');
    assert.deepEqual(chosen.sort(), meters.map((d) => `device:${d.id}`).sort(), 'Select all chose every meter device');
    const month = new Map<number, ConsumptionResult>();
    for (const d of meters) month.set(d.id, await apiJson<ConsumptionResult>(page, `/api/consumption?scope=device:${d.id}&period=month&date=${today}&costs=1`));
    let compared = 0;
    for (const name of names.filter((n) => !n.endsWith('_cost.csv'))) {
      const lines = strFromU8(files[name]).replace(/^\uFEFF/, '').trim().split('\r\n');
      const sep = lines[0].includes(';') ? ';' : ',';
      const header = lines[0].split(sep);
      assert.equal(header.at(-1), 'Estimated');
      for (const d of meters) {
        const col = header.findIndex((h) => h.startsWith(`${d.id} ${d.name} (`));
        if (col < 0) continue;
        const fileTotal = lines.slice(1).reduce((a, l) => a + Number((l.split(sep)[col] || '0').replace(',', '.')), 0);
        const apiTotal = sum(month.get(d.id)!.series.flatMap((s) => s.values));
        assert.ok(Math.abs(fileTotal - apiTotal) < 0.01, `${name} ${d.name}: ${fileTotal} vs API ${apiTotal}`);
        compared++;
      }
    }
    assert.equal(compared, meters.length, 'every device has its column');

    // ---- PDF: Summary, monthly, this month
    await page.click('[data-testid=reports-tabs] [data-tab=pdf]');
    await page.waitForSelector('[data-testid=pdf-type-summary]');
    await page.check('[data-testid=pdf-period-month]');
    await page.fill('[data-testid=pdf-month]', today.slice(0, 7));
    const [summary] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=pdf-download]')]);
    assert.equal(summary.suggestedFilename(), `monthly-report_${today.slice(0, 7)}.pdf`);
    const summaryPdf = await bytesOf(summary);
    assert.equal(summaryPdf.subarray(0, 5).toString(), '%PDF-');

    // ---- PDF: Detailed, every meter
    await page.check('[data-testid=pdf-type-detailed]');
    await page.waitForSelector('[data-testid=pdf-devices] input[data-key]');
    await page.click('[data-testid=pdf-devices-all]');
    const [detailed] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=pdf-download]')]);
    assert.equal(detailed.suggestedFilename(), `detailed-monthly-report_${today.slice(0, 7)}.pdf`);
    const detailedPdf = await bytesOf(detailed);
    await page.waitForSelector('[data-testid=pdf-message]');

    if (!hasPdftotext) { console.log('# pdftotext (poppler-utils) is not installed: the PDFs\' text is not checked'); return; }
    const period = `Period: ${MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`;
    const sText = pdfText(summaryPdf);
    assert.ok(sText.includes(period), period);
    const electricity = await apiJson<ConsumptionResult>(page, `/api/consumption?scope=type:electricity&period=month&date=${today}&costs=1`);
    const total = sum(electricity.series.flatMap((s) => s.values));
    assert.ok(total > 0);
    assert.ok(sText.includes(`Total: ${display(total)} kWh`), `summary total ${display(total)}`);
    for (const c of electricity.costs ?? []) assert.ok(sText.includes(c.label), `tariff ${c.label} in the summary`);

    const dText = pdfText(detailedPdf);
    assert.ok(dText.includes(period));
    const WORD = { electricity: 'Electricity', gas: 'Gas', water: 'Water' } as const;
    for (const d of meters) {
      const type = d.energyType as keyof typeof WORD;
      const heading = `${d.id} ${d.name} — ${WORD[type]}`;
      const at = dText.indexOf(heading);
      assert.ok(at >= 0, `section of ${heading}`);
      const after = dText.slice(at);
      const figure = /Total: (\S+) (kWh|m³)/.exec(after);
      const apiTotal = sum(month.get(d.id)!.series.flatMap((s) => s.values));
      const expected = month.get(d.id)!.series.every((s) => s.values.every((v) => v === null)) ? '—' : display(apiTotal);
      assert.equal(figure?.[1], expected, `total of ${d.name}`);
    }
  });
});
