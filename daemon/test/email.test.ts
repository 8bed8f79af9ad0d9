/**
 * NOTE-1, NOTE-6 against a real SMTP server (smtp-server, implicit TLS on an ephemeral port with a
 * self-signed certificate made by openssl): the test mail arrives at the sender address; a wrong
 * password shows the server's own answer verbatim; with the server stopped a communication-error
 * alert stays pending in the outbox, survives a daemon restart and arrives once the server is
 * back — exactly once. The password is never returned.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AlarmPage, AlertRule, DeviceSummary, EmailSettingsView, EmailTestResult, OutboxItem } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, waitFor, type Rig } from './rig';

const dir = mkdtempSync(join(tmpdir(), 'ews-smtp-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
const key = readFileSync(join(dir, 'key.pem'), 'utf8');
const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');

interface Received { from: string; to: string[]; raw: string }
const received: Received[] = [];
const AUTH_REFUSAL = 'Bad username or password (ews test server)';

let smtp: SMTPServer | undefined;
let smtpPort = 0;
async function startSmtp(port: number): Promise<void> {
  smtp = new SMTPServer({
    secure: true, key, cert, authMethods: ['PLAIN', 'LOGIN'], logger: false, disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'box@example.com' && auth.password === 's3cret') cb(null, { user: auth.username });
      else cb(new Error(AUTH_REFUSAL));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => { smtp!.once('error', reject); smtp!.listen(port, '127.0.0.1', () => resolve()); });
  smtpPort = (smtp.server.address() as { port: number }).port;
}
const stopSmtp = () => new Promise<void>((resolve) => { const s = smtp; smtp = undefined; if (!s) resolve(); else s.close(() => resolve()); });

const sim = new SimBus();
sim.add(slave('multifunction', 'F3N200', 1)).add(slave('energyCounter', 'F41DM63', 2));
const dataDir = mkdtempSync(join(tmpdir(), 'ews-it-'));
let rig: Rig;

async function start(): Promise<Rig> {
  const pipe = createMemoryPipe({ name: 'memory-rs485' });
  attachRtuEndpoint(sim, pipe.slave);
  return startRig({
    dataDir, smtpTrustedCaPem: cert, notifyBackoffMs: { min: 200, max: 1000 },
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
    ],
  });
}

before(async () => {
  await startSmtp(0);
  rig = await start();
});
after(async () => {
  await rig?.stop();
  await stopSmtp();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const settings = (over: Record<string, unknown> = {}) => JSON.stringify({
  sender: 'box@example.com', user: 'box@example.com', password: 's3cret', server: '127.0.0.1', port: smtpPort, security: 'ssl', ...over,
});
const rule = (over: Record<string, unknown> = {}) => JSON.stringify({
  name: 'Silent meters', events: ['communication-error'], recovery: false, email: { enabled: true, recipients: 'ops@example.com,boss@example.com' }, ...over,
});

test('settings: the password is write-only, recipients are validated field by field', async () => {
  const put = await rig.api<EmailSettingsView>('/api/notify/email', { method: 'PUT', body: settings() });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.passwordSet, true);
  assert.ok(!JSON.stringify(put.body).includes('s3cret'));
  const get = await rig.api<EmailSettingsView>('/api/notify/email');
  assert.equal(get.body.port, smtpPort);
  assert.ok(!JSON.stringify(get.body).includes('s3cret'));
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/notify/email', { method: 'PUT', body: settings({ security: 'tls', sender: 'x' }) });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.fields.security && bad.body.fields.sender, JSON.stringify(bad.body));
  // the alert recipients are an alert rule's (NOTE-4), validated one by one
  const badRule = await rig.api<{ fields: Record<string, string[]> }>('/api/alert-rules', { method: 'POST', body: rule({ email: { enabled: true, recipients: 'ops@example.com, nope' } }) });
  assert.equal(badRule.status, 400);
  assert.deepEqual(badRule.body.fields['email.recipients'], ['"nope" is not an e-mail address']);
  const created = await rig.api<AlertRule>('/api/alert-rules', { method: 'POST', body: rule() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.email.recipients, 'ops@example.com, boss@example.com');
});

test('Test sends a message to the sender address over TLS', async () => {
  const r = await rig.api<EmailTestResult>('/api/notify/email/test', { method: 'POST' });
  assert.deepEqual(r.body, { ok: true });
  const mail = received.find((m) => m.raw.includes('Subject: EWS test message'));
  assert.ok(mail);
  assert.deepEqual(mail.to, ['box@example.com']);
  assert.equal(mail.from, 'box@example.com');
});

test('a wrong password shows the server\'s own answer verbatim', async () => {
  // absent password: the stored one is kept; a new one replaces it
  await rig.api('/api/notify/email', { method: 'PUT', body: settings({ password: 'wrong' }) });
  const r = await rig.api<EmailTestResult>('/api/notify/email/test', { method: 'POST' });
  assert.equal(r.body.ok, false);
  assert.ok(r.body.error?.includes(`535 ${AUTH_REFUSAL}`), r.body.error);
  const { password: _p, ...keep } = JSON.parse(settings({ password: 's3cret' })) as Record<string, unknown>;
  await rig.api('/api/notify/email', { method: 'PUT', body: settings({ password: 's3cret' }) });
  await rig.api('/api/notify/email', { method: 'PUT', body: JSON.stringify(keep) });
  assert.deepEqual((await rig.api<EmailTestResult>('/api/notify/email/test', { method: 'POST' })).body, { ok: true });
});

test('server down: the alert stays pending, survives a restart, and arrives once the server is back — once', async () => {
  const port = smtpPort;
  await stopSmtp();
  await rig.api('/api/settings/alarms', { method: 'PUT', body: JSON.stringify({ communicationDelayS: 1, retentionDays: 30 }) });
  const lighting = (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.address === 2)!;
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));
  sim.setFault(2, { kind: 'noReply' });
  await waitFor('alarm', async () => (await rig.api<AlarmPage>(`/api/alarms?deviceId=${lighting.id}&type=communication-error`)).body.items[0], 8000);
  const failed = await waitFor('a failed attempt', async () => {
    const o = (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.find((i) => i.subject.includes('Communication error') && i.subject.includes('Lighting'));
    return o && o.attempts >= 1 && o;
  }, 8000);
  assert.equal(failed.state, 'pending');
  assert.match(failed.lastError ?? '', /ECONNREFUSED|connect/);
  assert.equal(failed.to, 'ops@example.com, boss@example.com');
  // the device answers again (its recovery is not an alert type here), then the box restarts
  sim.setFault(2, null);
  await waitFor('recovered', async () => (await rig.api<AlarmPage>(`/api/alarms?deviceId=${lighting.id}&type=communication-restored`)).body.items[0], 8000);
  await rig.stop();
  rig = await start();
  const after = (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.find((i) => i.id === failed.id);
  assert.equal(after?.state, 'pending');

  const before = received.length;
  await startSmtp(port);
  await waitFor('delivered', async () => (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.find((i) => i.id === failed.id)?.state === 'sent', 10_000);
  await new Promise((r) => setTimeout(r, 1500)); // any duplicate would arrive meanwhile
  const alerts = received.slice(before).filter((m) => /Subject: \[EWS\] Communication error: Lighting/.test(m.raw));
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0].to.sort(), ['boss@example.com', 'ops@example.com']);
  assert.match(alerts[0].raw, /timeout/);
});

test('a device set to "exclude alerts" sends none; its events are still logged', async () => {
  const lighting = (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.address === 2)!;
  const full = (await rig.api<Record<string, unknown>>(`/api/devices/${lighting.id}`)).body;
  const input = Object.fromEntries(['gatewayId', 'family', 'model', 'address', 'name', 'enabled', 'position', 'side', 'panelBoardId', 'loadId', 'groupIds', 'excludeAlerts']
    .filter((k) => full[k] !== undefined).map((k) => [k, full[k]]));
  const put = await rig.api(`/api/devices/${lighting.id}`, { method: 'PUT', body: JSON.stringify({ ...input, excludeAlerts: true }) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));
  const queued = (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.length;
  sim.setFault(2, { kind: 'noReply' });
  const id = (await rig.api<DeviceSummary[]>('/api/devices')).body.find((d) => d.address === 2)!.id;
  await waitFor('alarm logged', async () => (await rig.api<AlarmPage>(`/api/alarms?deviceId=${id}&type=communication-error&from=${new Date(Date.now() - 1000).toISOString()}`)).body.items[0], 8000);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await rig.api<OutboxItem[]>('/api/notify/outbox')).body.length, queued);
  sim.setFault(2, null);
});
