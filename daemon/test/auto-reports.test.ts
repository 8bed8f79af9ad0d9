/**
 * NOTE-3 automatic reports with an injected clock and a real SMTP server (daemon/test/smtp.ts):
 * a monthly Summary PDF report (read back with pdftotext) and the month's CSV files are delivered
 * as attachments at local midnight of the first day of the month; after a restart that skipped the next moment (the box was off on 1 January) it is
 * delivered when the box comes back, exactly once, and not again at the next restart.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AutoReport, DeviceSummary } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { systemClock, type Clock } from '../src/util/clock';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { openDatabases, HistoryStore } from '../src/store/index';
import { ConfigStore } from '../src/config/index';
import { Energy, scopeProvider } from '../src/energy/index';
import { backfill } from '../../scripts/demo/backfill';
import type { Installation } from '../../scripts/sim/installations';
import { startRig, slave, waitFor, catalog, type Rig } from './rig';
import { startTestSmtp, smtpSettings, type TestSmtp } from './smtp';

// the daemon's clock: real time moved to a chosen instant
let offsetMs = 0;
const clock: Clock = { ...systemClock, now: () => Date.now() + offsetMs };
const setNow = (iso: string) => { offsetMs = Date.parse(iso) - Date.now(); };

const sim = new SimBus();
sim.add(slave('multifunction', 'F3N200', 1)).add(slave('energyCounter', 'F41DM63', 2));
const dataDir = mkdtempSync(join(tmpdir(), 'ews-autoreports-'));
let rig: Rig;
let smtp: TestSmtp;

async function start(): Promise<Rig> {
  const pipe = createMemoryPipe({ name: 'memory-rs485' });
  attachRtuEndpoint(sim, pipe.slave);
  return startRig({
    dataDir, clock, smtpTrustedCaPem: smtp.cert, notifyBackoffMs: { min: 200, max: 1000 },
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
    ],
  });
}

/** November's history, written through the store's ingest as the demo writes its months. */
async function writeNovember(): Promise<void> {
  const dbs = openDatabases(dataDir);
  try {
    const config = new ConfigStore(dbs, catalog);
    const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: config.general().sampleRateMin * 60_000 });
    new Energy({ store, timezone: config.time().timezone, scopes: scopeProvider(config, catalog) });
    const installation: Installation = { name: 'test', buses: [{ name: 'Local', kind: 'local', devices: [
      { address: 1, family: 'multifunction', model: 'F3N200', name: 'Main', profile: 'office', nominalPowerW: 60_000 },
      { address: 2, family: 'energyCounter', model: 'F41DM63', name: 'Lighting', profile: 'lighting', nominalPowerW: 8_000 },
    ] }] };
    await backfill({
      store, catalog, installation, workers: 1, fromMs: Date.parse('2026-10-31T23:00:00Z'), toMs: Date.parse('2026-11-30T22:45:00Z'),
      deviceIdOf: (d) => config.devices().find((c) => c.address === d.address)?.id,
    });
    store.close();
  } finally {
    await dbs.close();
  }
}

