/**
 * @module sim/physics
 * Consistent electrical quantities of one device at one simulated instant: per-phase voltage,
 * current, P, Q, S, PF; line voltages; neutral current; frequency; THD and harmonics.
 * Grid quantities (voltage wander, frequency) share one seed across all simulated devices, so
 * meters of one installation agree with each other like real ones on the same supply.
 */
import { clamp, smoothNoise } from './noise';
import { baseCurrentThdPct, basePowerFactor, loadFactor, type SimProfile } from './profiles';

const GRID_SEED = 0x5eed;
const MINUTE_MS = 60_000;
export const NOMINAL_VOLTAGE_V = 230;
export const NOMINAL_FREQUENCY_HZ = 50;

export interface PhaseState {
  voltageV: number;
  currentA: number;
  activePowerW: number;
  reactivePowerVar: number;
  apparentPowerVA: number;
  /** Signed like the active power (negative while exporting). */
  powerFactor: number;
  thdVoltagePct: number;
  thdCurrentPct: number;
}

export interface ElectricalState {
  /** L1, L2, L3 (a single-phase device has everything on L1, zero current on L2/L3). */
  phases: [PhaseState, PhaseState, PhaseState];
  /** L1-L2, L2-L3, L3-L1. */
  lineVoltagesV: [number, number, number];
  neutralCurrentA: number;
  activePowerW: number;
  reactivePowerVar: number;
  apparentPowerVA: number;
  powerFactor: number;
  frequencyHz: number;
  temperatureDegC: number;
}

export interface ElectricalParams {
  seed: number;
  profile: SimProfile;
  nominalPowerW: number;
  phaseCount: 1 | 3;
  /** False while a breaker is open or tripped: no current flows. */
  energised: boolean;
  /** An injected supply disturbance (EQ-1 tests): voltage scaled, voltage THD forced. */
  supply?: SupplyDisturbance;
}

/** What the grid does at one simulated instant, when it misbehaves. */
export type SupplyDisturbance = (simMs: number) => { voltageFactor?: number; thdVoltagePct?: number } | undefined;

function phaseVoltageV(seed: number, phase: number, simMs: number, load: number): number {
  const deviceOffset = 0.003 * smoothNoise(seed + 50, 0, 1);
  const wander = 0.012 * smoothNoise(GRID_SEED + phase, simMs, 7 * MINUTE_MS) + 0.003 * smoothNoise(GRID_SEED + 10 + phase, simMs, 20_000);
  const v = NOMINAL_VOLTAGE_V * (1 + wander + deviceOffset - 0.004 * Math.abs(load));
  return clamp(v, NOMINAL_VOLTAGE_V * 0.981, NOMINAL_VOLTAGE_V * 1.019);
}

export function frequencyHz(simMs: number): number {
  const f = NOMINAL_FREQUENCY_HZ + 0.03 * smoothNoise(GRID_SEED + 99, simMs, MINUTE_MS) + 0.01 * smoothNoise(GRID_SEED + 98, simMs, 5_000);
  return clamp(f, NOMINAL_FREQUENCY_HZ - 0.049, NOMINAL_FREQUENCY_HZ + 0.049);
}

/** Line-to-line magnitude of two phase voltages 120° apart. */
function lineVoltage(a: number, b: number): number {
  return Math.sqrt(a * a + b * b + a * b);
}

