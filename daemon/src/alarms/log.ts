/**
 * @module alarms/log
 * The alarm log (NOTE-5): every event of the box and of the devices in LMDB, keyed by time so a
 * page is one range read (newest first), filtered by date, device and type, pruned by age.
 */
import type { Database, RootDatabase } from 'lmdb';
import { alarmSettingsSchema, DEFAULT_ALARM_SETTINGS, type Alarm, type AlarmPage, type AlarmQuery, type AlarmSettings } from '@ews/shared';
import { Emitter } from '../util/events';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export type NewAlarm = Omit<Alarm, 'id' | 'at'> & { atMs?: number };
export type AlarmLogEvents = { recorded: [alarm: Alarm]; settings: [settings: AlarmSettings] };

const DAY_MS = 86_400_000;
/** Keys: 13-digit epoch ms, '-', 6-digit sequence: string order is time order. */
const keyOf = (ms: number, seq: number) => `${String(Math.max(0, Math.floor(ms))).padStart(13, '0')}-${String(seq % 1_000_000).padStart(6, '0')}`;
const SETTINGS_KEY = 'settings';
const EVENT_PREFIX = 'e:';

export interface AlarmLogOptions {
  root: RootDatabase;
  clock?: Clock;
  log?: Logger;
  /** How often old events are pruned (default hourly). */
  pruneEveryMs?: number;
}

export class AlarmLog {
  readonly events = new Emitter<AlarmLogEvents>();
  private readonly db: Database<unknown, string>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private seq = 0;
  private settingsCache: AlarmSettings;
  private lastPruneMs = 0;
  private readonly pruneEveryMs: number;

  constructor(opts: AlarmLogOptions) {
    this.db = opts.root.openDB<unknown, string>({ name: 'alarms' });
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.pruneEveryMs = opts.pruneEveryMs ?? 3_600_000;
    const saved = alarmSettingsSchema.safeParse(this.db.get(SETTINGS_KEY));
    this.settingsCache = saved.success ? saved.data : DEFAULT_ALARM_SETTINGS;
    // keys stay unique across restarts within one millisecond
    for (const key of this.db.getKeys({ start: `${EVENT_PREFIX}~`, end: EVENT_PREFIX, reverse: true, limit: 1 })) this.seq = Number(String(key).slice(-6));
  }

  settings(): AlarmSettings { return this.settingsCache; }

  async setSettings(s: AlarmSettings): Promise<AlarmSettings> {
    const v = alarmSettingsSchema.parse(s);
    await this.db.put(SETTINGS_KEY, v);
    this.settingsCache = v;
    this.events.emit('settings', v);
    this.prune(true);
    return v;
  }

  /** Records an event (committed in the background; the listeners hear it at once). */
  record(input: NewAlarm): Alarm {
    const { atMs, ...rest } = input;
    const ms = atMs ?? this.clock.now();
    const id = keyOf(ms, ++this.seq);
    const alarm: Alarm = { id, at: new Date(ms).toISOString(), ...rest };
    this.db.put(EVENT_PREFIX + id, alarm).catch((err: unknown) => this.log.error('storing an alarm failed', { err, type: alarm.type }));
    this.log.info('alarm', { type: alarm.type, deviceId: alarm.deviceId, message: alarm.message });
    this.events.emit('recorded', alarm);
    this.prune(false);
    return alarm;
  }

  /** A page of events, newest first. */
  query(q: AlarmQuery): AlarmPage {
    const fromKey = q.from ? EVENT_PREFIX + keyOf(Date.parse(q.from), 0) : EVENT_PREFIX;
    // `to` is inclusive to the millisecond
    let startKey = q.to ? EVENT_PREFIX + keyOf(Date.parse(q.to) + 1, 0) : `${EVENT_PREFIX}~`;
    if (q.cursor && EVENT_PREFIX + q.cursor < startKey) startKey = EVENT_PREFIX + q.cursor;
    const items: Alarm[] = [];
    let next: string | undefined;
    for (const { key, value } of this.db.getRange({ start: startKey, end: fromKey, reverse: true })) {
      if (key === startKey) continue; // the cursor itself was on the previous page
      const a = value as Alarm;
      if (q.deviceId !== undefined && a.deviceId !== q.deviceId) continue;
      if (q.type !== undefined && a.type !== q.type) continue;
      if (items.length === q.limit) { next = items[items.length - 1].id; break; }
      items.push(a);
    }
    return next ? { items, next } : { items };
  }

  /** Deletes events older than the retention (at most once per `pruneEveryMs` unless forced). */
  prune(force: boolean): number {
    const now = this.clock.now();
    if (!force && now - this.lastPruneMs < this.pruneEveryMs) return 0;
    this.lastPruneMs = now;
    const end = EVENT_PREFIX + keyOf(now - this.settingsCache.retentionDays * DAY_MS, 0);
    const old = [...this.db.getKeys({ start: EVENT_PREFIX, end })];
    if (old.length === 0) return 0;
    this.db.transaction(() => { for (const k of old) void this.db.remove(k); }).catch((err: unknown) => this.log.error('pruning alarms failed', { err }));
    this.log.info('old alarms deleted', { count: old.length, retentionDays: this.settingsCache.retentionDays });
    return old.length;
  }
}
