/**
 * @module sim/slave
 * A simulated Modbus slave built from a catalogue model: its register map comes from
 * `resolveRegisters`, its values from the profile/physics at the injected clock's time, and its
 * counters integrate power (or flow) over simulated time, so they never go backwards.
 * A pulse concentrator is one slave per Modbus address combining several positions
 * (`combineSlaves`).
 */
import { resolveRegisters, genericRegisters, positionOffset, type GenericRegister, type ModelDef, type ResolvedRegister } from '@ews/shared';
import { modbus, systemClock, type Clock } from '@ews/daemon';
import { hash01 } from './noise';
import { addPhaseCurrents, electricalState, type ElectricalParams, type ElectricalState, type SupplyDisturbance } from './physics';
import { isSimProfile, type SimProfile } from './profiles';
import { encodeValue, engineeringValue, type Counters } from './values';
import { createStateTable, type StateTable } from './states';

/** Words keyed by `wordKey(fn, address)`. */
export type WordMap = ReadonlyMap<number, number>;
export const wordKey = (fn: number, address: number): number => fn * 0x10000 + address;

export interface SimSlave {
  readonly address: number;
  readonly name: string;
  /** Input number of a pulse counter behind a concentrator. */
  readonly position?: number;
  /** One consistent snapshot of every register word at the current simulated time. */
  snapshot(): WordMap;
  /** Answers a request PDU (exception 2 for addresses outside the map). */
  serve(pdu: Uint8Array): Uint8Array;
  read(fn: 3 | 4, address: number): number | undefined;
  /** FC06/FC16 target: only enumerated state registers accept known state values. */
  write(address: number, value: number): boolean;
  /** True active import counter (float Wh), summed over members for a concentrator. */
  energyWh(): number;
  /** Engineering values by register key (prefixed `p<position>.` for concentrator members). */
  values(): Record<string, number>;
  /** Sets an enumerated register (breaker state, outputs) by key; false if unknown. */
  setState(key: string, raw: number): boolean;
  simTimeMs(): number;
}

export interface SimSlaveOptions {
  address: number;
  /** Input number for pulse counters (1-based); offsets the register map and the identity. */
  position?: number;
  /** Generic meter: the one register from the device configuration. */
  generic?: GenericRegister;
  seed: number;
  nominalPowerW?: number;
  profile?: SimProfile;
  clock?: Clock;
  /** Simulated ms per clock ms (default 1). */
  timeScale?: number;
  /** A supply disturbance (bad EN 50160 week, `badSupplyWeek`). */
  supply?: SupplyDisturbance;
  name?: string;
  /**
   * Unmapped words inside the map (holes no longer than the model's
   * `connection.maxGapRegisters`, which the daemon's coalesced reads may span): 'zero' (default,
   * reserved registers read as 0) or 'exception' (strict device: exception 2 like any unmapped word).
   */
  gaps?: 'zero' | 'exception';
  /**
   * Current drawn downstream of this meter on L1, L2, L3 on top of its profile (the charging
   * stations behind an installation's main meter), at the moment of the reading.
   */
  extraPhaseCurrentsA?: () => readonly [number, number, number];
}

/** Longest integration step, simulated ms (profiles change slower than this). */
const STEP_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Word keys of the holes a coalesced read may span (≤ maxGap words between mapped words). */
function gapWordKeys(registers: readonly ResolvedRegister[], maxGap: number): number[] {
  const out: number[] = [];
  for (const fn of [3, 4] as const) {
    const mapped = [...new Set(registers.filter((r) => r.fn === fn).flatMap((r) => Array.from({ length: r.words }, (_, i) => r.address + i)))].sort((a, b) => a - b);
    for (let i = 1; i < mapped.length; i++) {
      const hole = mapped[i] - mapped[i - 1] - 1;
      if (hole > 0 && hole <= maxGap) for (let a = mapped[i - 1] + 1; a < mapped[i]; a++) out.push(wordKey(fn, a));
    }
  }
  return out;
}

interface Sample { activeW: number; reactiveVar: number; apparentVA: number; flowDm3PerH: number }

