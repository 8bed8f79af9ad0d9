/**
 * @module sim/station
 * A simulated Green'Up charging station (one Modbus address: one side, or both sides of an
 * old-range two-side station) with the car plugged into each side.
 *
 * The car: plug-in and unplug, its own maximum current and phases, an energy need after which it
 * stops drawing (charge "finished"). The station: remote management on/off, start/wait command,
 * current setpoint, EV plug and domestic plug enable, station and charge errors, a reaction delay
 * before a written setpoint or command takes effect (real stations take seconds), the current it
 * draws on its phase(s), Wh and Ah delivered per charge and in total.
 *
 * A managed station holds a newly plugged car in "waiting" until the controller writes Start;
 * an unmanaged one charges at its rated current. Below the minimum current (6 A) a car pauses.
 * The registers are the catalogue file's (`station.writes` names the written ones), so the
 * daemon reads and writes exactly what a real station's map would carry.
 */
import { resolveRegisters, type ModelDef, type ResolvedRegister } from '@ews/shared';
import { modbus, systemClock, type Clock } from '@ews/daemon';
import { wordKey, type SimSlave, type WordMap } from './slave';
import { encodeValue } from './values';

export type Phase = 'L1' | 'L2' | 'L3';
export type Side = 'A' | 'B';

export interface SimCar {
  /** Most the car's charger accepts, per phase. */
  maxCurrentA: number;
  phases: 1 | 3;
  /** Energy the car takes before it stops by itself. */
  needWh: number;
}

export interface StationSideOptions {
  side?: Side;
  /** Grid phase of a single-phase station (three-phase stations: L1, L2, L3). */
  phase?: Phase;
}

export interface SimStationOptions {
  address: number;
  /** The sides this address answers for (one, or A and B of a two-side old-range station). */
  sides: StationSideOptions[];
  clock?: Clock;
  timeScale?: number;
  /** Delay before a written setpoint or command takes effect (simulated ms; default 2000). */
  reactionDelayMs?: number;
  name?: string;
  firmware?: number;
  seed?: number;
}

export type ChargeState = 'available' | 'connected' | 'charging' | 'waiting' | 'finished' | 'error';

export interface SideSnapshot {
  side: Side | undefined;
  phases: Phase[];
  chargeState: ChargeState;
  managed: boolean;
  command: 'start' | 'wait';
  /** Setpoint in force (after the reaction delay), A. */
  effectiveSetpointA: number;
  /** Last setpoint written, A. */
  setpointA: number;
  currentA: number;
  car: (SimCar & { deliveredWh: number; deliveredAh: number }) | undefined;
  evPlug: boolean;
  domesticPlug: boolean;
  stationError: number;
  chargeError: number;
  totalWh: number;
}

export interface SimStation extends SimSlave {
  readonly model: ModelDef;
  plug(car: SimCar, side?: Side): void;
  unplug(side?: Side): void;
  setStationError(code: number, side?: Side): void;
  setChargeError(code: number, side?: Side): void;
  side(side?: Side): SideSnapshot;
  /** Current drawn on L1, L2, L3 by every side (what the installation's meter sees). */
  phaseCurrentsA(): [number, number, number];
  /** Counts written setpoints (tests). */
  readonly writes: Array<{ atMs: number; side: Side | undefined; key: string; raw: number }>;
}

const VOLTAGE_V = 230;
const HOUR_MS = 3_600_000;
const PHASES: Phase[] = ['L1', 'L2', 'L3'];

interface Pending { atSimMs: number; key: 'setpoint' | 'command'; value: number }

interface SideState {
  opts: StationSideOptions;
  registers: ResolvedRegister[];
  byAddress: Map<number, ResolvedRegister>;
  managed: boolean;
  command: 'start' | 'wait';
  setpointA: number;
  effSetpointA: number;
  effCommand: 'start' | 'wait';
  pending: Pending[];
  evPlug: boolean;
  domesticPlug: boolean;
  stationError: number;
  chargeError: number;
  car: { spec: SimCar; deliveredWh: number; deliveredAh: number; pluggedAtSimMs: number } | undefined;
  totalWh: number;
}

