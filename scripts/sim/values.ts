/**
 * @module sim/values
 * Maps a catalogue register to the simulated quantity it carries, from its group, unit, phase,
 * counter kind and key, never from its address: any model file that follows the catalogue's
 * naming conventions (CAT-1) is simulated without code changes.
 */
import type { ResolvedRegister } from '@ews/shared';
import { modbus } from '@ews/daemon';
import { harmonicPct, type ElectricalState } from './physics';

/** Running totals of one device, float, in engineering units. */
export interface Counters {
  activeImportWh: number;
  activeExportWh: number;
  reactiveImportVarh: number;
  reactiveExportVarh: number;
  apparentVAh: number;
  volumeDm3: number;
}

/** Everything a register value can be computed from at one instant. */
export interface ValueContext {
  electrical: ElectricalState;
  counters: Counters;
}

const PHASE_INDEX: Record<string, 0 | 1 | 2> = { L1: 0, L2: 1, L3: 2 };
const LINE_INDEX: Record<string, 0 | 1 | 2> = { L12: 0, L23: 1, L31: 2 };
/** For a line quantity, the two phases it spans. */
const LINE_PHASES: Array<[0 | 1 | 2, 0 | 1 | 2]> = [[0, 1], [1, 2], [2, 0]];

function isExport(reg: ResolvedRegister): boolean {
  return reg.counter === 'activeEnergyExport' || /export/i.test(reg.key);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function perPhase(reg: ResolvedRegister, e: ElectricalState, pick: (i: 0 | 1 | 2) => number, total: number): number {
  const phase = reg.phase ?? 'total';
  if (phase in PHASE_INDEX) return pick(PHASE_INDEX[phase]);
  if (phase in LINE_INDEX) { const [a, b] = LINE_PHASES[LINE_INDEX[phase]]; return (pick(a) + pick(b)) / 2; }
  return total;
}

function thdValue(reg: ResolvedRegister, e: ElectricalState, current: boolean): number {
  const pick = (i: 0 | 1 | 2) => (current ? e.phases[i].thdCurrentPct : e.phases[i].thdVoltagePct);
  const all = mean([pick(0), pick(1), pick(2)]);
  // triplen harmonics add up in the neutral
  if (reg.phase === 'N') return current ? Math.min(30, all * 1.4) : all;
  return perPhase(reg, e, pick, all);
}

/** Engineering value (before scaling) of a non-state register. */
export function engineeringValue(reg: ResolvedRegister, ctx: ValueContext): number {
  const e = ctx.electrical;
  const c = ctx.counters;
  switch (reg.group) {
    case 'voltage':
      if (reg.phase && reg.phase in LINE_INDEX) return e.lineVoltagesV[LINE_INDEX[reg.phase]];
      return perPhase(reg, e, (i) => e.phases[i].voltageV, mean(e.phases.map((p) => p.voltageV)));
    case 'current':
      if (reg.phase === 'N') return e.neutralCurrentA;
      return perPhase(reg, e, (i) => e.phases[i].currentA, e.phases.reduce((a, p) => a + p.currentA, 0));
    case 'power':
      if (reg.unit === 'var') return perPhase(reg, e, (i) => e.phases[i].reactivePowerVar, e.reactivePowerVar);
      if (reg.unit === 'VA') return perPhase(reg, e, (i) => e.phases[i].apparentPowerVA, e.apparentPowerVA);
      return perPhase(reg, e, (i) => e.phases[i].activePowerW, e.activePowerW);
    case 'powerFactor':
      return perPhase(reg, e, (i) => e.phases[i].powerFactor, e.powerFactor);
    case 'frequency':
      return e.frequencyHz;
    case 'energy':
    case 'counter':
      if (reg.unit === 'dm3' || reg.counter === 'water' || reg.counter === 'gas') return c.volumeDm3;
      if (reg.unit === 'varh') return isExport(reg) ? c.reactiveExportVarh : c.reactiveImportVarh;
      if (reg.unit === 'VAh') return c.apparentVAh;
      return isExport(reg) ? c.activeExportWh : c.activeImportWh;
    case 'thd':
      return thdValue(reg, e, /current/i.test(reg.key));
    case 'harmonics': {
      const rank = Number(/H(\d+)/.exec(reg.key)?.[1] ?? 0);
      return harmonicPct(thdValue(reg, e, /current/i.test(reg.key)), rank);
    }
    case 'temperature':
      return e.temperatureDegC;
    default:
      return 0;
  }
}

/** Raw register value → words, with the rounding and range of a real register. */
export function encodeValue(reg: ResolvedRegister, value: number, wordOrder: 'big' | 'little'): number[] {
  let raw = value / reg.scale;
  if (reg.type !== 'float32') {
    // counters truncate like a meter's display; others round
    raw = reg.counter || reg.group === 'energy' ? Math.floor(raw) : Math.round(raw);
    if (reg.type.startsWith('u') && raw < 0) raw = 0;
  }
  return modbus.encodeRegister(raw, reg.type, wordOrder);
}
