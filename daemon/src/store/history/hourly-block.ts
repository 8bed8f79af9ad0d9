/**
 * @module store/history/hourly-block
 * Weekly blocks of hourly statistics (`HOURLY_BLOCK_DAYS` days of 24 slots in one bucket): a day
 * thinned to hourly joins its block here, at the finer of the two quanta (sealing the block then
 * picks its quantum or, for power and current, keeps their companded grid: see stat-bucket).
 */
import { HOURLY_BLOCK_DAYS } from './keys';
import { emptyStatDay, requantize, sameGrid, statDays, thinToHourly, type StatDay } from './stat-bucket';

/**
 * The block `block` (undefined: none yet; a one-day bucket of a store written before the blocks
 * counts as the block's first day) with `hourlyDay` (a day at 60 min, or coarser data to thin)
 * placed as its day `offset`.
 */
export function mergeHourly(block: StatDay | undefined, hourlyDay: StatDay, offset: number): StatDay {
  const day = thinToHourly(hourlyDay);
  const prev = block ? thinToHourly1(block) : undefined;
  const quantum = prev ? Math.min(prev.quantum, day.quantum) : day.quantum;
  // a companded block stays on its grid (the days joining it are on the same, their series')
  const out = sameGrid(prev?.compandStep !== undefined ? prev : day, emptyStatDay(60, quantum, HOURLY_BLOCK_DAYS, Boolean(day.relative || prev?.relative)));
  if (prev) copyInto(out, requantize(prev, quantum), 0);
  copyInto(out, requantize(day, quantum), offset * 24);
  return out;
}

/** A stored hourly bucket as a block-sized day (a one-day bucket is thinned if needed). */
function thinToHourly1(b: StatDay): StatDay {
  return statDays(b) === 1 ? thinToHourly(b) : b;
}

function copyInto(out: StatDay, src: StatDay, at: number): void {
  for (let i = 0; i < src.avg.length && at + i < out.avg.length; i++) {
    if (Number.isNaN(src.avg[i])) continue;
    out.avg[at + i] = src.avg[i]; out.min[at + i] = src.min[i]; out.max[at + i] = src.max[i];
  }
}
