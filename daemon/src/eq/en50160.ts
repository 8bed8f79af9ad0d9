/**
 * @module eq/en50160
 * EQ-1 arithmetic: readings of an EQ device become 10-minute mean values (voltage per phase,
 * frequency, voltage THD per phase, voltage harmonics per phase and rank), and a week of them is
 * checked against the EN 50160 low-voltage limits. Pure: no clock, no store.
 */
import { EN50160, type EqCheck, type EqCriterionResult } from '@ews/shared';
import { compareText } from '../util/compare';

/** One 10-minute mean of the supply quantities an EQ device offers. */
export interface EqWindow {
  /** Window start, epoch ms (multiple of 10 minutes). */
  startMs: number;
  /** Readings averaged. */
  readings: number;
  /** Phase-to-neutral voltage per phase (V). */
  voltageV: number[];
  frequencyHz?: number;
  /** Voltage THD per phase (%). */
  thdPct: number[];
  /** Voltage harmonic per rank, per phase (% of the fundamental). */
  harmonicsPct: Record<number, number[]>;
}

const PHASE_VOLTAGE = /^voltage(L[123])?V$/;
const THD = /^thdVoltage(L[123])?Pct$/;
const HARMONIC = /^harmonicVoltage(L[123])?H(\d+)Pct$/;

/** Numeric supply values of one reading, by quantity. */
function supplyValues(values: Record<string, { value: number | string }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, v] of Object.entries(values)) {
    if (typeof v.value !== 'number') continue;
    if (PHASE_VOLTAGE.test(key) || THD.test(key) || HARMONIC.test(key) || key === 'frequencyHz') out.set(key, v.value);
  }
  return out;
}

/** Accumulates readings into 10-minute windows; a window is handed out when a reading of a later one arrives. */
export class WindowAccumulator {
  private startMs: number | undefined;
  private count = 0;
  private sums = new Map<string, number>();

  /** Adds a reading; returns the previous window when this reading opens a new one. */
  add(values: Record<string, { value: number | string }>, atMs: number): EqWindow | undefined {
    const start = Math.floor(atMs / EN50160.windowMs) * EN50160.windowMs;
    let done: EqWindow | undefined;
    if (this.startMs !== undefined && start !== this.startMs) done = this.flush();
    if (this.startMs === undefined || start !== this.startMs) { this.startMs = start; this.count = 0; this.sums = new Map(); }
    const supply = supplyValues(values);
    if (supply.size === 0) return done;
    for (const [k, v] of supply) this.sums.set(k, (this.sums.get(k) ?? 0) + v);
    this.count++;
    return done;
  }

  /** The window in progress, closed now (or undefined when it holds no reading). */
  flush(): EqWindow | undefined {
    if (this.startMs === undefined || this.count === 0) return undefined;
    const mean = new Map([...this.sums].map(([k, s]) => [k, s / this.count]));
    const byPhase = (re: RegExp) => [...mean].filter(([k]) => re.test(k)).sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
    const harmonicsPct: Record<number, number[]> = {};
    for (const [k, v] of [...mean].sort(([a], [b]) => compareText(a, b))) {
      const m = HARMONIC.exec(k);
      if (m) (harmonicsPct[Number(m[2])] ??= []).push(v);
    }
    const w: EqWindow = {
      startMs: this.startMs, readings: this.count, voltageV: byPhase(PHASE_VOLTAGE), thdPct: byPhase(THD), harmonicsPct,
      ...(mean.has('frequencyHz') ? { frequencyHz: mean.get('frequencyHz')! } : {}),
    };
    this.count = 0;
    this.sums = new Map();
    return w;
  }
}

