/**
 * NOTE-2 (Telegram) against a local HTTP server that speaks the Bot API subset the box uses
 * (`getUpdates` long polling, `sendMessage`): a person who sends the password to the bot appears
 * in the list (others do not); "Test" reaches the enabled people only; an alert rule with
 * Telegram on sends a silent meter's communication error through the outbox, retried while the
 * Bot API fails. The token is never returned nor logged.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceSummary, OutboxItem, TelegramPerson, TelegramSettingsView, TelegramTestResult } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, waitFor, type Rig } from './rig';

const TOKEN = '123456789:AAHfake-token_for_the_ews_test_0123';

/** The Bot API's counterpart: updates people send, messages the bot sends. */
class FakeBotApi {
  readonly sent: Array<{ chatId: string; text: string }> = [];
  private updates: Array<{ update_id: number; message: Record<string, unknown> }> = [];
  private nextUpdateId = 700;
  private waiters: Array<() => void> = [];
  /** sendMessage answers this error while set (the Bot API or the Internet down). */
  failSends: { code: number; description: string } | null = null;
  readonly server = createServer((req, res) => { void this.handle(req, res); });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    for (const w of this.waiters) w();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A person writes to the bot. */
  say(chatId: number, firstName: string, text: string): void {
    this.updates.push({ update_id: this.nextUpdateId++, message: { message_id: this.nextUpdateId, date: Math.floor(Date.now() / 1000), text, chat: { id: chatId, type: 'private', first_name: firstName }, from: { id: chatId, is_bot: false, first_name: firstName } } });
    for (const w of this.waiters.splice(0)) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> : {};
    const answer = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== TOKEN) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    if (m[2] === 'getUpdates') {
      const offset = Number(body.offset ?? 0);
      const due = () => this.updates.filter((u) => u.update_id >= offset);
      if (due().length === 0) {
        // long polling: hold the request until an update comes or the timeout passes
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Number(body.timeout ?? 0) * 1000);
          this.waiters.push(() => { clearTimeout(t); resolve(); });
        });
      }
      return answer(200, { ok: true, result: due() });
    }
    if (m[2] === 'sendMessage') {
      if (this.failSends) return answer(this.failSends.code, { ok: false, error_code: this.failSends.code, description: this.failSends.description });
      this.sent.push({ chatId: String(body.chat_id), text: String(body.text) });
      return answer(200, { ok: true, result: { message_id: this.sent.length, chat: { id: body.chat_id }, text: body.text } });
    }
    return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
  }
}

const ALICE = 1001, BOB = 1002, CAROL = 1003;
const bot = new FakeBotApi();
const sim = new SimBus();
sim.add(slave('multifunction', 'F3N200', 1)).add(slave('energyCounter', 'F41DM63', 2));
const dataDir = mkdtempSync(join(tmpdir(), 'ews-tg-'));
let rig: Rig;

