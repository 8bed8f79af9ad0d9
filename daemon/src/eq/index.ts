/**
 * @module eq
 * EQ-1 monitor: follows the readings of every gateway's EQ device (the poller's live and
 * background reads), keeps their 10-minute means and, when a week is over, checks it against
 * EN 50160 and keeps the result. Only in the editions that offer it (PM1WS32, PM1WS255).
 */
import { EQ_EDITIONS, type EqCheck, type EqView } from '@ews/shared';
import type { Database } from 'lmdb';
import type { ConfigStore } from '../config/index';
import type { Poller } from '../poll/index';
import { silentLogger, type Logger } from '../util/log';
import { checkWeek, weekStartMs, WindowAccumulator, WEEK_MS, type EqWindow } from './en50160';

export { checkWeek, weekStartMs, WindowAccumulator, WEEK_MS, type EqWindow } from './en50160';

const pad = (n: number) => String(n).padStart(15, '0');
const windowKey = (deviceId: number, startMs: number) => `w:${deviceId}:${pad(startMs)}`;
const checkKey = (deviceId: number, weekStart: number) => `c:${deviceId}:${pad(weekStart)}`;

export interface EqMonitorOptions {
  db: Database<unknown, string>;
  config: ConfigStore;
  poller: Poller;
  log?: Logger;
}

export class EqMonitor {
  private readonly accumulators = new Map<number, WindowAccumulator>();
  private readonly log: Logger;
  private off: (() => void) | undefined;

  constructor(private readonly opts: EqMonitorOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Ids of the gateways' EQ devices, when the edition offers the check. */
  eqDevices(): Set<number> {
    if (!EQ_EDITIONS.includes(this.opts.config.edition())) return new Set();
    return new Set(this.opts.config.gateways().map((g) => g.eqDeviceId).filter((id): id is number => typeof id === 'number'));
  }

  start(): void {
    this.off = this.opts.poller.events.on('state', (deviceId, state) => {
      if (state.status !== 'on' || state.at === null || !this.eqDevices().has(deviceId)) return;
      this.reading(deviceId, state.values, state.at).catch((err) => this.log.error('EQ reading not kept', { deviceId, err }));
    });
  }

  stop(): void { this.off?.(); this.off = undefined; }

  /** One reading of an EQ device; a finished 10-minute window is kept, a finished week checked. */
  async reading(deviceId: number, values: Record<string, { value: number | string }>, atMs: number): Promise<void> {
    let acc = this.accumulators.get(deviceId);
    if (!acc) { acc = new WindowAccumulator(); this.accumulators.set(deviceId, acc); }
    const done = acc.add(values, atMs);
    if (!done) return;
    await this.opts.db.put(windowKey(deviceId, done.startMs), done);
    // a reading in a later week closes the week of the window just kept: check it once
    const doneWeek = weekStartMs(done.startMs);
    if (weekStartMs(atMs) > doneWeek && this.opts.db.get(checkKey(deviceId, doneWeek)) === undefined) await this.check(deviceId, doneWeek);
  }

  /** Checks the week starting `weekStart` (Monday 00:00 UTC) and keeps the result. */
  async check(deviceId: number, weekStart: number): Promise<EqCheck> {
    const result = checkWeek(deviceId, weekStart, this.windows(deviceId, weekStart));
    await this.opts.db.put(checkKey(deviceId, weekStart), result);
    this.log.info('EN 50160 weekly check', { deviceId, weekStart: result.weekStart, ok: result.ok, failed: result.failed });
    return result;
  }

  windows(deviceId: number, weekStart: number): EqWindow[] {
    return [...this.opts.db.getRange({ start: windowKey(deviceId, weekStart), end: windowKey(deviceId, weekStart + WEEK_MS) })].map((e) => e.value as EqWindow);
  }

  view(deviceId: number, nowMs: number): EqView {
    const checks = [...this.opts.db.getRange({ start: `c:${deviceId};`, end: `c:${deviceId}:`, reverse: true })].map((e) => e.value as EqCheck);
    return {
      available: EQ_EDITIONS.includes(this.opts.config.edition()),
      eqDevice: this.eqDevices().has(deviceId),
      lastCheck: checks[0] ?? null,
      checks,
      windowsThisWeek: this.windows(deviceId, weekStartMs(nowMs)).length,
    };
  }
}