export const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of the week holding `ms`. */
export function weekStartMs(ms: number): number {
  const day = Math.floor(ms / 86_400_000);
  const weekday = (day + 3) % 7; // 1970-01-01 was a Thursday: Monday = 0
  return (day - weekday) * 86_400_000;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Share (%) of the values that hold `ok`, per series; the worst series and its share. */
function worst(series: Array<{ name: string; values: number[] }>, ok: (v: number) => boolean): { sharePct: number; name: string } {
  let best = { sharePct: 100, name: '' };
  for (const s of series) {
    if (s.values.length === 0) continue;
    const share = (100 * s.values.filter(ok).length) / s.values.length;
    if (share < best.sharePct || best.name === '') best = { sharePct: share, name: s.name };
  }
  return best;
}

/** Checks one week of 10-minute values (EQ-1). Criteria the device cannot measure are left out. */
export function checkWeek(deviceId: number, weekStart: number, windows: readonly EqWindow[]): EqCheck {
  const inWeek = windows.filter((w) => w.startMs >= weekStart && w.startMs < weekStart + WEEK_MS);
  const expected = WEEK_MS / EN50160.windowMs;
  const criteria: EqCriterionResult[] = [];
  const coverage = (100 * inWeek.length) / expected;
  criteria.push({ criterion: 'coverage', ok: coverage >= EN50160.minCoveragePct, sharePct: round(coverage), requiredPct: EN50160.minCoveragePct, detail: `${inWeek.length} of ${expected} ten-minute values` });
  const phases = Math.max(0, ...inWeek.map((w) => w.voltageV.length));
  const phaseName = (i: number) => (phases === 1 ? 'L1' : `L${i + 1}`);
  const perPhase = (pick: (w: EqWindow) => number[]) => Array.from({ length: Math.max(0, ...inWeek.map((w) => pick(w).length)) }, (_, i) => ({
    name: phaseName(i), values: inWeek.map((w) => pick(w)[i]).filter((v): v is number => v !== undefined),
  }));

  if (phases > 0) {
    const lo = EN50160.nominalVoltageV * (1 - EN50160.voltageTolerancePct / 100);
    const hi = EN50160.nominalVoltageV * (1 + EN50160.voltageTolerancePct / 100);
    const r = worst(perPhase((w) => w.voltageV), (v) => v >= lo && v <= hi);
    criteria.push({ criterion: 'voltage', ok: r.sharePct >= EN50160.voltageSharePct, sharePct: round(r.sharePct), requiredPct: EN50160.voltageSharePct, detail: `${r.name} within ${lo}-${hi} V` });
  }
  const freq = inWeek.map((w) => w.frequencyHz).filter((v): v is number => v !== undefined);
  if (freq.length) {
    const tol = (EN50160.nominalFrequencyHz * EN50160.frequencyTolerancePct) / 100;
    const r = worst([{ name: 'f', values: freq }], (v) => Math.abs(v - EN50160.nominalFrequencyHz) <= tol);
    criteria.push({ criterion: 'frequency', ok: r.sharePct >= EN50160.frequencySharePct, sharePct: round(r.sharePct), requiredPct: EN50160.frequencySharePct, detail: `within ${EN50160.nominalFrequencyHz} Hz ±${tol} Hz` });
  }
  if (inWeek.some((w) => w.thdPct.length)) {
    const r = worst(perPhase((w) => w.thdPct), (v) => v <= EN50160.thdMaxPct);
    criteria.push({ criterion: 'thd', ok: r.sharePct >= EN50160.thdSharePct, sharePct: round(r.sharePct), requiredPct: EN50160.thdSharePct, detail: `${r.name} THD ≤ ${EN50160.thdMaxPct} %` });
  }
  const ranks = [...new Set(inWeek.flatMap((w) => Object.keys(w.harmonicsPct).map(Number)))].filter((n) => EN50160.harmonicMaxPct[n] !== undefined).sort((a, b) => a - b);
  if (ranks.length) {
    let worstRank = { sharePct: 100, name: '' };
    for (const n of ranks) {
      const r = worst(perPhase((w) => w.harmonicsPct[n] ?? []), (v) => v <= EN50160.harmonicMaxPct[n]!);
      if (r.sharePct < worstRank.sharePct || worstRank.name === '') worstRank = { sharePct: r.sharePct, name: `${r.name} rank ${n} ≤ ${EN50160.harmonicMaxPct[n]} %` };
    }
    criteria.push({ criterion: 'harmonics', ok: worstRank.sharePct >= EN50160.harmonicSharePct, sharePct: round(worstRank.sharePct), requiredPct: EN50160.harmonicSharePct, detail: worstRank.name });
  }
  const failed = criteria.filter((c) => !c.ok).map((c) => c.criterion);
  return {
    deviceId, weekStart: new Date(weekStart).toISOString(), weekEnd: new Date(weekStart + WEEK_MS).toISOString(),
    ok: failed.length === 0, windows: inWeek.length, criteria, failed,
  };
}