export function createSimSlave(model: ModelDef, opts: SimSlaveOptions): SimSlave {
  const clock = opts.clock ?? systemClock;
  const timeScale = opts.timeScale ?? 1;
  const registers = model.family === 'generic' && opts.generic ? genericRegisters(opts.generic) : resolveRegisters(model, opts.position);
  const wordOrder = model.connection.wordOrder;
  const seed = opts.seed >>> 0;
  const simProfile = model.simulation?.profile;
  const profile: SimProfile = opts.profile ?? (simProfile && isSimProfile(simProfile) ? simProfile : 'flat');
  const nominalPowerW = opts.nominalPowerW ?? model.simulation?.nominalPowerW ?? 3000;
  const phaseCount: 1 | 3 = model.simulation?.phases ?? (registers.some((r) => r.phase === 'L2') ? 3 : 1);
  const isFlow = model.energyType === 'water' || model.energyType === 'gas';
  /** dm³/h at full "load": a shower for water (W/5), a boiler's gas at 10.5 kWh/m³ for gas. */
  const nominalFlowDm3PerH = model.energyType === 'water' ? nominalPowerW / 5 : nominalPowerW / 10.5;
  const states: StateTable = createStateTable(registers, seed);
  const params = (): ElectricalParams => ({ seed, profile, nominalPowerW, phaseCount, energised: states.energised(), ...(opts.supply ? { supply: opts.supply } : {}) });

  const wall0 = clock.now();
  const simTimeMs = (): number => wall0 + (clock.now() - wall0) * timeScale;

  const sample = (simMs: number): { e: ElectricalState; s: Sample } => {
    const base = electricalState(params(), simMs);
    const e = opts.extraPhaseCurrentsA && states.energised() ? addPhaseCurrents(base, opts.extraPhaseCurrentsA()) : base;
    const flow = isFlow ? Math.max(0, e.activePowerW / nominalPowerW) * nominalFlowDm3PerH : 0;
    return { e, s: { activeW: isFlow ? 0 : e.activePowerW, reactiveVar: isFlow ? 0 : e.reactivePowerVar, apparentVA: isFlow ? 0 : e.apparentPowerVA, flowDm3PerH: flow } };
  };

  // plausible history: 500…4000 equivalent hours at about a third of nominal
  const hours = 500 + 3500 * hash01(seed, 101);
  const startWh = nominalPowerW * 0.35 * hours;
  const counters: Counters = isFlow
    ? { activeImportWh: 0, activeExportWh: 0, reactiveImportVarh: 0, reactiveExportVarh: 0, apparentVAh: 0, volumeDm3: nominalFlowDm3PerH * 0.08 * hours }
    : profile === 'pv'
      ? { activeImportWh: nominalPowerW * 0.002 * hours, activeExportWh: nominalPowerW * 0.12 * hours, reactiveImportVarh: nominalPowerW * 0.01 * hours, reactiveExportVarh: 0, apparentVAh: nominalPowerW * 0.125 * hours, volumeDm3: 0 }
      : { activeImportWh: startWh, activeExportWh: 0, reactiveImportVarh: startWh * 0.35, reactiveExportVarh: 0, apparentVAh: startWh * 1.06, volumeDm3: 0 };
  let lastSimMs = simTimeMs();
  let last = sample(lastSimMs).s;

  const accumulate = (a: Sample, b: Sample, hoursSpan: number): void => {
    const avg = (x: number, y: number) => ((x + y) / 2) * hoursSpan;
    counters.activeImportWh += avg(Math.max(a.activeW, 0), Math.max(b.activeW, 0));
    counters.activeExportWh += avg(Math.max(-a.activeW, 0), Math.max(-b.activeW, 0));
    counters.reactiveImportVarh += avg(Math.max(a.reactiveVar, 0), Math.max(b.reactiveVar, 0));
    counters.reactiveExportVarh += avg(Math.max(-a.reactiveVar, 0), Math.max(-b.reactiveVar, 0));
    counters.apparentVAh += avg(a.apparentVA, b.apparentVA);
    counters.volumeDm3 += avg(a.flowDm3PerH, b.flowDm3PerH);
  };

  /** Integrates up to `simMs`; a clock going backwards leaves the counters as they are. */
  const advance = (simMs: number): ElectricalState => {
    const now = sample(simMs);
    if (simMs <= lastSimMs) return now.e;
    const step = Math.max(STEP_MS, (simMs - lastSimMs) / 20_000);
    let t = lastSimMs;
    while (t < simMs) {
      const t1 = Math.min(simMs, t + step);
      const next = t1 === simMs ? now.s : sample(t1).s;
      accumulate(last, next, (t1 - t) / HOUR_MS);
      t = t1; last = next;
    }
    lastSimMs = simMs;
    return now.e;
  };

  const commandOffset = positionOffset(model, opts.position);
  const identity = model.identity
    ? { key: wordKey(model.identity.fn, model.identity.address + (model.positions && opts.position ? (opts.position - 1) * model.positions.stride : 0)), value: model.identity.value }
    : undefined;

  const currentValues = (): { values: Map<ResolvedRegister, number>; simMs: number } => {
    const simMs = simTimeMs();
    const ctx = { electrical: advance(simMs), counters };
    const values = new Map<ResolvedRegister, number>();
    for (const r of registers) values.set(r, states.has(r.key) ? states.value(r.key, simMs) : engineeringValue(r, ctx));
    return { values, simMs };
  };

  const gapKeys = opts.gaps === 'exception' ? [] : gapWordKeys(registers, model.connection.maxGapRegisters);
  const snapshot = (): WordMap => {
    const words = new Map<number, number>();
    for (const k of gapKeys) words.set(k, 0);
    for (const [r, v] of currentValues().values) {
      encodeValue(r, v, wordOrder).forEach((w, i) => words.set(wordKey(r.fn, r.address + i), w));
    }
    if (identity) words.set(identity.key, identity.value);
    return words;
  };

  const slave: SimSlave = {
    address: opts.address,
    ...(opts.position !== undefined ? { position: opts.position } : {}),
    name: opts.name ?? `${model.model}@${opts.address}${opts.position ? `-${opts.position}` : ''}`,
    snapshot,
    serve: (pdu) => serveFromWords(pdu, snapshot(), slave),
    read: (fn, address) => snapshot().get(wordKey(fn, address)),
    write(address, value) {
      // a switching command (breaker open/close/reset, EMS relay): the device moves to the command's state
      const commands = model.commands.filter((c) => c.address + commandOffset === address);
      if (commands.length > 0) {
        const cmd = commands.find((c) => c.value === value);
        const target = cmd && registers.find((r) => r.key === cmd.expect.register);
        const raw = target?.states && Object.entries(target.states).find(([, n]) => n === cmd!.expect.state)?.[0];
        return target && raw !== undefined ? slave.setState(target.key, Number(raw)) : false;
      }
      const reg = registers.find((r) => r.fn === 3 && r.address === address && states.has(r.key));
      return reg ? slave.setState(reg.key, value) : false;
    },
    energyWh() { advance(simTimeMs()); return counters.activeImportWh; },
    values() {
      const out: Record<string, number> = {};
      for (const [r, v] of currentValues().values) out[r.key] = v;
      return out;
    },
    setState(key, raw) {
      if (!states.has(key)) return false;
      advance(simTimeMs()); // energy up to now was drawn with the old state
      const ok = states.set(key, raw);
      if (ok) last = sample(lastSimMs).s;
      return ok;
    },
    simTimeMs,
  };
  return slave;
}

