/**
 * @module poll/poller
 * Reads devices through their bus queues: the sample tick aligned to the wall clock (STO-1),
 * on-demand live reads (STO-2), and a low-priority background refresh that keeps statuses and
 * live values current and lets a faulty device recover by itself, with back-off (BUS-5).
 * Each read-plan block is its own bus job, so higher priorities interleave between them.
 */
import type { DeviceConfig, ModelDef } from '@ews/shared';
import { readRequestPdu, parseReadResponsePdu, ModbusError, type BusQueue, type Priority, type LinkStatus } from '../modbus/index';
import { planDevice, decodeBlock, type DevicePlan, type DecodedValue } from './plan';
import { initialState, failureReason, type DeviceState } from './device-state';
import { Emitter } from '../util/events';
import { systemClock, type Clock, type Timer } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export interface PollDevice {
  config: DeviceConfig;
  model: ModelDef | undefined;
}

export interface SampleReading {
  deviceId: number;
  ok: boolean;
  values?: Record<string, DecodedValue>;
  reason?: DeviceState['reason'];
}

export interface SampleTick {
  /** Slot start (epoch ms, multiple of the sample interval). */
  slotMs: number;
  readings: SampleReading[];
  /** How long the tick's reads took, and how late after its slot it started (its schedule kept?). */
  durationMs?: number;
  lateMs?: number;
}

export interface GatewayAccess {
  bus(gatewayId: string): BusQueue | undefined;
  linkStatus(gatewayId: string): LinkStatus | undefined;
  /** Resolves when the gateway's link status changes (background loop waits on it). */
  onLinkStatus(gatewayId: string, fn: (s: LinkStatus) => void): () => void;
}

export interface PollerOptions {
  gateways: GatewayAccess;
  clock?: Clock;
  log?: Logger;
  sampleIntervalMs: number;
  /** Background refresh period of a healthy device. */
  refreshMs?: number;
  /** First and largest back-off of a device in error. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Live reads younger than this are served from the cache. */
  liveMaxAgeMs?: number;
}

interface Entry {
  config: DeviceConfig;
  plan: DevicePlan | undefined;
  state: DeviceState;
  nextDueMs: number;
  inflight: Promise<DeviceState> | undefined;
}

/** What a device is read with: its model and its own settings; the device cannot be read without them. */
export type ProbeTarget = Pick<DeviceConfig, 'gatewayId' | 'family' | 'model' | 'address' | 'position' | 'side' | 'generic' | 'remoteAddress' | 'supply'>;

/** The read plan of a device, or why it has none. */
function planOf(config: ProbeTarget, model: ModelDef | undefined): { plan?: DevicePlan; configError?: string } {
  if (!model) return { configError: `model ${config.family}/${config.model} is not in the catalogue` };
  if (model.parameters.includes('genericRegister') && !config.generic) return { configError: 'generic meter without register settings' };
  if (model.parameters.includes('remoteAddress') && config.remoteAddress === undefined) return { configError: 'WSMEASURE device without its Remote ID' };
  return { plan: planDevice(model, { position: config.position, side: config.side, generic: config.generic, remoteAddress: config.remoteAddress, supply: config.supply }) };
}

export type PollerEvents = { state: [deviceId: number, state: DeviceState]; sample: [tick: SampleTick] };

export class Poller {
  readonly events = new Emitter<PollerEvents>();
  private entries = new Map<number, Entry>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private running = false;
  private tickTimer: Timer | undefined;
  private scheduledSlotMs = -Infinity;
  private loops = new Map<string, { wake: () => void; stop: () => void }>();
  private opts: Required<Omit<PollerOptions, 'clock' | 'log' | 'gateways'>> & { gateways: GatewayAccess };

  constructor(options: PollerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.opts = {
      refreshMs: 5000, minBackoffMs: 2000, maxBackoffMs: 60_000, liveMaxAgeMs: 1500, ...options,
    } as typeof this.opts;
  }

  /** Replaces the device list; states of unchanged devices are kept. */
  setDevices(devices: PollDevice[]): void {
    const next = new Map<number, Entry>();
    for (const { config, model } of devices) {
      const old = this.entries.get(config.id);
      const sameShape = old && JSON.stringify(old.config) === JSON.stringify(config);
      if (sameShape && old) { next.set(config.id, old); continue; }
      const { plan, configError } = planOf(config, model);
      next.set(config.id, {
        config, plan, state: initialState(config.enabled, configError), nextDueMs: 0, inflight: undefined,
      });
    }
    this.entries = next;
    for (const e of next.values()) this.events.emit('state', e.config.id, e.state);
    if (this.running) this.syncLoops();
  }