before(async () => {
  smtp = await startTestSmtp();
  // the devices are created by a first start, then November is written
  setNow('2026-10-31T20:00:00Z');
  rig = await start();
  await rig.stop();
  await writeNovember();
  // 6 s before midnight of 1 December in Paris (the installation's default zone)
  setNow('2026-11-30T22:59:54Z');
  rig = await start();
  assert.equal((await rig.api('/api/notify/email', { method: 'PUT', body: smtpSettings(smtp) })).status, 200);
});
after(async () => {
  await rig?.stop();
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The PDF's text by poppler's pdftotext (a real reader, not the generator's own view). */
function pdfToText(pdf: Buffer): string {
  const file = join(dataDir, 'attachment.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const reportMails = (label: string) => smtp.received.filter((m) => (m.parsed.subject ?? '').includes(`report ${label}`));

test('reports are validated: recipients one by one, devices for a detailed report', async () => {
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/notify/reports', {
    method: 'POST', body: JSON.stringify({ name: 'x', kind: 'detailed', period: 'weekly', format: 'pdf', delivery: 'monthly', recipients: 'a@example.com, b@' }),
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.body.fields).sort(), ['period', 'recipients']);
  const noDevice = await rig.api<{ fields: Record<string, string[]> }>('/api/notify/reports', {
    method: 'POST', body: JSON.stringify({ name: 'x', kind: 'detailed', period: 'yearly', format: 'pdf', delivery: 'monthly', recipients: 'a@example.com' }),
  });
  assert.deepEqual(noDevice.body.fields, { deviceIds: ['choose at least one device'] });
});

test('a monthly Summary report is delivered on the first day of the month, then after a restart that skipped the moment — once', { timeout: 90_000 }, async () => {
  const devices = (await rig.api<DeviceSummary[]>('/api/devices')).body;
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));
  const created = await rig.api<AutoReport>('/api/notify/reports', {
    method: 'POST', body: JSON.stringify({ name: 'Monthly summary', kind: 'summary', period: 'monthly', format: 'pdf', delivery: 'monthly', recipients: 'owner@example.com, accounts@example.com' }),
  });
  // the same month's data as CSV files, to another recipient
  const csv = await rig.api<AutoReport>('/api/notify/reports', {
    method: 'POST', body: JSON.stringify({ name: 'Monthly data', kind: 'summary', period: 'monthly', format: 'csv', delivery: 'monthly', recipients: 'data@example.com' }),
  });
  assert.equal(csv.status, 201, JSON.stringify(csv.body));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.nextAt, '2026-11-30T23:00:00.000Z');
  assert.equal(created.body.lastDeliveredAt, null);
  assert.equal(reportMails('2026-10').length, 0, 'a moment already past at creation is not delivered');
  const detailed = await rig.api<AutoReport>('/api/notify/reports', {
    method: 'POST', body: JSON.stringify({ name: 'Lighting', kind: 'detailed', deviceIds: [devices.find((d) => d.address === 2)!.id], period: 'yearly', format: 'csv', delivery: 'daily', recipients: 'owner@example.com', enabled: false }),
  });
  assert.equal(detailed.status, 201);

  // midnight passes: the November report arrives, as a PDF attachment
  const mail = await waitFor('the November report', () => reportMails('2026-11').find((m) => m.to.includes('owner@example.com')), 20_000);
  assert.deepEqual(mail.to.sort(), ['accounts@example.com', 'owner@example.com']);
  assert.match(mail.parsed.subject ?? '', /^\[EWS\] Monthly summary: Summary monthly report 2026-11$/);
  assert.deepEqual(mail.parsed.attachments.map((a) => [a.filename, a.contentType]), [['monthly-report_2026-11.pdf', 'application/pdf']]);
  const pdfText = pdfToText(mail.parsed.attachments[0].content);
  assert.match(pdfText, /November 2026/, pdfText.slice(0, 400));
  assert.match(pdfText, /Lighting|Electricity/i);

  // and the CSV files of the same month
  const data = await waitFor('the November data', () => reportMails('2026-11').find((m) => m.to.includes('data@example.com')), 20_000);
  const names = data.parsed.attachments.map((a) => a.filename);
  assert.ok(names.includes('monthly-report_2026-11_energy_loads_electricity.csv'), names.join(', '));
  const csvText = data.parsed.attachments.find((a) => a.filename === 'monthly-report_2026-11_energy_loads_electricity.csv')!.content.toString('utf8');
  const lines = csvText.trim().split(/\r?\n/);
  assert.equal(lines.length, 1 + 30, 'a header and one row per day of November');
  assert.match(lines[1], /2026|01/);
  assert.equal(Date.parse((await rig.api<AutoReport[]>('/api/notify/reports')).body[0].lastDeliveredAt!), Date.parse('2026-11-30T23:00:00Z'));

  // the box is off over 1 January: back at 08:00 it sends December's report, once
  await rig.stop();
  setNow('2027-01-01T07:00:00Z');
  rig = await start();
  const december = await waitFor('the December report', () => reportMails('2026-12').find((m) => m.to.includes('owner@example.com')), 20_000);
  assert.deepEqual(december.parsed.attachments.map((a) => a.filename), ['monthly-report_2026-12.pdf']);
  assert.match(pdfToText(december.parsed.attachments[0].content), /December 2026/);
  await waitFor('the December data', () => reportMails('2026-12').find((m) => m.to.includes('data@example.com')), 20_000);
  const listed = (await rig.api<AutoReport[]>('/api/notify/reports')).body[0];
  assert.equal(listed.lastDeliveredAt, '2026-12-31T23:00:00.000Z');
  assert.equal(listed.nextAt, '2027-01-31T23:00:00.000Z');

  // another restart the same day: nothing more
  await rig.stop();
  setNow('2027-01-01T08:00:00Z');
  rig = await start();
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(reportMails('2026-12').length, 2, 'one PDF mail and one CSV mail');
  assert.equal(reportMails('2026-11').length, 2);
  // the disabled report sent nothing
  assert.equal(smtp.received.filter((m) => (m.parsed.subject ?? '').includes('Lighting')).length, 0);
  // "Send now" builds its latest moment's report (daily on 1 January: the year 2026) without moving its schedule
  const sent = await rig.api<AutoReport>(`/api/notify/reports/${detailed.body.id}/send`, { method: 'POST' });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.equal(sent.body.lastError, undefined);
  assert.equal(sent.body.lastDeliveredAt, null);
  const now = await waitFor('the detailed report', () => smtp.received.find((m) => (m.parsed.subject ?? '').startsWith('[EWS] Lighting: Detailed yearly report 2026')), 20_000);
  assert.ok(now.parsed.attachments.some((a) => a.filename === 'detailed-yearly-report_2026_energy_devices_electricity.csv'), now.parsed.attachments.map((a) => a.filename).join(', '));
});
