/**
 * @module greenup/service
 * The Green'Up control loop around the pure controller: every `periodMs` (1 s) it reads the main
 * meter's per-phase currents on the bus's command lane (only the current registers, one short
 * transaction per block), takes the stations' reports from the poller (each with its age), runs
 * the controller and writes the setpoints and commands that differ from what the stations
 * report, also at command priority. Decisions (EV-6), overrides, settings and charging sessions
 * are kept in LMDB. The loop never throws: a bus fault is a reading that did not come.
 */
import type { Database, RootDatabase } from 'lmdb';
import {
  DEFAULT_GREENUP_SETTINGS, greenupSettingsSchema, resolveRegisters, type ChargingSession, type Decision, type GreenupOverride,
  type GreenupPhase, type GreenupSettings, type GreenupStatus, type ModelDef, type ResolvedRegister, type StationChargeState,
  type StationStatus, type DeviceConfig, type StationPriority,
} from '@ews/shared';
import { readRequestPdu, parseReadResponsePdu, writeSingleRequestPdu, ModbusError, type BusQueue } from '../modbus/index';
import { buildReadPlan, decodeBlock, type DecodedValue, type Poller, type ReadBlock } from '../poll/index';
import { Emitter } from '../util/events';
import { DomainError } from '../util/errors';
import { systemClock, type Clock, type Timer } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import {
  evaluate, initialControllerState, DEFAULT_CONTROLLER_OPTIONS, PHASE_LIST,
  type ControllerOptions, type ControllerOutput, type ControllerState, type MeterReading, type StationInput, type StationTarget,
} from './controller';

export type GreenupErrorCode = 'not-a-station' | 'no-session' | 'invalid' | 'write-failed' | 'not-found';
export class GreenupError extends DomainError<GreenupErrorCode> {
  constructor(code: GreenupErrorCode, message: string, readonly field?: string, options?: { cause?: unknown }) { super(code, message, options); }
}

export interface GreenupConfigView {
  devices(): readonly DeviceConfig[];
  device(id: number): DeviceConfig | undefined;
}
export interface CatalogView { get(family: string, model: string): ModelDef | undefined }
export interface BusAccess { bus(gatewayId: string): BusQueue | undefined }
/** Price per kWh of electricity in force at an instant (null: no tariff), and the currency. */
export interface PriceSource { priceAt(ms: number): number | null; currency(): string }

export interface GreenupOptions {
  root: RootDatabase;
  config: GreenupConfigView;
  catalog: CatalogView;
  poller: Pick<Poller, 'state' | 'liveRead'>;
  buses: BusAccess;
  prices?: PriceSource;
  clock?: Clock;
  log?: Logger;
  /** Control period (default 1000 ms). */
  periodMs?: number;
  controller?: Partial<ControllerOptions>;
  /** A station report older than this counts as silent (default 60 s; a failed read marks it at once). */
  stationMaxAgeMs?: number;
  /**
   * Station reports older than this are refreshed by the loop at live priority (the background
   * refresh alone falls behind on a bus busy with sample ticks), a few stations per cycle.
   */
  stationRefreshMs?: number;
  stationRefreshPerCycle?: number;
  /** Decisions kept (oldest dropped). */
  maxDecisions?: number;
}

export type GreenupEvents = {
  decision: [Decision];
  /** The settings were saved (the history folder rewrites `GreenUpSettings.csv`). */
  settings: [GreenupSettings];
  /** After each cycle: the meter reading's completion time and the writes it caused. */
  cycle: [info: { meterReadAt: number | null; output: ControllerOutput; writes: Array<{ deviceId: number; key: string; raw: number; at: number }> }];
};

interface StationCtx {
  config: DeviceConfig;
  model: ModelDef;
  registers: Map<string, ResolvedRegister>;
}

interface OpenSession { id: number; deviceId: number; start: number; lastWh: number; lastAh: number; cost: number | null }

const CHARGE_STATES: readonly StationChargeState[] = ['available', 'connected', 'charging', 'waiting', 'finished', 'error'];
const num = (v: DecodedValue | undefined): number | null => (v && typeof v.value === 'number' ? v.value : null);
const str = (v: DecodedValue | undefined): string | null => (v ? String(v.value) : null);