  setSampleInterval(ms: number): void {
    this.opts.sampleIntervalMs = ms;
    if (this.running) this.scheduleTick();
  }

  state(deviceId: number): DeviceState | undefined { return this.entries.get(deviceId)?.state; }
  plan(deviceId: number): DevicePlan | undefined { return this.entries.get(deviceId)?.plan; }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.syncLoops();
    this.scheduleTick();
  }

  stop(): void {
    this.running = false;
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    for (const l of this.loops.values()) l.stop();
    this.loops.clear();
  }

  /** Reads a device now at live priority, unless a fresh reading is cached (STO-2). */
  liveRead(deviceId: number, opts: { force?: boolean } = {}): Promise<DeviceState | undefined> {
    const e = this.entries.get(deviceId);
    if (!e) return Promise.resolve(undefined);
    if (!e.plan || !e.config.enabled) return Promise.resolve(e.state);
    if (!opts.force && e.state.status === 'on' && e.state.at !== null && this.clock.now() - e.state.at < this.opts.liveMaxAgeMs) return Promise.resolve(e.state);
    return this.read(e, 'live', opts.force);
  }

  /**
   * Reads a device that is not configured (yet) once, at live priority: the device form's
   * "Test" before saving (CAT-2). No state, no back-off, no event: nothing is kept.
   */
  async probe(target: ProbeTarget, model: ModelDef | undefined): Promise<DeviceState> {
    const { plan, configError } = planOf(target, model);
    if (!plan) return initialState(true, configError);
    try {
      const values = await this.readPlan(target.gatewayId, target.address, plan, 'live');
      return { status: 'on', at: this.clock.now(), values, failures: 0 };
    } catch (err) {
      const { reason, detail } = failureReason(err);
      return { status: 'error', at: null, values: {}, reason, ...(detail ? { detail } : {}), failures: 1 };
    }
  }

  /** Runs one sample tick for `slotMs` (exposed for tests and for catch-up). */
  async runTick(slotMs: number): Promise<SampleTick> {
    const startedMs = this.clock.monotonicMs();
    const lateMs = Math.max(0, this.clock.now() - slotMs);
    const entries = [...this.entries.values()].filter((e) => e.config.enabled && e.plan);
    const readings = await Promise.all(entries.map(async (e): Promise<SampleReading> => {
      const s = await this.read(e, 'tick', true);
      return s.status === 'on' && s.at !== null && s.at >= slotMs
        ? { deviceId: e.config.id, ok: true, values: s.values }
        : { deviceId: e.config.id, ok: false, ...(s.reason ? { reason: s.reason } : {}) };
    }));
    const tick: SampleTick = { slotMs, readings, durationMs: this.clock.monotonicMs() - startedMs, lateMs };
    this.events.emit('sample', tick);
    return tick;
  }

  private scheduleTick(): void {
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    const interval = this.opts.sampleIntervalMs;
    const now = this.clock.now();
    let next = Math.floor(now / interval) * interval + interval;
    // A timer may fire a little before the wall clock reaches its slot: never schedule that slot twice
    // (unless the clock was set back by more than an interval: then the aligned slot is right).
    if (next <= this.scheduledSlotMs && this.scheduledSlotMs - now < interval) next = Math.floor(this.scheduledSlotMs / interval) * interval + interval;
    this.scheduledSlotMs = next;
    this.tickTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.scheduleTick();
      this.runTick(next).catch((err) => this.log.error('tick failed', { err }));
    }, next - now);
  }

  /** Reads every block of a device; one bus job per block. `fresh` bypasses in-flight sharing. */
  private read(e: Entry, priority: Priority, fresh = false): Promise<DeviceState> {
    if (e.inflight && !fresh) return e.inflight;
    const p = this.readBlocks(e, priority).finally(() => { if (e.inflight === p) e.inflight = undefined; });
    if (!fresh || !e.inflight) e.inflight = p;
    return p;
  }

  private async readBlocks(e: Entry, priority: Priority): Promise<DeviceState> {
    let values: Record<string, DecodedValue>;
    try {
      values = await this.readPlan(e.config.gatewayId, e.config.address, e.plan!, priority);
    } catch (err) {
      if (err instanceof ModbusError && err.code === 'cancelled') return e.state;
      const { reason, detail } = failureReason(err);
      const failures = e.state.failures + 1;
      const state: DeviceState = { ...e.state, status: 'error', reason, ...(detail ? { detail } : {}), failures };
      if (!detail) delete state.detail;
      this.setState(e, state);
      const backoff = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(10, failures - 1));
      e.nextDueMs = this.clock.monotonicMs() + backoff;
      return state;
    }
    const state: DeviceState = { status: 'on', at: this.clock.now(), values, failures: 0 };
    this.setState(e, state);
    e.nextDueMs = this.clock.monotonicMs() + this.opts.refreshMs;
    return state;
  }

  /** Every block of a read plan, one bus job each; throws the bus's error. */
  private async readPlan(gatewayId: string, unit: number, plan: DevicePlan, priority: Priority): Promise<Record<string, DecodedValue>> {
    const bus = this.opts.gateways.bus(gatewayId);
    const values: Record<string, DecodedValue> = {};
    if (!bus) throw new ModbusError('unreachable', `gateway ${gatewayId} is off or missing`);
    for (const block of plan.blocks) {
      const pdu = await bus.run(priority, (t) => t.request(unit, readRequestPdu(block.fn, block.start, block.count), { interFrameDelayMs: plan.interFrameDelayMs }));
      const parsed = parseReadResponsePdu(pdu, block.fn, block.count);
      if (parsed.kind === 'exception') throw ModbusError.exception(parsed.code);
      if (parsed.kind === 'invalid') throw new ModbusError('garbage', parsed.why);
      decodeBlock(block, parsed.words, plan.wordOrder, values);
    }
    return values;
  }

  private setState(e: Entry, state: DeviceState): void {
    const was = e.state;
    e.state = state;
    if (was.status !== state.status || was.reason !== state.reason) {
      this.log.info(state.status === 'on' ? 'device on' : 'device error', {
        deviceId: e.config.id, address: e.config.address, gateway: e.config.gatewayId, reason: state.reason,
      });
    }
    this.events.emit('state', e.config.id, state);
  }

  /** One background loop per gateway that has devices. */
  private syncLoops(): void {
    const gateways = new Set([...this.entries.values()].filter((e) => e.config.enabled && e.plan).map((e) => e.config.gatewayId));
    for (const [id, loop] of this.loops) if (!gateways.has(id)) { loop.stop(); this.loops.delete(id); }
    for (const id of gateways) {
      const existing = this.loops.get(id);
      if (existing) existing.wake();
      else this.loops.set(id, this.backgroundLoop(id));
    }
  }

  private backgroundLoop(gatewayId: string): { wake: () => void; stop: () => void } {
    let stopped = false;
    let timer: Timer | undefined;
    let wakeUp: (() => void) | undefined;
    const offLink = this.opts.gateways.onLinkStatus(gatewayId, (s) => {
      if (s.state !== 'open') {
        // The whole gateway is down: every device on it shows why.
        for (const e of this.entries.values()) {
          if (e.config.gatewayId !== gatewayId || !e.config.enabled || !e.plan) continue;
          const err = s.state === 'down' && !s.everOpened ? 'unreachable' : 'closed';
          if (e.state.reason !== err) this.setState(e, { ...e.state, status: 'error', reason: err, detail: s.state === 'down' ? s.reason : 'stopped' });
        }
      } else {
        for (const e of this.entries.values()) if (e.config.gatewayId === gatewayId) e.nextDueMs = 0;
      }
      wakeUp?.();
    });
    const wait = (ms: number) => new Promise<void>((resolve) => {
      wakeUp = () => { if (timer) this.clock.clearTimeout(timer); wakeUp = undefined; resolve(); };
      timer = this.clock.setTimeout(() => { wakeUp = undefined; resolve(); }, ms);
    });
    const loop = async () => {
      while (!stopped && this.running) {
        const link = this.opts.gateways.linkStatus(gatewayId);
        if (!link || link.state !== 'open') { await wait(1000); continue; }
        const due = [...this.entries.values()]
          .filter((e) => e.config.gatewayId === gatewayId && e.config.enabled && e.plan)
          .sort((a, b) => a.nextDueMs - b.nextDueMs)[0];
        if (!due) { await wait(1000); continue; }
        const delay = due.nextDueMs - this.clock.monotonicMs();
        if (delay > 1) { await wait(delay); continue; }
        await this.read(due, 'background');
      }
    };
    loop().catch((err) => this.log.error('background loop failed', { gatewayId, err }));
    return {
      wake: () => wakeUp?.(),
      stop: () => { stopped = true; offLink(); wakeUp?.(); },
    };
  }
}