function serveFromWords(pdu: Uint8Array, words: WordMap, target: Pick<SimSlave, 'write'>): Uint8Array {
  return modbus.serveRequestPdu(pdu, {
    read: (fn, address) => words.get(wordKey(fn, address)),
    write: (address, value) => target.write(address, value),
  });
}

/**
 * One Modbus address answering for several devices: a pulse concentrator with its configured
 * inputs (electricity, water, gas at different positions).
 */
export function combineSlaves(address: number, members: readonly SimSlave[], name = `concentrator@${address}`): SimSlave & { readonly members: readonly SimSlave[] } {
  const snapshot = (): WordMap => {
    const words = new Map<number, number>();
    for (const m of members) for (const [k, w] of m.snapshot()) words.set(k, w);
    return words;
  };
  const combined = {
    address, name, members, snapshot,
    serve: (pdu: Uint8Array) => serveFromWords(pdu, snapshot(), combined),
    read: (fn: 3 | 4, a: number) => snapshot().get(wordKey(fn, a)),
    write: (a: number, value: number) => members.some((m) => m.write(a, value)),
    energyWh: () => members.reduce((sum, m) => sum + m.energyWh(), 0),
    values() {
      const out: Record<string, number> = {};
      members.forEach((m, i) => { for (const [k, v] of Object.entries(m.values())) out[`p${m.position ?? i + 1}.${k}`] = v; });
      return out;
    },
    setState: (key: string, raw: number) => members.some((m) => m.setState(key, raw)),
    simTimeMs: () => members[0]?.simTimeMs() ?? Date.now(),
  };
  return combined;
}