export class Greenup {
  readonly events = new Emitter<GreenupEvents>();
  private readonly db: Database<unknown, string>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly periodMs: number;
  private readonly controllerOptions: ControllerOptions;
  private state: ControllerState = initialControllerState();
  private settingsCache: GreenupSettings;
  private overrides = new Map<number, GreenupOverride>();
  private meter: MeterReading | undefined;
  private meterPlanFor: { key: string; blocks: ReadBlock[]; keys: Record<GreenupPhase, string> } | undefined;
  private last: ControllerOutput | undefined;
  private timer: Timer | undefined;
  private running = false;
  private cycling: Promise<void> | undefined;
  private decisionSeq: number;
  private sessionSeq: number;
  private open = new Map<number, OpenSession>();
  /** Last write per station register, not repeated before the station could report it. */
  private written = new Map<string, { raw: number; at: number }>();

  constructor(private readonly opts: GreenupOptions) {
    this.db = opts.root.openDB<unknown, string>({ name: 'greenup' });
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.periodMs = opts.periodMs ?? 1000;
    this.controllerOptions = { ...DEFAULT_CONTROLLER_OPTIONS, ...opts.controller };
    const saved = greenupSettingsSchema.safeParse(this.db.get('settings'));
    this.settingsCache = saved.success ? saved.data : DEFAULT_GREENUP_SETTINGS;
    for (const [id, o] of Object.entries((this.db.get('overrides') as Record<string, GreenupOverride> | undefined) ?? {})) this.overrides.set(Number(id), o);
    this.decisionSeq = this.lastSeq('d:');
    this.sessionSeq = this.lastSeq('s:');
    for (const { value } of this.db.getRange({ start: 's:', end: 's;' })) {
      const s = value as ChargingSession & { lastWh?: number; lastAh?: number };
      if (s.end === null) this.open.set(s.deviceId, { id: s.id, deviceId: s.deviceId, start: s.start, lastWh: s.energyWh, lastAh: s.ah, cost: s.cost });
    }
  }

  private lastSeq(prefix: string): number {
    for (const { key } of this.db.getRange({ start: `${prefix}~`, end: prefix, reverse: true, limit: 1 })) return Number(String(key).slice(prefix.length));
    return 0;
  }

  settings(): GreenupSettings { return this.settingsCache; }

