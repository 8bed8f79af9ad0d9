/**
 * NOTE-4 alert rules against a real SMTP server (daemon/test/smtp.ts): a measure above a
 * rule's threshold for its delay sends the rule's e-mail (its subject), a shorter spike sends
 * none, the way back below sends the recovery; a breaker that trips sends the state-change rule's
 * e-mail; a rule limited to some devices ignores the others; rules are validated field by field.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlarmPage, AlertRule, DeviceSummary } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimSlave } from '../../scripts/sim/slave';
import { startRig, slave, waitFor, catalog, type Rig } from './rig';
import { startTestSmtp, smtpSettings, type TestSmtp } from './smtp';

let extraA: [number, number, number] = [0, 0, 0];
const breakerSlave = slave('breaker', 'M7COM-MEGATIKER', 3);
const sim = new SimBus();
sim.add(createSimSlave(catalog.require('multifunction', 'F3N200'), { address: 1, seed: 7919, extraPhaseCurrentsA: () => extraA }))
  .add(slave('energyCounter', 'F41DM63', 2)).add(breakerSlave);
const dataDir = mkdtempSync(join(tmpdir(), 'ews-rules-'));
let rig: Rig;
let smtp: TestSmtp;
let main: DeviceSummary, lighting: DeviceSummary, breaker: DeviceSummary;

before(async () => {
  smtp = await startTestSmtp();
  const pipe = createMemoryPipe({ name: 'memory-rs485' });
  attachRtuEndpoint(sim, pipe.slave);
  rig = await startRig({
    dataDir, smtpTrustedCaPem: smtp.cert, notifyBackoffMs: { min: 200, max: 1000 },
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
      { gatewayId: 'local', family: 'breaker', model: 'M7COM-MEGATIKER', address: 3, name: 'Main breaker' },
    ],
  });
  assert.equal((await rig.api('/api/notify/email', { method: 'PUT', body: smtpSettings(smtp) })).status, 200);
  const devices = (await rig.api<DeviceSummary[]>('/api/devices')).body;
  main = devices.find((d) => d.address === 1)!;
  lighting = devices.find((d) => d.address === 2)!;
  breaker = devices.find((d) => d.address === 3)!;
  await rig.api('/api/settings/alarms', { method: 'PUT', body: JSON.stringify({ communicationDelayS: 1, retentionDays: 30 }) });
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));
});
after(async () => {
  await rig?.stop();
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const mails = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.parsed.subject ?? ''));
const livePowerW = async () => (await rig.api<{ values: Record<string, { value: number }> }>(`/api/devices/${main.id}/live`)).body.values.activePowerW.value;

test('rules are validated field by field; unknown ids are 404', async () => {
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: '', events: ['threshold', 'boom'], email: { enabled: true, recipients: '' } }) });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.body.fields).sort(), ['events.1', 'name']);
  const noThreshold = await rig.api<{ fields: Record<string, string[]> }>('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: 'x', events: ['threshold'], email: { enabled: true, recipients: '' } }) });
  assert.deepEqual(Object.keys(noThreshold.body.fields).sort(), ['email.recipients', 'threshold']);
  assert.equal((await rig.api('/api/alert-rules/abc123', { method: 'PUT', body: JSON.stringify({ name: 'x', events: ['box-started'], email: { enabled: false, recipients: '' } }) })).status, 404);
  assert.equal((await rig.api('/api/alert-rules/abc123', { method: 'DELETE' })).status, 404);
});

test('a measure above the threshold for the delay sends the rule\'s e-mail; a shorter spike none; back below, the recovery', { timeout: 60_000 }, async () => {
  const baseW = await livePowerW();
  const thresholdW = Math.round(baseW + 20_000);
  const created = await rig.api<AlertRule>('/api/alert-rules', {
    method: 'POST', body: JSON.stringify({
      name: 'Main over the limit', events: ['threshold'], recovery: true,
      threshold: { deviceId: main.id, quantity: 'activePowerW', direction: 'above', value: thresholdW, forS: 3 },
      email: { enabled: true, recipients: 'ops@example.com', subject: 'Site A' },
    }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const rule = created.body;
  // a spike shorter than the delay: nothing
  extraA = [60, 60, 60]; // about +41 kW
  await waitFor('the spike is read', async () => (await livePowerW()) > thresholdW, 5000);
  await new Promise((r) => setTimeout(r, 1000));
  extraA = [0, 0, 0];
  await waitFor('back to the base', async () => (await livePowerW()) < thresholdW, 5000);
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal((await rig.api<AlarmPage>('/api/alarms?type=threshold-exceeded')).body.items.length, 0);

  // above for longer than the delay: one alarm, one e-mail with the rule's subject
  extraA = [60, 60, 60];
  const sinceMs = Date.now();
  const alarm = await waitFor('threshold-exceeded', async () => (await rig.api<AlarmPage>('/api/alarms?type=threshold-exceeded')).body.items[0], 10_000);
  assert.ok(Date.parse(alarm.at) - sinceMs >= 2500, `raised ${Date.parse(alarm.at) - sinceMs} ms after the rise`);
  assert.equal(alarm.deviceId, main.id);
  assert.equal(alarm.ruleId, rule.id);
  assert.match(alarm.message, /Main over the limit: activePowerW .* W above \d+ W for \d+ s/);
  const sent = await waitFor('the e-mail', () => mails(/^Site A — Threshold exceeded: Main/)[0], 8000);
  assert.deepEqual(sent.to, ['ops@example.com']);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mails(/Threshold exceeded/).length, 1, 'one e-mail while it stays above');

  extraA = [0, 0, 0];
  await waitFor('the recovery e-mail', () => mails(/^Site A — Back within the threshold: Main/)[0], 10_000);
  const restored = (await rig.api<AlarmPage>('/api/alarms?type=threshold-restored')).body.items[0];
  assert.match(restored.message, /back below/);
  assert.equal((await rig.api(`/api/alert-rules/${rule.id}`, { method: 'DELETE' })).status, 204);
});

test('a rule limited to some devices ignores the others\' events', { timeout: 40_000 }, async () => {
  const mainOnly = await rig.api<AlertRule>('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: 'Main only', events: ['communication-error'], deviceIds: [main.id], email: { enabled: true, recipients: 'main-only@example.com' } }) });
  const any = await rig.api<AlertRule>('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: 'Any meter', events: ['communication-error'], recovery: false, email: { enabled: true, recipients: 'any@example.com' } }) });
  assert.equal(mainOnly.status, 201);
  assert.equal(any.status, 201);
  sim.setFault(2, { kind: 'noReply' });
  await waitFor('the e-mail of the rule for any device', () => smtp.received.find((m) => m.to.includes('any@example.com') && /Communication error: Lighting/.test(m.parsed.subject ?? '')), 10_000);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(smtp.received.filter((m) => m.to.includes('main-only@example.com')).length, 0);
  sim.setFault(2, null);
  await waitFor('Lighting back', async () => (await rig.api<AlarmPage>(`/api/alarms?deviceId=${lighting.id}&type=communication-restored`)).body.items[0], 8000);
  await new Promise((r) => setTimeout(r, 800));
  // recovery off on that rule: no e-mail for it
  assert.equal(smtp.received.filter((m) => m.to.includes('any@example.com') && /restored/.test(m.parsed.subject ?? '')).length, 0);
  const list = (await rig.api<AlertRule[]>('/api/alert-rules')).body.map((r) => r.name);
  assert.deepEqual(list, ['Main only', 'Any meter']);
});

test('a breaker that trips sends the state-change rule\'s e-mail', { timeout: 40_000 }, async () => {
  const r = await rig.api<AlertRule>('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: 'Breakers', events: ['state-change'], deviceIds: [breaker.id], email: { enabled: true, recipients: 'breakers@example.com' } }) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await waitFor('the breaker read closed', async () => (await rig.api<{ values: Record<string, { value: unknown }> }>(`/api/devices/${breaker.id}/live`)).body.values.breakerState?.value === 'closed', 8000);
  assert.ok(breakerSlave.setState('breakerState', 2));
  const alarm = await waitFor('state-change', async () => (await rig.api<AlarmPage>(`/api/alarms?type=state-change&deviceId=${breaker.id}`)).body.items[0], 8000);
  assert.equal(alarm.message, 'closed → tripped');
  const mail = await waitFor('the e-mail', () => smtp.received.find((m) => m.to.includes('breakers@example.com')), 8000);
  assert.equal(mail.parsed.subject, '[EWS] State change: Main breaker (Local, address 3)');
  assert.match(mail.parsed.text ?? '', /closed → tripped/);
  breakerSlave.setState('breakerState', 1);
});
