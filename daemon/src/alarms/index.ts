/** Public face of alarms and notifications (NOTE-1, NOTE-4…6): the alarm log, what feeds it. */
export { AlarmLog, type AlarmLogOptions, type NewAlarm, type AlarmLogEvents } from './log';
export { AlarmWatcher, type WatchedSources } from './watcher';
export { Notifier, type NotifierOptions } from './notifier';
export { Email, EmailError, smtpErrorText, type EmailOptions, type MailMessage, type Attachment } from './email';
export { Telegram, TelegramError, type TelegramOptions } from './telegram';
export { AlertRules, AlertRuleError, ruleMatches, migrateAlertSettings } from './rules';
export { AutoReports, AutoReportError, latestMomentDate, nextMomentDate, coveredPeriod, type ReportBuilder, type ReportJob } from './auto-reports';
export { Outbox, type OutboxOptions, type Channel } from './outbox';
export { reportBuilder, reportBaseName, summaryScopes, type ReportSources } from './report-builder';