  async setSettings(input: GreenupSettings): Promise<GreenupSettings> {
    const s = greenupSettingsSchema.parse(input);
    if (s.meterDeviceId !== null) {
      const d = this.opts.config.device(s.meterDeviceId);
      const model = d && this.opts.catalog.get(d.family, d.model);
      if (!d || !model) throw new GreenupError('invalid', `no device ${s.meterDeviceId}`, 'meterDeviceId');
      if (!this.phaseCurrentRegisters(model, d)) throw new GreenupError('invalid', `${d.name} has no per-phase currents`, 'meterDeviceId');
    }
    for (const p of s.priorities) if (!this.station(p.deviceId)) throw new GreenupError('invalid', `device ${p.deviceId} is not a charging station`, 'priorities');
    await this.db.put('settings', s);
    this.settingsCache = s;
    this.meterPlanFor = undefined;
    this.log.info('settings changed', { enabled: s.enabled, meterDeviceId: s.meterDeviceId });
    this.events.emit('settings', s);
    return s;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    await this.cycling;
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      const started = this.clock.monotonicMs();
      this.cycling = this.cycle().then(() => undefined, (err: unknown) => this.log.error('control cycle failed', { err }))
        .finally(() => { if (this.running) this.schedule(Math.max(0, this.periodMs - (this.clock.monotonicMs() - started))); });
    }, delayMs);
  }

  // ---- stations ---------------------------------------------------------------------------

  private stations(): StationCtx[] {
    const out: StationCtx[] = [];
    for (const d of this.opts.config.devices()) {
      if (d.family !== 'evStation' || !d.enabled) continue;
      const model = this.opts.catalog.get(d.family, d.model);
      if (!model?.station) continue;
      out.push({ config: d, model, registers: new Map(resolveRegisters(model, undefined, d.side).map((r) => [r.key, r])) });
    }
    return out;
  }

  private station(deviceId: number): StationCtx | undefined {
    return this.stations().find((s) => s.config.id === deviceId);
  }

  private phasesOf(s: StationCtx): GreenupPhase[] {
    return s.model.station!.phases === 1 ? [s.config.phase ?? 'L1'] : [...PHASE_LIST];
  }

  private priorityOf(deviceId: number): StationPriority {
    return this.settingsCache.priorities.find((p) => p.deviceId === deviceId)?.priority ?? 'normal';
  }

  private stationInput(s: StationCtx): StationInput & { values: Record<string, DecodedValue>; ageMs: number | null } {
    const st = this.opts.poller.state(s.config.id);
    const now = this.clock.now();
    const ageMs = st?.at !== null && st?.at !== undefined ? Math.max(0, now - st.at) : null;
    const online = st?.status === 'on' && ageMs !== null && ageMs <= (this.opts.stationMaxAgeMs ?? 60_000);
    const v = st?.values ?? {};
    const charge = str(v.chargeState);
    const phases = this.phasesOf(s);
    const currents = s.model.station!.phases === 1 ? [num(v.currentA) ?? 0] : PHASE_LIST.map((p) => num(v[`current${p}A`]) ?? 0);
    return {
      deviceId: s.config.id, phases, ratedCurrentA: num(v.ratedCurrentA) ?? s.model.station!.ratedCurrentA,
      minCurrentA: s.model.station!.minCurrentA, online,
      chargeState: charge && (CHARGE_STATES as readonly string[]).includes(charge) ? charge as StationChargeState : 'unknown',
      currentA: Math.max(0, ...currents), sessionAh: num(v.sessionAh) ?? 0, defaultPriority: this.priorityOf(s.config.id),
      values: v, ageMs,
    };
  }

  // ---- the main meter -----------------------------------------------------------------------

  private phaseCurrentRegisters(model: ModelDef, d: DeviceConfig): Record<GreenupPhase, ResolvedRegister> | undefined {
    const regs = resolveRegisters(model, d.position, d.side).filter((r) => r.group === 'current' && r.unit === 'A');
    const out: Partial<Record<GreenupPhase, ResolvedRegister>> = {};
    for (const p of PHASE_LIST) out[p] = regs.find((r) => r.phase === p);
    return out.L1 && out.L2 && out.L3 ? out as Record<GreenupPhase, ResolvedRegister> : undefined;
  }

  /** Reads the meter's three phase currents at command priority; undefined when it does not answer. */
  private async readMeter(): Promise<MeterReading | undefined> {
    const id = this.settingsCache.meterDeviceId;
    const d = id === null ? undefined : this.opts.config.device(id);
    const model = d && this.opts.catalog.get(d.family, d.model);
    if (!d || !model || !d.enabled) return undefined;
    const key = JSON.stringify(d);
    if (this.meterPlanFor?.key !== key) {
      const regs = this.phaseCurrentRegisters(model, d);
      if (!regs) return undefined;
      this.meterPlanFor = { key, blocks: buildReadPlan(Object.values(regs), model.connection), keys: { L1: regs.L1.key, L2: regs.L2.key, L3: regs.L3.key } };
    }
    const plan = this.meterPlanFor;
    const bus = this.opts.buses.bus(d.gatewayId);
    if (!bus) return undefined;
    const values: Record<string, DecodedValue> = {};
    try {
      for (const block of plan.blocks) {
        const pdu = await bus.run('command', (t) => t.request(d.address, readRequestPdu(block.fn, block.start, block.count), { interFrameDelayMs: model.connection.interFrameDelayMs }));
        const parsed = parseReadResponsePdu(pdu, block.fn, block.count);
        if (parsed.kind !== 'registers') return undefined;
        decodeBlock(block, parsed.words, model.connection.wordOrder, values);
      }
    } catch (err) {
      if (!(err instanceof ModbusError)) this.log.warn('meter read failed', { err });
      return undefined;
    }
    const perPhaseA = { L1: num(values[plan.keys.L1]) ?? 0, L2: num(values[plan.keys.L2]) ?? 0, L3: num(values[plan.keys.L3]) ?? 0 };
    return { perPhaseA, atMs: this.clock.now() };
  }

  // ---- the cycle ----------------------------------------------------------------------------

  /** One control cycle (exposed for tests). */
  async cycle(): Promise<ControllerOutput> {
    const s = this.settingsCache;
    let meterReadAt: number | null = null;
    if (s.enabled) {
      const r = await this.readMeter();
      if (r) { this.meter = r; meterReadAt = performance.now(); }
    }
    const ctxs = this.stations();
    const inputs = ctxs.map((c) => this.stationInput(c));
    if (s.enabled) this.refreshStale(inputs);
    this.trackSessions(ctxs, inputs);
    // overrides last for the current charge only: dropped when the car leaves
    for (const id of [...this.overrides.keys()]) {
      const i = inputs.find((x) => x.deviceId === id);
      if (!i || (i.online && (i.chargeState === 'available' || i.chargeState === 'error'))) { this.overrides.delete(id); void this.saveOverrides(); }
    }
    const output = evaluate(this.state, { now: this.clock.now(), settings: s, meter: s.enabled ? this.meter : undefined, stations: inputs, overrides: this.overrides }, this.controllerOptions);
    this.last = output;
    for (const d of output.decisions) this.record(d);
    const writes = await this.apply(ctxs, inputs, output.targets);
    this.events.emit('cycle', { meterReadAt, output, writes });
    return output;
  }

  /** Asks the poller for fresh reports of the stalest stations (not awaited: the next cycle uses them). */
  private refreshStale(inputs: Array<{ deviceId: number; ageMs: number | null }>): void {
    const staleMs = this.opts.stationRefreshMs ?? 5000;
    const stale = inputs.filter((i) => i.ageMs === null || i.ageMs > staleMs)
      .sort((a, b) => (b.ageMs ?? Infinity) - (a.ageMs ?? Infinity))
      .slice(0, this.opts.stationRefreshPerCycle ?? 1);
    for (const i of stale) void this.opts.poller.liveRead(i.deviceId, { force: true }).catch(() => undefined);
  }

  private async apply(ctxs: StationCtx[], inputs: Array<StationInput & { values: Record<string, DecodedValue>; ageMs: number | null }>, targets: StationTarget[]) {
    const writes: Array<{ deviceId: number; key: string; raw: number; at: number }> = [];
    const now = this.clock.now();
    const jobs = ctxs.map(async (c, i) => {
      const t = targets.find((x) => x.deviceId === c.config.id);
      const input = inputs[i];
      if (!t || !input.online) return;
      const w = c.model.station!.writes;
      const want: Array<[string, number]> = t.managed
        ? [[w.setpoint, t.setpointA], [w.command, t.command === 'start' ? 1 : 0], [w.managed, 1]]
        : [[w.managed, 0]];
      for (const [key, value] of want) {
        const reg = c.registers.get(key);
        if (!reg) continue;
        const raw = Math.round(value / reg.scale);
        const reported = input.values[key];
        const reportedRaw = reported === undefined ? undefined
          : typeof reported.value === 'number' ? Math.round(reported.value / reg.scale)
          : reg.states ? Number(Object.entries(reg.states).find(([, n]) => n === reported.value)?.[0]) : undefined;
        const memo = `${c.config.id}:${key}`;
        const last = this.written.get(memo);
        if (last && last.raw === raw) {
          // written already: again only if a report taken after that write still disagrees
          const reportAt = input.ageMs === null ? null : now - input.ageMs;
          if (reportedRaw === raw || reportAt === null || reportAt < last.at + 1000 || now - last.at < 3000) continue;
        }
        // never written by this loop: written once whatever the (possibly stale) report says
        try {
          await this.write(c, reg.address, raw);
          this.written.set(memo, { raw, at: now });
          writes.push({ deviceId: c.config.id, key, raw, at: performance.now() });
        } catch (err) {
          this.log.warn('station write failed', { deviceId: c.config.id, key, err: err instanceof Error ? err.message : String(err) });
          return;
        }
      }
    });
    await Promise.all(jobs);
    return writes;
  }

  private async write(c: StationCtx, address: number, raw: number): Promise<void> {
    const bus = this.opts.buses.bus(c.config.gatewayId);
    if (!bus) throw new GreenupError('write-failed', `gateway ${c.config.gatewayId} is off`);
    const pdu = await bus.run('command', (t) => t.request(c.config.address, writeSingleRequestPdu(address, raw), { interFrameDelayMs: c.model.connection.interFrameDelayMs }));
    if (pdu[0] & 0x80) throw ModbusError.exception(pdu[1] ?? 0);
  }

  private record(d: Decision): void {
    const seq = ++this.decisionSeq;
    void this.db.put(`d:${String(seq).padStart(12, '0')}`, d);
    const max = this.opts.maxDecisions ?? 20_000;
    if (seq > max) void this.db.remove(`d:${String(seq - max).padStart(12, '0')}`);
    this.events.emit('decision', d);
    this.log.info('decision', { rule: d.rule, zone: d.zone, deviceId: d.deviceId, fromA: d.fromA, toA: d.toA, reason: d.reason });
  }

  // ---- sessions -----------------------------------------------------------------------------

  private trackSessions(ctxs: StationCtx[], inputs: Array<StationInput & { values: Record<string, DecodedValue> }>): void {
    const now = this.clock.now();
    inputs.forEach((i, k) => {
      if (!i.online) return;
      const hasCar = i.chargeState === 'connected' || i.chargeState === 'charging' || i.chargeState === 'waiting' || i.chargeState === 'finished';
      const wh = num(i.values.sessionEnergyWh) ?? 0;
      const ah = num(i.values.sessionAh) ?? 0;
      let open = this.open.get(i.deviceId);
      if (hasCar && !open) {
        open = { id: ++this.sessionSeq, deviceId: i.deviceId, start: now, lastWh: wh, lastAh: ah, cost: null };
        this.open.set(i.deviceId, open);
        this.log.info('charging session started', { deviceId: i.deviceId, station: ctxs[k].config.name });
      }
      if (!open) return;
      if (hasCar) {
        const addWh = Math.max(0, wh - open.lastWh);
        const price = this.opts.prices?.priceAt(now) ?? null;
        if (addWh > 0 && price !== null) open.cost = (open.cost ?? 0) + (addWh / 1000) * price;
        open.lastWh = Math.max(open.lastWh, wh);
        open.lastAh = Math.max(open.lastAh, ah);
      }
      this.saveSession(open, hasCar ? null : now);
      if (!hasCar) { this.open.delete(i.deviceId); this.log.info('charging session ended', { deviceId: i.deviceId, energyWh: open.lastWh }); }
    });
  }

  private saveSession(o: OpenSession, end: number | null): void {
    const s: ChargingSession = {
      id: o.id, deviceId: o.deviceId, start: o.start, end, energyWh: Math.round(o.lastWh), ah: Math.round(o.lastAh * 100) / 100,
      cost: o.cost === null ? null : Math.round(o.cost * 10000) / 10000, currency: this.opts.prices?.currency() ?? 'EUR',
    };
    void this.db.put(`s:${String(o.id).padStart(12, '0')}`, s);
  }

  sessions(deviceId: number | undefined, limit: number): ChargingSession[] {
    const out: ChargingSession[] = [];
    for (const { value } of this.db.getRange({ start: 's:~', end: 's:', reverse: true })) {
      const s = value as ChargingSession;
      if (deviceId !== undefined && s.deviceId !== deviceId) continue;
      out.push(s);
      if (out.length >= limit) break;
    }
    return out;
  }

  decisions(limit: number): Decision[] {
    const out: Decision[] = [];
    for (const { value } of this.db.getRange({ start: 'd:~', end: 'd:', reverse: true, limit })) out.push(value as Decision);
    return out;
  }

  // ---- overrides and commands -----------------------------------------------------------------

  private async saveOverrides(): Promise<void> {
    await this.db.put('overrides', Object.fromEntries(this.overrides));
  }

  async setOverride(deviceId: number, o: GreenupOverride): Promise<StationStatus> {
    const c = this.station(deviceId);
    if (!c) throw new GreenupError('not-a-station', `device ${deviceId} is not a charging station`, 'deviceId');
    const i = this.stationInput(c);
    if (!['connected', 'charging', 'waiting', 'finished'].includes(i.chargeState)) throw new GreenupError('no-session', `no charge in progress on ${c.config.name}: overrides apply to the current charge only`, 'deviceId');
    const merged = { ...this.overrides.get(deviceId), ...o };
    this.overrides.set(deviceId, merged);
    await this.saveOverrides();
    this.log.info('override', { deviceId, ...merged });
    return this.stationStatus(c);
  }

  /** Enables or disables the EV plug or the domestic plug (written at command priority, read back by the poller). */
  async command(deviceId: number, cmd: { evPlug?: boolean; domesticPlug?: boolean }): Promise<StationStatus> {
    const c = this.station(deviceId);
    if (!c) throw new GreenupError('not-a-station', `device ${deviceId} is not a charging station`, 'deviceId');
    const w = c.model.station!.writes;
    const todo: Array<[string | undefined, boolean | undefined]> = [[w.evPlug, cmd.evPlug], [w.domesticPlug, cmd.domesticPlug]];
    for (const [key, on] of todo) {
      if (on === undefined) continue;
      const reg = key ? c.registers.get(key) : undefined;
      if (!reg) throw new GreenupError('invalid', `${c.model.label} has no domestic plug`, 'domesticPlug');
      try { await this.write(c, reg.address, on ? 1 : 0); } catch (err) {
        throw new GreenupError('write-failed', `${c.config.name} did not take the command: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
      }
      this.log.info('station command', { deviceId, key, on });
    }
    return this.stationStatus(c);
  }

  // ---- status -------------------------------------------------------------------------------

  private stationStatus(c: StationCtx): StationStatus {
    const i = this.stationInput(c);
    const v = i.values;
    const t = this.last?.targets.find((x) => x.deviceId === c.config.id);
    const sess = this.state.sessions.get(c.config.id);
    const o = this.overrides.get(c.config.id) ?? {};
    const bool = (k: string) => (v[k] ? v[k].value === 'enabled' : null);
    return {
      deviceId: c.config.id, name: c.config.name, model: c.model.model, address: c.config.address,
      ...(c.config.side ? { side: c.config.side } : {}),
      phases: i.phases, online: i.online, ageMs: i.ageMs,
      stationState: str(v.stationState), chargeState: i.chargeState, stationError: str(v.stationErrorState), chargeError: str(v.chargeErrorState),
      managed: v.managedState?.value === 'managed', evPlug: bool('evPlugState'), domesticPlug: bool('domesticPlugState'),
      state: this.settingsCache.enabled ? (t?.level ?? 'none') : 'unmanaged',
      setpointA: t?.setpointA ?? num(v.setpointA) ?? 0, currentA: i.currentA, ratedCurrentA: i.ratedCurrentA,
      priority: o.priority ?? i.defaultPriority, defaultPriority: i.defaultPriority, override: o,
      ahDelivered: num(v.sessionAh) ?? 0, energyWh: num(v.sessionEnergyWh) ?? 0,
      connectedAt: sess?.connectedAt ?? null, waitingSince: sess?.waitingSince ?? null,
      firmwareVersion: num(v.firmwareVersion), hardwareVersion: num(v.hardwareVersion),
    };
  }

  status(): GreenupStatus {
    const s = this.settingsCache;
    const out = this.last;
    const now = this.clock.now();
    const meterAgeMs = this.meter ? Math.max(0, now - this.meter.atMs) : null;
    const phase = (p: GreenupPhase) => ({ currentA: out?.currentsA[p] ?? (this.meter && s.enabled ? this.meter.perPhaseA[p] : null), zone: out?.zones[p] ?? 'green' });
    const idleReason = !s.enabled ? 'automatic management is OFF: every station follows its own settings'
      : s.meterDeviceId === null ? 'no total consumption meter is set' : undefined;
    return {
      enabled: s.enabled, ...(idleReason ? { idleReason } : {}),
      zone: out?.zone ?? 'green', perPhase: { L1: phase('L1'), L2: phase('L2'), L3: phase('L3') },
      maxCurrentA: s.maxCurrentA, maxChargingCurrentA: s.maxChargingCurrentA,
      failSafe: s.enabled && (out?.failSafe ?? false), meterAgeMs, meterDeviceId: s.meterDeviceId,
      stations: this.stations().map((c) => this.stationStatus(c)),
    };
  }
}
