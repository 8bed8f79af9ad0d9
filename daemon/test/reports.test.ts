/**
 * PDF reports (HIST-6) over the real daemon: hourly ticks from the simulator through the bus and
 * the store, tariffs and rules through the API; POST /api/reports answers PDFs named as HIST-6
 * says, and Debian's `pdftotext` reads in them the period, the devices, and totals and costs per
 * tariff equal to the consumption API's for the same period. Bad input and rights are refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ApiError, ConsumptionResult, CostRecompute, Tariff } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimSlave } from '../../scripts/sim/slave';
import { systemClock } from '../src/util/clock';
import { startRig, catalog, waitFor, CODES, type Rig } from './rig';

const HOUR = 3_600_000;
const LAST_SLOT = Math.floor(Date.now() / HOUR) * HOUR;
let simNow = LAST_SLOT - 31 * HOUR;
const simClock = { ...systemClock, now: () => simNow };
const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
for (const [model, address] of [['F41DM63', 1], ['F21DM63', 2]] as const) {
  sim.add(createSimSlave(catalog.require('energyCounter', model), { address, seed: address * 7919, clock: simClock }));
}
const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
let rig: Rig;
let today = '';
const sum = (xs: ReadonlyArray<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
/** The report's figures: kWh with 3 decimals, money with 2, English grouping. */
const group = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const kwh = (wh: number) => { const [i, f] = (wh / 1000).toFixed(3).split('.'); return `${group(i)}.${f}`; };
const money = (v: number) => { const [i, f] = v.toFixed(2).split('.'); return `${group(i)}.${f}`; };

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'Kitchen', loadId: 'lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'Boiler room', loadId: 'heating' },
    ],
  });
  assert.equal((await rig.api('/api/settings/csv', { method: 'PUT', body: JSON.stringify({ sampleRateMin: 60 }) })).status, 200);
  for (let slot = LAST_SLOT - 30 * HOUR; slot <= LAST_SLOT; slot += HOUR) {
    simNow = slot;
    const tick = await rig.daemon.poller.runTick(slot);
    assert.ok(tick.readings.every((r) => r.ok));
  }
  const post = (path: string, body: unknown) => rig.api<Tariff>(path, { method: 'POST', body: JSON.stringify(body) });
  const peak = (await post('/api/tariffs', { type: 'electricity', name: 'Peak', color: '#d62728', prices: [{ price: 0.3 }] })).body;
  const off = (await post('/api/tariffs', { type: 'electricity', name: 'Off-peak', color: '#1f77b4', prices: [{ price: 0.1 }] })).body;
  const rules = await rig.api('/api/cost-rules/electricity', { method: 'PUT', body: JSON.stringify([{ tariffId: peak.id, timeFrom: '07:00', timeTo: '21:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, { tariffId: off.id }]) });
  assert.equal(rules.status, 200, JSON.stringify(rules.body));
  await waitFor('the recomputation to end', async () => (await rig.api<{ recompute: CostRecompute | null }>('/api/costs/status')).body.recompute === null, 20_000);
  // the installation's day of the last slot
  today = (await rig.api<ConsumptionResult>(`/api/consumption?scope=total&period=day&date=${new Date(LAST_SLOT).toISOString().slice(0, 10)}`)).body.date;
});
after(async () => { await rig?.stop(); });

async function report(body: unknown): Promise<{ status: number; file: string; text: string; raw: Buffer }> {
  const r = await fetch(`${rig.daemon.url}/api/reports`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', origin: rig.daemon.url, cookie: await cookie() },
  });
  const raw = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) return { status: r.status, file: '', text: raw.toString(), raw };
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const file = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? '';
  assert.equal(raw.subarray(0, 5).toString(), '%PDF-');
  const text = hasPdftotext ? spawnSync('pdftotext', ['-layout', '-', '-'], { input: raw }).stdout.toString() : '';
  return { status: r.status, file, text, raw };
}
let jar = '';
async function cookie(): Promise<string> {
  if (jar) return jar;
  const r = await fetch(`${rig.daemon.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: rig.daemon.url }, body: JSON.stringify({ pin: CODES.administrator[0], puk: CODES.administrator[1] }) });
  jar = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return jar;
}
const consumption = async (scope: string, period: string) => {
  const r = await rig.api<ConsumptionResult>(`/api/consumption?scope=${scope}&period=${period}&date=${today}&costs=1`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

test('a Summary monthly report: HIST-6 name, the period, totals and costs per tariff equal to the consumption API', async (t) => {
  const r = await report({ type: 'summary', period: 'month', date: today });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.file, `monthly-report_${today.slice(0, 7)}.pdf`);
  if (!hasPdftotext) { t.skip('pdftotext (poppler-utils) is not installed'); return; }
  assert.match(r.text, new RegExp(`Period: ${MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`));
  const api = await consumption('type:electricity', 'month');
  const total = sum(api.series.flatMap((s) => s.values));
  assert.ok(total > 0, 'the simulator counted energy');
  assert.ok(r.text.includes(`Total: ${kwh(total)} kWh`), `total ${kwh(total)} in:\n${r.text}`);
  const cost = sum(api.costs!.flatMap((c) => c.values));
  assert.ok(r.text.includes(`Cost: ${money(cost)} EUR`), `cost ${money(cost)}`);
  for (const [i, c] of api.costs!.entries()) {
    assert.match(r.text, new RegExp(`${c.label}\\s+${kwh(sum(api.byTariff![i].values)).replace('.', '\\.')}\\s+${money(sum(c.values)).replace('.', '\\.')}`), `tariff ${c.label}`);
  }
  // per load, as the consumption API splits total
  const loads = (await rig.api<ConsumptionResult>(`/api/consumption?scope=total&period=month&date=${today}`)).body;
  for (const s of loads.series) assert.match(r.text, new RegExp(`${s.label}\\s+${kwh(sum(s.values)).replace('.', '\\.')}`), `load ${s.label}`);
  // each day's bar
  for (const [i, v] of api.series[0].values.entries()) if (v !== null) assert.ok(r.text.includes(kwh(v)), `bar ${i}: ${kwh(v)}`);
});

test('a Detailed monthly report names the devices with totals equal to the API; a yearly one in French', async (t) => {
  const r = await report({ type: 'detailed', period: 'month', date: today, deviceIds: [1, 2] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.file, `detailed-monthly-report_${today.slice(0, 7)}.pdf`);
  const fr = await report({ type: 'detailed', period: 'year', date: today, deviceIds: [2], language: 'fr' });
  assert.equal(fr.file, `detailed-yearly-report_${today.slice(0, 4)}.pdf`);
  if (!hasPdftotext) { t.skip('pdftotext (poppler-utils) is not installed'); return; }
  for (const [id, name] of [[1, 'Kitchen'], [2, 'Boiler room']] as const) {
    const api = await consumption(`device:${id}`, 'month');
    const total = sum(api.series[0].values);
    assert.ok(total > 0);
    assert.match(r.text, new RegExp(`${id} ${name}\\s+Electricity\\s+${kwh(total).replace('.', '\\.')} kWh\\s+${money(sum(api.costs!.flatMap((c) => c.values))).replace('.', '\\.')} EUR`), `overview row of ${name}`);
    assert.ok(r.text.includes(`${id} ${name} — Electricity`), `section of ${name}`);
    assert.ok(r.text.includes(`Total: ${kwh(total)} kWh`), `total of ${name}`);
  }
  assert.match(fr.text, /Rapport annuel détaillé/);
  assert.match(fr.text, new RegExp(`Période : ${today.slice(0, 4)}|Période: ${today.slice(0, 4)}`));
  const year = sum((await consumption('device:2', 'year')).series[0].values);
  const frKwh = kwh(year).replace(/,/g, ' ').replace('.', ',');
  assert.ok(fr.text.includes(`Total: ${frKwh} kWh`), `French total ${frKwh}`);
  assert.doesNotMatch(fr.text, /Boiler room — Electricity|Kitchen/, 'only the chosen device');
});

test('bad input answers 400/404 with the field; the right is "Reports & data download"', async () => {
  const bad = await rig.api<ApiError>('/api/reports', { method: 'POST', body: JSON.stringify({ type: 'weekly', period: 'month', date: today }) });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.fields?.type);
  const noDate = await rig.api<ApiError>('/api/reports', { method: 'POST', body: JSON.stringify({ type: 'summary', period: 'month', date: '2026-13-01' }) });
  assert.equal(noDate.status, 400);
  assert.ok(noDate.body.fields?.date);
  const unknown = await rig.api<ApiError>('/api/reports', { method: 'POST', body: JSON.stringify({ type: 'detailed', period: 'month', date: today, deviceIds: [1, 99] }) });
  assert.equal(unknown.status, 404);
  assert.ok(unknown.body.fields?.deviceIds?.[0].includes('99'));
  const installer = rig.client();
  await installer.login(...CODES.installer);
  assert.equal((await installer('/api/reports', { method: 'POST', body: JSON.stringify({ type: 'summary', period: 'month', date: today }) })).status, 403);
});