export function createSimStation(model: ModelDef, opts: SimStationOptions): SimStation {
  const spec = model.station;
  if (!spec) throw new Error(`${model.model} is not a charging station`);
  const clock = opts.clock ?? systemClock;
  const timeScale = opts.timeScale ?? 1;
  const reactionDelayMs = opts.reactionDelayMs ?? 2000;
  const wall0 = clock.now();
  const simTimeMs = (): number => wall0 + (clock.now() - wall0) * timeScale;
  const writes: SimStation['writes'] = [];

  const sides: SideState[] = opts.sides.map((o) => {
    const registers = resolveRegisters(model, undefined, o.side);
    return {
      opts: o, registers, byAddress: new Map(registers.map((r) => [r.address, r])),
      managed: false, command: 'wait', setpointA: spec.ratedCurrentA, effSetpointA: spec.ratedCurrentA, effCommand: 'wait',
      pending: [], evPlug: true, domesticPlug: true, stationError: 0, chargeError: 0, car: undefined,
      totalWh: 1000 * (50 + (opts.seed ?? opts.address) % 400),
    };
  });
  const sideOf = (s?: Side): SideState => {
    const hit = s === undefined ? sides[0] : sides.find((x) => (x.opts.side ?? 'A') === s);
    if (!hit) throw new Error(`${opts.name ?? model.model}@${opts.address} has no side ${s}`);
    return hit;
  };
  const phasesOf = (s: SideState): Phase[] => {
    const carPhases = s.car?.spec.phases ?? 3;
    if (spec.phases === 1) return [s.opts.phase ?? 'L1'];
    return carPhases === 1 ? ['L1'] : PHASES;
  };

  /** Current per phase this side draws now (no time passes). */
  const drawA = (s: SideState): number => {
    if (!s.car || s.stationError || s.chargeError || !s.evPlug) return 0;
    if (s.car.deliveredWh >= s.car.spec.needWh) return 0;
    const allowed = s.managed ? (s.effCommand === 'start' ? s.effSetpointA : 0) : spec.ratedCurrentA;
    const a = Math.min(allowed, s.car.spec.maxCurrentA, spec.ratedCurrentA);
    return a >= spec.minCurrentA ? a : 0;
  };

  let lastSimMs = simTimeMs();
  /** Integrates energy and Ah up to `simMs`, applying pending writes at their due time. */
  const advance = (simMs: number): void => {
    if (simMs <= lastSimMs) return;
    for (const s of sides) {
      let t = lastSimMs;
      s.pending.sort((a, b) => a.atSimMs - b.atSimMs);
      while (t < simMs) {
        const next = s.pending[0] && s.pending[0].atSimMs <= simMs ? s.pending[0].atSimMs : simMs;
        const a = drawA(s);
        if (a > 0 && s.car) {
          const h = (Math.max(t, next) - t) / HOUR_MS;
          const n = phasesOf(s).length;
          const wh = Math.min(a * VOLTAGE_V * n * h, s.car.spec.needWh - s.car.deliveredWh);
          s.car.deliveredWh += wh;
          s.car.deliveredAh += wh / (VOLTAGE_V * n);
          s.totalWh += wh;
        }
        t = Math.max(t, next);
        while (s.pending[0] && s.pending[0].atSimMs <= t) {
          const p = s.pending.shift()!;
          if (p.key === 'setpoint') s.effSetpointA = p.value; else s.effCommand = p.value ? 'start' : 'wait';
        }
        if (next === simMs) break;
      }
    }
    lastSimMs = simMs;
  };

  const chargeState = (s: SideState): ChargeState => {
    if (s.stationError || s.chargeError) return 'error';
    if (!s.car) return 'available';
    if (s.car.deliveredWh >= s.car.spec.needWh) return 'finished';
    if (drawA(s) > 0) return 'charging';
    if (s.managed && s.effCommand === 'wait') return 'waiting';
    return 'connected';
  };

  const CHARGE_RAW: Record<ChargeState, number> = { available: 0, connected: 1, charging: 2, waiting: 3, finished: 4, error: 5 };

  const valueOf = (s: SideState, r: ResolvedRegister): number => {
    const a = drawA(s);
    const phases = phasesOf(s);
    const base = r.key;
    switch (base) {
      case 'stationState': return s.stationError ? 1 : 0;
      case 'chargeState': return CHARGE_RAW[chargeState(s)];
      case 'stationErrorState': return s.stationError;
      case 'chargeErrorState': return s.chargeError;
      case 'managedState': return s.managed ? 1 : 0;
      case 'evPlugState': return s.evPlug ? 1 : 0;
      case 'domesticPlugState': return s.domesticPlug ? 1 : 0;
      case 'chargeCommandState': return s.command === 'start' ? 1 : 0;
      case 'setpointA': return s.setpointA;
      case 'ratedCurrentA': return spec.ratedCurrentA;
      case 'currentA': return a;
      case 'currentL1A': return phases.includes('L1') ? a : 0;
      case 'currentL2A': return phases.includes('L2') ? a : 0;
      case 'currentL3A': return phases.includes('L3') ? a : 0;
      case 'activePowerW': return a * VOLTAGE_V * phases.length;
      case 'activeEnergyImportWh': return s.totalWh;
      case 'sessionEnergyWh': return s.car?.deliveredWh ?? 0;
      case 'sessionAh': return s.car?.deliveredAh ?? 0;
      case 'sessionDurationS': return s.car ? Math.max(0, (lastSimMs - s.car.pluggedAtSimMs) / 1000) : 0;
      case 'firmwareVersion': return opts.firmware ?? 2.14;
      case 'hardwareVersion': return 3;
      default: return 0;
    }
  };

  const snapshot = (): WordMap => {
    advance(simTimeMs());
    const words = new Map<number, number>();
    if (model.identity) words.set(wordKey(model.identity.fn, model.identity.address), model.identity.value);
    for (const s of sides) {
      for (const r of s.registers) {
        encodeValue(r, valueOf(s, r), model.connection.wordOrder).forEach((w, i) => words.set(wordKey(r.fn, r.address + i), w));
      }
    }
    // the unused words of each block read as 0 (coalesced reads span them)
    for (const s of sides) {
      const start = Math.min(...s.registers.map((r) => r.address));
      const end = Math.max(...s.registers.map((r) => r.address + r.words));
      for (let a = start; a < end; a++) if (!words.has(wordKey(3, a))) words.set(wordKey(3, a), 0);
    }
    return words;
  };

  const write = (address: number, raw: number): boolean => {
    const now = simTimeMs();
    advance(now);
    for (const s of sides) {
      const r = s.byAddress.get(address);
      if (!r) continue;
      const w = spec.writes;
      writes.push({ atMs: clock.now(), side: s.opts.side, key: r.key, raw });
      if (r.key === w.setpoint) {
        const a = raw * r.scale;
        if (a < 0 || a > spec.ratedCurrentA + 1e-9) return false;
        s.setpointA = a;
        s.pending.push({ atSimMs: now + reactionDelayMs, key: 'setpoint', value: a });
        return true;
      }
      if (r.key === w.command && (raw === 0 || raw === 1)) {
        s.command = raw ? 'start' : 'wait';
        s.pending.push({ atSimMs: now + reactionDelayMs, key: 'command', value: raw });
        return true;
      }
      if (r.key === w.managed && (raw === 0 || raw === 1)) { s.managed = raw === 1; return true; }
      if (r.key === w.evPlug && (raw === 0 || raw === 1)) { s.evPlug = raw === 1; return true; }
      if (w.domesticPlug && r.key === w.domesticPlug && (raw === 0 || raw === 1)) { s.domesticPlug = raw === 1; return true; }
      return false;
    }
    return false;
  };

  const snap = (s: SideState): SideSnapshot => ({
    side: s.opts.side, phases: phasesOf(s), chargeState: chargeState(s), managed: s.managed, command: s.command,
    effectiveSetpointA: s.effSetpointA, setpointA: s.setpointA, currentA: drawA(s),
    car: s.car ? { ...s.car.spec, deliveredWh: s.car.deliveredWh, deliveredAh: s.car.deliveredAh } : undefined,
    evPlug: s.evPlug, domesticPlug: s.domesticPlug, stationError: s.stationError, chargeError: s.chargeError, totalWh: s.totalWh,
  });

  const station: SimStation = {
    model,
    address: opts.address,
    name: opts.name ?? `${model.model}@${opts.address}`,
    writes,
    snapshot,
    serve: (pdu) => modbus.serveRequestPdu(pdu, { read: (fn, a) => snapshot().get(wordKey(fn, a)), write }),
    read: (fn, a) => snapshot().get(wordKey(fn, a)),
    write,
    energyWh: () => { advance(simTimeMs()); return sides.reduce((sum, s) => sum + s.totalWh, 0); },
    values() {
      advance(simTimeMs());
      const out: Record<string, number> = {};
      for (const s of sides) for (const r of s.registers) out[`${s.opts.side ? `${s.opts.side}.` : ''}${r.key}`] = valueOf(s, r);
      return out;
    },
    setState: (key, raw) => { const r = sides[0].registers.find((x) => x.key === key); return r ? write(r.address, raw) : false; },
    simTimeMs,
    plug(car, side) {
      advance(simTimeMs());
      const s = sideOf(side);
      s.car = { spec: car, deliveredWh: 0, deliveredAh: 0, pluggedAtSimMs: simTimeMs() };
      // a managed station waits for the controller's Start for each new charge
      if (s.managed) { s.command = 'wait'; s.effCommand = 'wait'; s.pending = s.pending.filter((p) => p.key !== 'command'); }
    },
    unplug(side) {
      advance(simTimeMs());
      const s = sideOf(side);
      s.car = undefined;
      if (s.managed) { s.command = 'wait'; s.effCommand = 'wait'; s.pending = s.pending.filter((p) => p.key !== 'command'); }
    },
    setStationError(code, side) { advance(simTimeMs()); sideOf(side).stationError = code; },
    setChargeError(code, side) { advance(simTimeMs()); sideOf(side).chargeError = code; },
    side: (side) => { advance(simTimeMs()); return snap(sideOf(side)); },
    phaseCurrentsA() {
      advance(simTimeMs());
      const out: [number, number, number] = [0, 0, 0];
      for (const s of sides) {
        const a = drawA(s);
        for (const p of phasesOf(s)) out[PHASES.indexOf(p)] += a;
      }
      return out;
    },
  };
  return station;
}
