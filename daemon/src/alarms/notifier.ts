/**
 * @module alarms/notifier
 * Alerts (NOTE-4): each event of the alarm log is matched against the alert rules; a matching
 * rule sends an e-mail to its recipients and/or a Telegram message to every enabled person,
 * through the outbox, unless the event's device is set to "exclude alerts" (CAT-2: the event is
 * still logged). Notifications, their settings, the rules, automatic reports and the outbox
 * (NOTE-6) live in their own LMDB database.
 */
import type { RootDatabase } from 'lmdb';
import type { Alarm, CsvSettings, DeviceConfig } from '@ews/shared';
import type { Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { AlarmLog } from './log';
import { Email, type EmailOptions } from './email';
import { Outbox } from './outbox';
import { Telegram, type TelegramOptions } from './telegram';
import { AlertRules, ruleMatches } from './rules';
import { AutoReports, type ReportBuilder } from './auto-reports';

import { mailText } from './mail-text';


export interface NotifierOptions {
  root: RootDatabase;
  alarms: AlarmLog;
  device: (id: number) => DeviceConfig | undefined;
  clock: Clock;
  log?: Logger;
  email?: EmailOptions;
  telegram?: Omit<TelegramOptions, 'clock' | 'log' | 'reply'>;
  /** The box's "Default language" (CSV settings): alert e-mails are written in it (SYS-3). */
  language?: () => CsvSettings['defaultLanguage'];
  backoffMs?: { min: number; max: number };
  expireMs?: number;
  /** The installation's time zone (automatic reports' moments are local midnights). */
  timezone: () => string;
  /** Makes an automatic report's attachments (PDF or CSV). */
  buildReport: ReportBuilder;
}

export class Notifier {
  readonly email: Email;
  readonly telegram: Telegram;
  readonly rules: AlertRules;
  readonly outbox: Outbox;
  readonly reports: AutoReports;
  private off: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: NotifierOptions) {
    const db = opts.root.openDB<unknown, string>({ name: 'notify' });
    this.log = opts.log ?? silentLogger;
    // before the e-mail settings are read: their older alert fields become a rule
    this.rules = new AlertRules(db);
    this.email = new Email(db, { ...opts.email, ...(opts.language ? { language: opts.language } : {}) });
    this.telegram = new Telegram(db, {
      ...opts.telegram, clock: opts.clock, log: this.log.child('telegram'),
      reply: (chatId, text) => { this.queue('telegram', { to: chatId, subject: 'Welcome', text }); },
    });
    this.outbox = new Outbox({
      db, clock: opts.clock, log: this.log,
      send: (channel, m) => (channel === 'telegram' ? this.telegram.send(m.to, m.subject ? `${m.subject}\n${m.text}` : m.text) : this.email.send(m)),
      ...(opts.backoffMs ? { minBackoffMs: opts.backoffMs.min, maxBackoffMs: opts.backoffMs.max } : {}),
      ...(opts.expireMs ? { expireMs: opts.expireMs } : {}),
    });
    this.reports = new AutoReports({
      db, clock: opts.clock, timezone: opts.timezone, build: opts.buildReport, log: this.log.child('reports'),
      enqueue: (m) => this.outbox.enqueue('email', m),
    });
  }

  start(): void {
    this.outbox.start();
    this.telegram.start();
    this.reports.start();
    this.off = this.opts.alarms.events.on('recorded', (a) => this.onAlarm(a));
  }

  async stop(): Promise<void> {
    this.off?.();
    await this.reports.stop();
    await this.telegram.stop();
    await this.outbox.stop();
  }

  private queue(channel: 'email' | 'telegram', m: { to: string; subject: string; text: string }): void {
    this.outbox.enqueue(channel, m).catch((err: unknown) => this.log.error('queuing a notification failed', { err, channel }));
  }

  private onAlarm(a: Alarm): void {
    const rules = this.rules.list().filter((r) => ruleMatches(r, a));
    if (rules.length === 0) return;
    if (a.deviceId !== undefined && this.opts.device(a.deviceId)?.excludeAlerts) {
      this.log.debug('alert not sent: the device excludes alerts', { deviceId: a.deviceId, type: a.type });
      return;
    }
    const tx = mailText(this.opts.language?.() ?? 'en');
    const where = a.gatewayName ? tx.where.replace('{gateway}', a.gatewayName).replace('{address}', String(a.address)) : '';
    const who = a.deviceName ? `${a.deviceName}${where ? ` (${where})` : ''}` : tx.box;
    const text = [`${tx.types[a.type]} — ${who}`, `${tx.when}: ${a.at}`, `${tx.details}: ${a.message}`].join('\n');
    // one message per recipient list and subject, one per Telegram person, however many rules match
    const sent = new Set<string>();
    for (const r of rules) {
      if (r.email.enabled && r.email.recipients) {
        const subject = r.email.subject ? `${r.email.subject} — ${tx.types[a.type]}: ${who}` : `[EWS] ${tx.types[a.type]}: ${who}`;
        const key = `email|${r.email.recipients}|${subject}`;
        if (!sent.has(key)) { sent.add(key); this.queue('email', { to: r.email.recipients, subject, text }); }
      }
      if (r.telegram) {
        for (const p of this.telegram.enabledPeople()) {
          const key = `telegram|${p.chatId}`;
          if (!sent.has(key)) { sent.add(key); this.queue('telegram', { to: p.chatId, subject: '', text }); }
        }
      }
    }
  }
}
