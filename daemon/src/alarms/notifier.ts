/**
 * @module alarms/notifier
 * Alert e-mails (NOTE-4): each event of the alarm log whose type the e-mail settings select goes
 * to the alert recipients through the outbox, unless its device is set to "exclude alerts"
 * (CAT-2). Notifications and their outbox (NOTE-6) live in their own LMDB database.
 */
import type { RootDatabase } from 'lmdb';
import type { Alarm, CsvSettings, DeviceConfig } from '@ews/shared';
import type { Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { AlarmLog } from './log';
import { Email, type EmailOptions } from './email';
import { Outbox } from './outbox';
import { mailText } from './mail-text';


export interface NotifierOptions {
  root: RootDatabase;
  alarms: AlarmLog;
  device: (id: number) => DeviceConfig | undefined;
  clock: Clock;
  log?: Logger;
  email?: EmailOptions;
  /** The box's "Default language" (CSV settings): alert e-mails are written in it (SYS-3). */
  language?: () => CsvSettings['defaultLanguage'];
  backoffMs?: { min: number; max: number };
  expireMs?: number;
}

export class Notifier {
  readonly email: Email;
  readonly outbox: Outbox;
  private off: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: NotifierOptions) {
    const db = opts.root.openDB<unknown, string>({ name: 'notify' });
    this.log = opts.log ?? silentLogger;
    this.email = new Email(db, { ...opts.email, ...(opts.language ? { language: opts.language } : {}) });
    this.outbox = new Outbox({
      db, send: (m) => this.email.send(m), clock: opts.clock, log: this.log,
      ...(opts.backoffMs ? { minBackoffMs: opts.backoffMs.min, maxBackoffMs: opts.backoffMs.max } : {}),
      ...(opts.expireMs ? { expireMs: opts.expireMs } : {}),
    });
  }

  start(): void {
    this.outbox.start();
    this.off = this.opts.alarms.events.on('recorded', (a) => this.onAlarm(a));
  }

  async stop(): Promise<void> {
    this.off?.();
    await this.outbox.stop();
  }

  private onAlarm(a: Alarm): void {
    const s = this.email.stored();
    if (!s.alertRecipients || !s.alertTypes.includes(a.type)) return;
    if (a.deviceId !== undefined && this.opts.device(a.deviceId)?.excludeAlerts) return;
    const tx = mailText(this.opts.language?.() ?? 'en');
    const where = a.gatewayName ? tx.where.replace('{gateway}', a.gatewayName).replace('{address}', String(a.address)) : '';
    const who = a.deviceName ? `${a.deviceName}${where ? ` (${where})` : ''}` : tx.box;
    const subject = `[EWS] ${tx.types[a.type]}: ${who}`;
    const text = [`${tx.types[a.type]} — ${who}`, `${tx.when}: ${a.at}`, `${tx.details}: ${a.message}`].join('\n');
    this.outbox.enqueue('email', { to: s.alertRecipients, subject, text })
      .catch((err: unknown) => this.log.error('queuing an alert e-mail failed', { err, type: a.type }));
  }
}
