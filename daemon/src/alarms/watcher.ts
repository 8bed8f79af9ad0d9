/**
 * @module alarms/watcher
 * Turns what the daemon already observes into alarm-log events (NOTE-4, NOTE-5): the poller's
 * device states (a communication error once it has lasted the configured delay, then its
 * recovery; a configuration error; a state change of a breaker or an EMS module), configuration changes (from the
 * audit trail), the Green'Up fail-safe (from its decisions) and the measures that cross an alert
 * rule's threshold for its delay, then come back (NOTE-4).
 */
import type { AlertRule, Decision, DeviceConfig, Gateway, StatusReason } from '@ews/shared';
import type { DeviceState } from '../poll/index';
import type { AlarmLog, NewAlarm } from './log';
import type { Clock, Timer } from '../util/clock';

type Off = () => void;
interface On<E extends Record<string, unknown[]>> { on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): Off }

export interface WatchedSources {
  poller: { events: On<{ state: [deviceId: number, state: DeviceState] }>; state(deviceId: number): DeviceState | undefined };
  config: {
    events: On<{ changed: [part: string] }>;
    device(id: number): DeviceConfig | undefined;
    gateway(id: string): Gateway | undefined;
    audit(limit?: number): Array<{ at: string; user: string; action: string; version: number }>;
  };
  greenup?: { events: On<{ decision: [Decision] }>; settings(): { meterDeviceId: number | null } };
  /** Alert rules with a threshold (NOTE-4): read on every sample of their device. */
  rules?: () => readonly AlertRule[];
}

interface ThresholdTrack {
  /** The rule's threshold as it was when tracking began (an edit starts over). */
  key: string;
  /** Since when the measure is beyond the value (epoch ms). */
  sinceMs?: number;
  raised: boolean;
}

/** Reasons that mean the device does not answer properly (BUS-5). */
const COMMUNICATION_REASONS: ReadonlySet<StatusReason> = new Set(['timeout', 'crc', 'exception', 'garbage', 'closed', 'unreachable']);

interface Tracked {
  /** When the current communication failure began (epoch ms). */
  failingSinceMs?: number;
  timer?: Timer;
  /** A communication error was logged and its recovery is not yet. */
  raised: boolean;
  configurationError: boolean;
  /** Enumerated states last read (breaker, contactor, inputs and outputs of EMS modules). */
  states?: Map<string, string>;
}

/** Families whose enumerated states are watched for changes (NOTE-4 "state change": breakers, EMS). */
const STATE_FAMILIES: ReadonlySet<string> = new Set(['breaker', 'ems', 'rcd']);

export class AlarmWatcher {
  private readonly tracked = new Map<number, Tracked>();
  private readonly thresholds = new Map<string, ThresholdTrack>();
  private offs: Off[] = [];
  private lastAudit: string | undefined;
  private auditPending = false;

  constructor(private readonly alarms: AlarmLog, private readonly src: WatchedSources, private readonly clock: Clock) {}

  start(version?: string): void {
    const first = this.src.config.audit(1)[0];
    this.lastAudit = first && `${first.at}#${first.version}#${first.action}`;
    this.alarms.record({ type: 'box-started', message: `EWS ${version ?? ''} started`.replace('  ', ' ') });
    this.offs.push(this.src.poller.events.on('state', (id, s) => this.onState(id, s)));
    this.offs.push(this.src.config.events.on('changed', (part) => this.onConfigChanged(part)));
    this.offs.push(this.alarms.events.on('settings', () => this.rescheduleFailing()));
    if (this.src.greenup) this.watchGreenup(this.src.greenup);
  }

  /** Green'Up is built after the poller starts: its fail-safe is watched from then on. */
  watchGreenup(greenup: NonNullable<WatchedSources['greenup']>): void {
    this.src.greenup = greenup;
    this.offs.push(greenup.events.on('decision', (d) => this.onDecision(d)));
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    for (const t of this.tracked.values()) if (t.timer) this.clock.clearTimeout(t.timer);
    this.tracked.clear();
    this.thresholds.clear();
  }

  /** Device fields of an event: names as they are now. */
  private about(deviceId: number): Pick<NewAlarm, 'deviceId' | 'deviceName' | 'gatewayId' | 'gatewayName' | 'address'> {
    const d = this.src.config.device(deviceId);
    if (!d) return { deviceId };
    const g = this.src.config.gateway(d.gatewayId);
    return { deviceId, deviceName: d.name, gatewayId: d.gatewayId, ...(g ? { gatewayName: g.name } : {}), address: d.address };
  }

