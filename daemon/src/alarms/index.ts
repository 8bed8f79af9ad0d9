/** Public face of alarms and notifications (NOTE-1, NOTE-4…6): the alarm log, what feeds it. */
export { AlarmLog, type AlarmLogOptions, type NewAlarm, type AlarmLogEvents } from './log';
export { AlarmWatcher, type WatchedSources } from './watcher';
export { Notifier, type NotifierOptions } from './notifier';
export { Email, EmailError, smtpErrorText, type EmailOptions, type MailMessage } from './email';
export { Outbox, type OutboxOptions } from './outbox';