export function electricalState(p: ElectricalParams, simMs: number): ElectricalState {
  const load = p.energised ? loadFactor(p.profile, simMs, p.seed) : 0;
  const totalW = load * p.nominalPowerW;
  const weights = [0, 1, 2].map((i) => (p.phaseCount === 1 ? (i === 0 ? 1 : 0) : 1 + 0.12 * smoothNoise(p.seed + 20 + i, simMs, 20 * MINUTE_MS)));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const lightLoad = 1 - Math.min(1, Math.abs(load) / 0.15);
  const disturbance = p.supply?.(simMs);
  const phases = weights.map((w, i): PhaseState => {
    const voltageV = phaseVoltageV(p.seed, i, simMs, load) * (disturbance?.voltageFactor ?? 1);
    const activePowerW = (totalW * w) / weightSum;
    const pf = clamp(basePowerFactor(p.profile) + 0.02 * smoothNoise(p.seed + 30 + i, simMs, 30 * MINUTE_MS) - 0.06 * lightLoad, 0.85, 0.99);
    const apparentPowerVA = Math.abs(activePowerW) / pf;
    const reactivePowerVar = Math.sqrt(Math.max(0, apparentPowerVA ** 2 - activePowerW ** 2));
    const thdCurrentPct = clamp(baseCurrentThdPct(p.profile) * (1 + 0.15 * smoothNoise(p.seed + 40 + i, simMs, 10 * MINUTE_MS)) * (1 + 0.8 * lightLoad), 5, 30);
    const thdVoltagePct = disturbance?.thdVoltagePct ?? clamp(2.5 + 1.0 * smoothNoise(GRID_SEED + 40 + i, simMs, 30 * MINUTE_MS) + 0.3 * Math.abs(load), 1, 4);
    return {
      voltageV, activePowerW, reactivePowerVar, apparentPowerVA,
      currentA: apparentPowerVA / voltageV,
      powerFactor: Math.sign(activePowerW || 1) * pf,
      thdVoltagePct, thdCurrentPct,
    };
  }) as [PhaseState, PhaseState, PhaseState];
  const [l1, l2, l3] = phases;
  // vector sum of the phase currents, 120° apart (displacement angles ignored)
  const re = l1.currentA - 0.5 * (l2.currentA + l3.currentA);
  const im = (Math.sqrt(3) / 2) * (l2.currentA - l3.currentA);
  const activePowerW = l1.activePowerW + l2.activePowerW + l3.activePowerW;
  const reactivePowerVar = l1.reactivePowerVar + l2.reactivePowerVar + l3.reactivePowerVar;
  const apparentPowerVA = Math.sqrt(activePowerW ** 2 + reactivePowerVar ** 2);
  return {
    phases,
    lineVoltagesV: [lineVoltage(l1.voltageV, l2.voltageV), lineVoltage(l2.voltageV, l3.voltageV), lineVoltage(l3.voltageV, l1.voltageV)],
    neutralCurrentA: p.phaseCount === 1 ? l1.currentA : Math.hypot(re, im),
    activePowerW, reactivePowerVar, apparentPowerVA,
    powerFactor: apparentPowerVA > 0 ? activePowerW / apparentPowerVA : 1,
    frequencyHz: frequencyHz(simMs),
    temperatureDegC: 28 + 4 * smoothNoise(p.seed + 60, simMs, 60 * MINUTE_MS) + 6 * Math.abs(load),
  };
}

/** Adds loads drawing `extraA` per phase at power factor 0.99 (charging stations) to a state. */
export function addPhaseCurrents(e: ElectricalState, extraA: readonly [number, number, number]): ElectricalState {
  if (extraA.every((a) => a === 0)) return e;
  const EXTRA_PF = 0.99;
  const phases = e.phases.map((p, i) => {
    const addW = extraA[i] * p.voltageV * EXTRA_PF;
    const addVar = extraA[i] * p.voltageV * Math.sqrt(1 - EXTRA_PF ** 2);
    const activePowerW = p.activePowerW + addW;
    const reactivePowerVar = p.reactivePowerVar + addVar;
    const apparentPowerVA = Math.hypot(activePowerW, reactivePowerVar);
    return { ...p, activePowerW, reactivePowerVar, apparentPowerVA, currentA: apparentPowerVA / p.voltageV, powerFactor: apparentPowerVA > 0 ? activePowerW / apparentPowerVA : 1 };
  }) as ElectricalState['phases'];
  const [l1, l2, l3] = phases;
  const re = l1.currentA - 0.5 * (l2.currentA + l3.currentA);
  const im = (Math.sqrt(3) / 2) * (l2.currentA - l3.currentA);
  const activePowerW = l1.activePowerW + l2.activePowerW + l3.activePowerW;
  const reactivePowerVar = l1.reactivePowerVar + l2.reactivePowerVar + l3.reactivePowerVar;
  const apparentPowerVA = Math.hypot(activePowerW, reactivePowerVar);
  return {
    ...e, phases, activePowerW, reactivePowerVar, apparentPowerVA,
    neutralCurrentA: Math.hypot(re, im), powerFactor: apparentPowerVA > 0 ? activePowerW / apparentPowerVA : 1,
  };
}

/**
 * Harmonic `rank` as % of the fundamental for a given THD: odd ranks fall as rank^-1.5, even
 * ranks are small, and the weights are normalised so √Σh² over ranks 2…25 ≈ THD.
 */
const HARMONIC_WEIGHTS = (() => {
  const raw = new Map<number, number>();
  for (let n = 2; n <= 63; n++) raw.set(n, n % 2 === 1 ? n ** -1.5 : 0.08 * n ** -2);
  let norm = 0;
  for (let n = 2; n <= 25; n++) norm += raw.get(n)! ** 2;
  norm = Math.sqrt(norm);
  for (const [n, w] of raw) raw.set(n, w / norm);
  return raw;
})();

export function harmonicPct(thdPct: number, rank: number): number {
  return thdPct * (HARMONIC_WEIGHTS.get(rank) ?? 0);
}
