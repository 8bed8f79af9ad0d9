/**
 * @module sim/states
 * Enumerated and I/O registers of a simulated slave: breaker state (closed until told
 * otherwise), outputs (writable), inputs (toggle now and then, deterministic in time),
 * analogue inputs and settings. Values are engineering values (raw × scale).
 */
import type { ResolvedRegister } from '@ews/shared';
import { hash01, smoothNoise } from './noise';

export interface StateTable {
  /** The register is handled here (enumeration or I/O), not by the electrical model. */
  has(key: string): boolean;
  value(key: string, simMs: number): number;
  /** Sets an enumerated, non-input register to a known raw state value. */
  set(key: string, raw: number): boolean;
  /** False when a breaker-like state register says the circuit is not closed. */
  energised(): boolean;
}

/** State names a device starts in, by preference. */
const INITIAL_STATE_NAMES = ['closed', 'none', 'off', 'NO', 'impulsive'];
const MINUTE_MS = 60_000;

function initialRaw(states: Record<string, string>): number {
  for (const name of INITIAL_STATE_NAMES) {
    const hit = Object.entries(states).find(([, n]) => n === name);
    if (hit) return Number(hit[0]);
  }
  return Math.min(...Object.keys(states).map(Number));
}

function rawOfName(states: Record<string, string>, name: string, fallback: number): number {
  const hit = Object.entries(states).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : fallback;
}

export function createStateTable(registers: readonly ResolvedRegister[], seed: number): StateTable {
  const byKey = new Map<string, ResolvedRegister>();
  const raws = new Map<string, number>();
  registers.forEach((r) => {
    if (!r.states && r.group !== 'io') return;
    byKey.set(r.key, r);
    if (r.states) raws.set(r.key, initialRaw(r.states));
  });
  const isInput = (r: ResolvedRegister) => r.group === 'io' && /^input/i.test(r.key) && r.states !== undefined;
  const breaker = registers.find((r) => r.states && Object.values(r.states).includes('closed'));

  const inputRaw = (r: ResolvedRegister, simMs: number): number => {
    const index = registers.indexOf(r);
    // each input has its own rhythm: a state per slot of 5…30 simulated minutes
    const slotMs = (5 + 25 * hash01(seed, index, 1)) * MINUTE_MS;
    const on = hash01(seed, index, Math.floor(simMs / slotMs)) < 0.3;
    const states = r.states ?? {};
    return on ? rawOfName(states, 'on', 1) : rawOfName(states, 'off', 0);
  };

  return {
    has: (key) => byKey.has(key),
    value(key, simMs) {
      const r = byKey.get(key);
      if (!r) return 0;
      if (isInput(r)) return inputRaw(r, simMs) * r.scale;
      const raw = raws.get(key);
      if (raw !== undefined) return raw * r.scale;
      if (r.unit === '%') return 50 + 20 * smoothNoise(seed + registers.indexOf(r), simMs, 20 * MINUTE_MS);
      if (r.unit === 's') return raws.get(key) ?? 5;
      return 0;
    },
    set(key, raw) {
      const r = byKey.get(key);
      if (!r || isInput(r)) return false;
      // a writable setting without enumeration (an output's ON time) takes any 16-bit value
      if (!r.states) { if (!r.writable || !Number.isInteger(raw) || raw < 0 || raw > 0xffff) return false; }
      else if (!(String(raw) in r.states)) return false;
      raws.set(key, raw);
      return true;
    },
    energised() {
      if (!breaker?.states) return true;
      return breaker.states[String(raws.get(breaker.key))] === 'closed';
    },
  };
}
