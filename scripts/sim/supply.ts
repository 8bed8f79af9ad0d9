/**
 * @module sim/supply
 * A week of bad supply for the EN 50160 check (EQ-1): voltage sags that take some 10-minute
 * windows below −10 % of nominal, or a voltage THD held at a given level. Deterministic in time.
 */
import { hash01 } from './noise';
import type { SupplyDisturbance } from './physics';

const WINDOW_MS = 600_000;
const WEEK_MS = 7 * 86_400_000;

export type BadSupply =
  /** `sharePct` of the week's 10-minute windows at `depthPct` below nominal (default 8 % of them at −15 %). */
  | { kind: 'sag'; sharePct?: number; depthPct?: number }
  /** Voltage THD held at `thdPct` (default 9 %). */
  | { kind: 'thd'; thdPct?: number };

/** The disturbance of a bad week starting at `fromMs` (simulated time); normal supply outside it. */
export function badSupplyWeek(bad: BadSupply, fromMs: number, durationMs = WEEK_MS): SupplyDisturbance {
  return (simMs) => {
    if (simMs < fromMs || simMs >= fromMs + durationMs) return undefined;
    if (bad.kind === 'thd') return { thdVoltagePct: bad.thdPct ?? 9 };
    const window = Math.floor(simMs / WINDOW_MS);
    return hash01(7177, window) < (bad.sharePct ?? 8) / 100 ? { voltageFactor: 1 - (bad.depthPct ?? 15) / 100 } : undefined;
  };
}