before(async () => {
  await bot.start();
  const pipe = createMemoryPipe({ name: 'memory-rs485' });
  attachRtuEndpoint(sim, pipe.slave);
  rig = await startRig({
    dataDir, captureLogs: true, notifyBackoffMs: { min: 200, max: 1000 }, telegram: { pollTimeoutS: 1, retryMinMs: 100, retryMaxMs: 500 },
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 2, name: 'Lighting' },
    ],
  });
});
after(async () => {
  await rig?.stop();
  await bot.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const people = async () => (await rig.api<TelegramPerson[]>('/api/notify/telegram/people')).body;

test('settings: the token is write-only and validated; polling starts', async () => {
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/notify/telegram', { method: 'PUT', body: JSON.stringify({ botName: 'x', token: 'nope', password: 'abc', apiUrl: 'ftp://x' }) });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.body.fields).sort(), ['apiUrl', 'password', 'token']);
  const put = await rig.api<TelegramSettingsView>('/api/notify/telegram', { method: 'PUT', body: JSON.stringify({ botName: '@ews_test_bot', token: TOKEN, password: 'open-sesame', apiUrl: bot.url }) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.tokenSet, true);
  assert.equal(put.body.state, 'polling');
  const get = await rig.api<TelegramSettingsView>('/api/notify/telegram');
  assert.ok(!JSON.stringify(get.body).includes(TOKEN.split(':')[1]));
  assert.equal(get.body.botName, '@ews_test_bot');
});

test('a person who sends the password appears in the list; a wrong password does not', async () => {
  bot.say(ALICE, 'Alice', 'hello bot');
  bot.say(ALICE, 'Alice', 'open-sesame');
  bot.say(BOB, 'Bob', ' open-sesame ');
  bot.say(CAROL, 'Carol', 'open sesame');
  const list = await waitFor('Alice and Bob listed', async () => { const p = await people(); return p.length >= 2 && p; }, 8000);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual((await people()).map((p) => [p.chatId, p.name, p.enabled]), [[String(ALICE), 'Alice', true], [String(BOB), 'Bob', true]]);
  assert.equal(list.length, 2);
  // each is welcomed through the outbox
  await waitFor('welcome messages', () => bot.sent.filter((m) => /alerts here/.test(m.text)).length === 2, 5000);
});

test('"Test" reaches the enabled people only', async () => {
  const off = await rig.api<TelegramPerson>(`/api/notify/telegram/people/${BOB}`, { method: 'PUT', body: JSON.stringify({ enabled: false }) });
  assert.equal(off.status, 200);
  assert.equal(off.body.enabled, false);
  assert.equal((await rig.api(`/api/notify/telegram/people/${CAROL}`, { method: 'PUT', body: JSON.stringify({ enabled: true }) })).status, 404);
  const before = bot.sent.length;
  const r = await rig.api<TelegramTestResult>('/api/notify/telegram/test', { method: 'POST' });
  assert.deepEqual(r.body, { ok: true, sent: 1 });
  const tests = bot.sent.slice(before);
  assert.deepEqual(tests.map((m) => m.chatId), [String(ALICE)]);
  assert.match(tests[0].text, /test message/);
});

test('a Telegram alert goes through the outbox, retried while the Bot API fails; the token is never logged', async () => {
  const rule = await rig.api('/api/alert-rules', { method: 'POST', body: JSON.stringify({ name: 'Meters on Telegram', events: ['communication-error'], recovery: true, email: { enabled: false, recipients: '' }, telegram: true }) });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));
  await rig.api('/api/settings/alarms', { method: 'PUT', body: JSON.stringify({ communicationDelayS: 1, retentionDays: 30 }) });
  await waitFor('all on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'));
  bot.failSends = { code: 502, description: 'Bad Gateway' };
  const before = bot.sent.length;
  sim.setFault(2, { kind: 'noReply' });
  const pending = await waitFor('a failed attempt', async () => {
    const o = (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.find((i) => i.channel === 'telegram' && i.to === String(ALICE) && i.attempts >= 1 && i.state === 'pending');
    return o;
  }, 8000);
  assert.equal(pending.lastError, '502 Bad Gateway');
  bot.failSends = null;
  await waitFor('delivered', async () => (await rig.api<OutboxItem[]>('/api/notify/outbox')).body.find((i) => i.id === pending.id)?.state === 'sent', 8000);
  const alerts = bot.sent.slice(before);
  assert.deepEqual(alerts.map((m) => m.chatId), [String(ALICE)]); // Bob is disabled
  assert.match(alerts[0].text, /Communication error — Lighting/);
  sim.setFault(2, null);
  await waitFor('recovery sent', () => bot.sent.slice(before).some((m) => /Communication restored — Lighting/.test(m.text)), 8000);
  assert.ok(!rig.logs.some((l) => l.includes(TOKEN.split(':')[1])), 'the token appears in a log line');
});

test('after a restart the bot does not read the same messages again', async () => {
  await rig.api(`/api/notify/telegram/people/${ALICE}`, { method: 'DELETE' });
  await rig.stop();
  const pipe = createMemoryPipe({ name: 'memory-rs485' });
  attachRtuEndpoint(sim, pipe.slave);
  rig = await startRig({
    dataDir, telegram: { pollTimeoutS: 1, retryMinMs: 100, retryMaxMs: 500 }, linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined), devices: [],
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await people()).map((p) => p.chatId), [String(BOB)]);
  bot.say(ALICE, 'Alice', 'open-sesame');
  await waitFor('Alice back', async () => (await people()).length === 2, 5000);
});