  private onState(id: number, s: DeviceState): void {
    let t = this.tracked.get(id);
    if (!t) { t = { raised: false, configurationError: false }; this.tracked.set(id, t); }
    const communicationFailure = s.status === 'error' && s.reason !== undefined && COMMUNICATION_REASONS.has(s.reason);
    if (communicationFailure) {
      if (t.failingSinceMs === undefined) {
        t.failingSinceMs = this.clock.now();
        const delayMs = this.alarms.settings().communicationDelayS * 1000;
        t.timer = this.clock.setTimeout(() => this.checkStillFailing(id), delayMs);
      }
    } else {
      if (t.timer) { this.clock.clearTimeout(t.timer); t.timer = undefined; }
      const sinceMs = t.failingSinceMs;
      t.failingSinceMs = undefined;
      if (t.raised && s.status === 'on') {
        t.raised = false;
        const downS = sinceMs === undefined ? null : Math.round((this.clock.now() - sinceMs) / 1000);
        this.alarms.record({ type: 'communication-restored', ...this.about(id), message: `the device answers again${downS === null ? '' : ` after ${downS} s`}` });
      } else if (s.status === 'off') t.raised = false; // disabled: nothing more to watch
    }
    const configurationError = s.status === 'error' && s.reason === 'configuration';
    if (configurationError && !t.configurationError) {
      this.alarms.record({ type: 'configuration-error', ...this.about(id), message: s.detail ?? 'configuration error' });
    }
    t.configurationError = configurationError;
    if (s.status === 'on' && STATE_FAMILIES.has(this.src.config.device(id)?.family ?? '')) {
      const seen = (t.states ??= new Map());
      for (const [key, v] of Object.entries(s.values)) {
        if (v.unit !== 'state' || typeof v.value !== 'string') continue;
        const before = seen.get(key);
        if (before !== undefined && before !== v.value) {
          this.alarms.record({ type: 'state-change', ...this.about(id), message: key === 'breakerState' ? `${before} → ${v.value}` : `${key}: ${before} → ${v.value}` });
        }
        seen.set(key, v.value);
      }
    }
    if (s.status === 'on') this.checkThresholds(id, s);
  }

  /** A measure beyond a rule's value for its delay raises `threshold-exceeded`; back within, `threshold-restored`. */
  private checkThresholds(id: number, s: DeviceState): void {
    const rules = this.src.rules?.() ?? [];
    for (const rule of rules) {
      const th = rule.threshold;
      if (!rule.enabled || !th || th.deviceId !== id || !rule.events.includes('threshold')) continue;
      const v = s.values[th.quantity];
      if (!v || typeof v.value !== 'number' || !Number.isFinite(v.value)) continue;
      const key = JSON.stringify(th);
      let track = this.thresholds.get(rule.id);
      if (!track || track.key !== key) { track = { key, raised: false }; this.thresholds.set(rule.id, track); }
      const beyond = th.direction === 'above' ? v.value > th.value : v.value < th.value;
      const now = this.clock.now();
      const unit = v.unit ? ` ${v.unit}` : '';
      if (beyond) {
        track.sinceMs ??= now;
        if (!track.raised && now - track.sinceMs >= th.forS * 1000) {
          track.raised = true;
          const forS = Math.round((now - track.sinceMs) / 1000);
          this.alarms.record({ type: 'threshold-exceeded', ...this.about(id), ruleId: rule.id, message: `${rule.name}: ${th.quantity} ${v.value}${unit} ${th.direction} ${th.value}${unit} for ${forS} s` });
        }
      } else {
        track.sinceMs = undefined;
        if (track.raised) {
          track.raised = false;
          this.alarms.record({ type: 'threshold-restored', ...this.about(id), ruleId: rule.id, message: `${rule.name}: ${th.quantity} ${v.value}${unit} back ${th.direction === 'above' ? 'below' : 'above'} ${th.value}${unit}` });
        }
      }
    }
  }

  /** A changed delay applies to the failures already under way. */
  private rescheduleFailing(): void {
    const delayMs = this.alarms.settings().communicationDelayS * 1000;
    for (const [id, t] of this.tracked) {
      if (t.failingSinceMs === undefined || t.raised) continue;
      if (t.timer) this.clock.clearTimeout(t.timer);
      t.timer = this.clock.setTimeout(() => this.checkStillFailing(id), t.failingSinceMs + delayMs - this.clock.now());
    }
  }

  private checkStillFailing(id: number): void {
    const t = this.tracked.get(id);
    if (!t || t.failingSinceMs === undefined) return;
    t.timer = undefined;
    const s = this.src.poller.state(id);
    if (!s || s.status !== 'error' || !s.reason || !COMMUNICATION_REASONS.has(s.reason)) return;
    if (t.raised) return;
    t.raised = true;
    const forS = Math.round((this.clock.now() - t.failingSinceMs) / 1000);
    this.alarms.record({ type: 'communication-error', ...this.about(id), message: `no valid answer for ${forS} s: ${s.reason}${s.detail ? ` (${s.detail})` : ''}` });
  }

  /** One event per configuration change (a change touching several parts is one audit entry). */
  private onConfigChanged(part: string): void {
    if (part === 'devices') {
      for (const id of [...this.tracked.keys()]) {
        if (!this.src.config.device(id)) { const t = this.tracked.get(id)!; if (t.timer) this.clock.clearTimeout(t.timer); this.tracked.delete(id); }
      }
    }
    if (this.auditPending) return;
    this.auditPending = true;
    queueMicrotask(() => {
      this.auditPending = false;
      const e = this.src.config.audit(1)[0];
      if (!e) return;
      const key = `${e.at}#${e.version}#${e.action}`;
      if (key === this.lastAudit) return;
      this.lastAudit = key;
      this.alarms.record({ type: 'configuration-change', message: `${e.action} (by ${e.user})` });
    });
  }

  private onDecision(d: Decision): void {
    if (d.deviceId !== undefined) return; // per-station lines of the same event
    if (d.rule !== 'fail-safe' && d.rule !== 'fail-safe-end') return;
    const meter = this.src.greenup?.settings().meterDeviceId;
    this.alarms.record({ type: d.rule, ...(meter ? this.about(meter) : {}), atMs: d.at, message: `Green'Up: ${d.reason}` });
  }
}
