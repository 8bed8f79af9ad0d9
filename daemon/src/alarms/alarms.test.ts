/** The alarm log's retention and the outbox's back-off, expiry and restart, with a controlled clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { systemClock, type Clock } from '../util/clock';
import { AlarmLog } from './log';
import { Outbox } from './outbox';
import { AlertRules } from './rules';
import { coveredPeriod, latestMomentDate, nextMomentDate } from './auto-reports';
import { reportBaseName } from './report-builder';
import { Notifier } from './notifier';
import { mailText } from './mail-text';
import { ALARM_TYPES, LANGUAGES, type CsvSettings } from '@ews/shared';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ews-alarms-'));
  const root = open({ path: join(dir, 'db'), maxDbs: 4 });
  // real time running from 2026-12-01, moved forward by `advance`
  let offsetMs = Date.parse('2026-12-01T00:00:00Z') - Date.now();
  const clock: Clock = { ...systemClock, now: () => Date.now() + offsetMs };
  return {
    root, clock, advance: (ms: number) => { offsetMs += ms; },
    async close() { await root.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}
const until = async (what: string, fn: () => boolean, timeoutMs = 5000) => {
  const end = Date.now() + timeoutMs;
  while (!fn()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await new Promise((r) => setTimeout(r, 10)); }
};

test('events older than the retention are pruned; the rest stay, newest first', async () => {
  const s = setup();
  const log = new AlarmLog({ root: s.root, clock: s.clock, pruneEveryMs: 0 });
  await log.setSettings({ communicationDelayS: 60, retentionDays: 2 });
  log.record({ type: 'box-started', message: 'day 0' });
  s.advance(86_400_000);
  log.record({ type: 'box-started', message: 'day 1' });
  await new Promise((r) => setTimeout(r, 50));
  s.advance(2 * 86_400_000 - 1000);
  log.record({ type: 'box-started', message: 'day 3' });
  const messages = () => log.query({ limit: 10 }).items.map((a) => a.message).join(',');
  await until('day 0 pruned, day 3 stored', () => messages() === 'day 3,day 1');
  await s.close();
});

test('the outbox retries with a growing back-off, keeps the last error, survives a restart and expires explicitly', async () => {
  const s = setup();
  const db = s.root.openDB<unknown, string>({ name: 'notify' });
  const attempts: number[] = [];
  let failing = true;
  const send = async (_channel: string, _m: unknown) => { attempts.push(Date.now()); if (failing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }); };
  const box = new Outbox({ db, send, clock: s.clock, minBackoffMs: 40, maxBackoffMs: 160, expireMs: 3_600_000 });
  box.start();
  const id = await box.enqueue('email', { to: 'a@example.com', subject: 'one', text: 'x' });
  await until('3 attempts', () => box.list()[0].attempts >= 3);
  assert.equal(box.list()[0].lastError, 'connect ECONNREFUSED 127.0.0.1:25');
  assert.equal(box.list()[0].state, 'pending');
  await box.stop();

  // a new outbox on the same store (a restart) delivers it, once
  failing = false;
  const before = attempts.length;
  const again = new Outbox({ db, send, clock: s.clock, minBackoffMs: 40, maxBackoffMs: 160, expireMs: 3_600_000 });
  again.start();
  await until('sent', () => again.list().find((i) => i.id === id)?.state === 'sent');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(attempts.length, before + 1);

  // a notice that cannot be delivered before its expiry is marked expired, not silently dropped
  failing = true;
  await again.enqueue('email', { to: 'b@example.com', subject: 'two', text: 'y' });
  await until('an attempt', () => again.list()[0].attempts >= 1);
  s.advance(3_600_001);
  await until('expired', () => again.list()[0].state === 'expired');
  assert.equal(again.list()[0].nextAttemptAt, null);
  await again.stop();
  await s.close();
});

test('the e-mail settings\' older alert recipients and types become one alert rule, once (forward-only)', async () => {
  const s = setup();
  const db = s.root.openDB<unknown, string>({ name: 'notify' });
  await db.put('email', {
    sender: 'box@example.com', user: 'u', password: 'p', server: 'smtp.example.com', port: 465, security: 'ssl',
    alertRecipients: 'ops@example.com, boss@example.com', alertTypes: ['communication-error', 'communication-restored', 'fail-safe', 'state-change'],
  });
  const rules = new AlertRules(db);
  assert.deepEqual(rules.list(), [{
    id: 'default', name: 'E-mail alerts', enabled: true, events: ['state-change', 'communication-error', 'fail-safe'], recovery: true,
    deviceIds: [], email: { enabled: true, recipients: 'ops@example.com, boss@example.com', subject: '' }, telegram: false,
  }]);
  // the e-mail settings keep their account, not the alert fields
  assert.deepEqual(db.get('email'), { sender: 'box@example.com', user: 'u', password: 'p', server: 'smtp.example.com', port: 465, security: 'ssl' });
  // a deleted default rule does not come back at the next start
  await rules.remove('default');
  assert.deepEqual(new AlertRules(db).list(), []);
  // a box without alert recipients gets no rule
  const other = s.root.openDB<unknown, string>({ name: 'notify2' });
  await other.put('email', { sender: '', alertRecipients: '', alertTypes: ['box-started'] });
  assert.deepEqual(new AlertRules(other).list(), []);
  assert.deepEqual(other.get('email'), { sender: '' });
  await s.close();
});

test('automatic reports: delivery moments are local midnights; a report covers the month or year before', () => {
  const tz = 'Europe/Paris';
  // 2026-12-01 00:30 in Paris
  const ms = Date.parse('2026-11-30T23:30:00Z');
  assert.deepEqual(latestMomentDate('monthly', tz, ms), { year: 2026, month: 12, day: 1 });
  assert.deepEqual(latestMomentDate('monthly', tz, ms - 3_600_000), { year: 2026, month: 11, day: 1 });
  assert.deepEqual(latestMomentDate('weekly', tz, ms), { year: 2026, month: 11, day: 30 }); // a Monday
  assert.deepEqual(latestMomentDate('daily', tz, ms), { year: 2026, month: 12, day: 1 });
  assert.deepEqual(nextMomentDate('monthly', { year: 2026, month: 12, day: 1 }), { year: 2027, month: 1, day: 1 });
  assert.deepEqual(coveredPeriod('monthly', { year: 2026, month: 12, day: 1 }), { from: { year: 2026, month: 11, day: 1 }, to: { year: 2026, month: 11, day: 30 }, label: '2026-11' });
  assert.deepEqual(coveredPeriod('yearly', { year: 2027, month: 1, day: 1 }), { from: { year: 2026, month: 1, day: 1 }, to: { year: 2026, month: 12, day: 31 }, label: '2026' });
  assert.equal(reportBaseName({ kind: 'detailed', period: 'monthly', label: '2026-11' }), 'detailed-monthly-report_2026-11');
  assert.equal(reportBaseName({ kind: 'summary', period: 'yearly', label: '2026' }), 'yearly-report_2026');
});

test('alert e-mails are written in the box\'s default language, read when the alarm is recorded (SYS-3)', async () => {
  const s = setup();
  const alarms = new AlarmLog({ root: s.root, clock: s.clock, pruneEveryMs: 0 });
  let language: CsvSettings['defaultLanguage'] = 'de';
  const notifier = new Notifier({ root: s.root, alarms, device: () => undefined, clock: s.clock, language: () => language, timezone: () => 'Europe/Paris', buildReport: () => Promise.resolve([]), backoffMs: { min: 3_600_000, max: 3_600_000 } });
  await notifier.email.setSettings({ sender: 'box@example.com', user: '', server: '127.0.0.1', port: 1, security: 'none' });
  await notifier.rules.create({ name: 'Alle', events: ['state-change', 'box-started'], email: { enabled: true, recipients: 'ops@example.com' } });
  notifier.start();
  alarms.record({ type: 'state-change', message: 'open', deviceId: 1, deviceName: 'Heizung', gatewayName: 'Local', address: 3 });
  await until('queued', () => notifier.outbox.list().length === 1);
  assert.equal(notifier.outbox.list()[0].subject, '[EWS] Zustandsänderung: Heizung (Local, Adresse 3)');
  language = 'nl-BE';
  alarms.record({ type: 'box-started', message: 'v1' });
  await until('queued', () => notifier.outbox.list().length === 2);
  assert.ok(notifier.outbox.list().some((i) => i.subject === '[EWS] Apparaat gestart: het apparaat'), 'nl-BE falls back to nl');
  await notifier.stop();
  await s.close();
});

test('every language has its mail strings (a regional variant through its parent), with the same placeholders', () => {
  for (const l of LANGUAGES) {
    const tx = mailText(l);
    assert.equal(Object.keys(tx.types).length, ALARM_TYPES.length, l);
    assert.match(tx.where, /\{gateway\}.*\{address\}/, l);
    if (l !== 'en') assert.notEqual(tx.types['state-change'], mailText('en').types['state-change'], `${l} is translated`);
  }
});
