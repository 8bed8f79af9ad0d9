/** Public face of alarms and notifications (NOTE-1, NOTE-4…6): the alarm log, what feeds it. */
export { AlarmLog, type AlarmLogOptions, type NewAlarm, type AlarmLogEvents } from './log';
export { AlarmWatcher, type WatchedSources } from './watcher';
