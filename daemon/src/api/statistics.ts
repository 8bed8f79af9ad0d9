/**
 * @module api/statistics
 * GET /api/statistics: avg/min/max of an instantaneous quantity a device records (power,
 * voltages, currents, power factor, THD…) over a day, month or year of the installation's
 * calendar, per slot as the store keeps them or merged per hour or day.
 */
import { DEFAULT_STATISTIC_RESOLUTION, type StatisticQuantity, type StatisticResolution, type StatisticsQuery, type StatisticsResult } from '@ews/shared';
import { parseDate, periodBoundaries, type LocalDate } from '../energy/index';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

const HOUR_MS = 3_600_000;

/** Bin boundaries of a period at a resolution (local days and hours, DST included); null for `slot`. */
export function statisticBins(tz: string, period: StatisticsQuery['period'], date: LocalDate, resolution: StatisticResolution): number[] | null {
  if (resolution === 'slot') return null;
  const days = period === 'day' ? periodBoundaries(tz, 'day', date).filter((_, i, a) => i === 0 || i === a.length - 1)
    : period === 'month' ? periodBoundaries(tz, 'month', date)
      : Array.from({ length: 12 }, (_, m) => periodBoundaries(tz, 'month', { year: date.year, month: m + 1, day: 1 })).flatMap((b, m) => (m < 11 ? b.slice(0, -1) : b));
  if (resolution === 'day') return days;
  const out: number[] = [];
  for (let i = 0; i + 1 < days.length; i++) for (let t = days[i]; t < days[i + 1]; t += HOUR_MS) out.push(t);
  out.push(days[days.length - 1]);
  return out;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function statisticsHandlers(deps: ApiDeps): Handlers<'GET /api/statistics'> {
  const quantitiesOf = (deviceId: number): StatisticQuantity[] => {
    const d = deps.config.device(deviceId);
    const regs = deps.poller.plan(deviceId)?.registers ?? [];
    const scope = `device:${deviceId}`;
    const stored = new Map(deps.energy.store.listSeries({ kind: 'statistic', scopePrefix: scope }).filter((s) => s.scope === scope).map((s) => [s.key!, s]));
    const out: StatisticQuantity[] = [];
    // the catalogue's order and labels first, then anything recorded that the model no longer has
    for (const r of regs) {
      const s = stored.get(r.key);
      if (!s) continue;
      out.push({ key: r.key, label: d?.labels[r.key] || (r.label ?? r.key), unit: r.unit, ...(r.group ? { group: r.group } : {}) });
      stored.delete(r.key);
    }
    for (const s of stored.values()) out.push({ key: s.key!, label: s.key!, unit: s.unit });
    return out;
  };

  return {
    'GET /api/statistics': ({ query: q }): StatisticsResult => {
      const known = deps.config.device(q.deviceId) !== undefined;
      const quantities = quantitiesOf(q.deviceId);
      if (!known && quantities.length === 0) throw new ApiError(404, 'not-found', `no device ${q.deviceId}`, { deviceId: ['no such device'] });
      const quantity = q.quantity === undefined
        ? quantities.find((x) => x.unit === 'W') ?? quantities[0] ?? null
        : quantities.find((x) => x.key === q.quantity);
      if (quantity === undefined) throw new ApiError(404, 'not-found', `device ${q.deviceId} records no ${q.quantity}`, { quantity: [`device ${q.deviceId} has no statistics of "${q.quantity}"`] });
      const tz = deps.energy.timezone;
      const date = parseDate(q.date);
      const bounds = periodBoundaries(tz, q.period, date);
      const from = bounds[0], to = bounds[bounds.length - 1];
      const resolution = q.resolution ?? DEFAULT_STATISTIC_RESOLUTION[q.period];
      const result: StatisticsResult = {
        deviceId: q.deviceId, period: q.period, date: q.date, timezone: tz, resolution, quantities, quantity,
        from: from / 1000, to: to / 1000, x: [], rateMin: [], avg: [], min: [], max: [],
      };
      if (!quantity) return result;
      const slots = deps.energy.store.statistics(q.deviceId, quantity.key, from, to);
      const bins = statisticBins(tz, q.period, date, resolution);
      if (!bins) {
        for (const s of slots) { result.x.push(s.slotMs / 1000); result.rateMin.push(s.rateMin); result.avg.push(s.avg); result.min.push(s.min); result.max.push(s.max); }
        return result;
      }
      let b = 0;
      for (let i = 0; i < slots.length;) {
        while (b + 1 < bins.length && slots[i].slotMs >= bins[b + 1]) b++;
        let weight = 0, sum = 0, lo = Infinity, hi = -Infinity, rate = Infinity;
        for (; i < slots.length && slots[i].slotMs < bins[b + 1]; i++) {
          const s = slots[i];
          weight += s.rateMin; sum += s.avg * s.rateMin; lo = Math.min(lo, s.min); hi = Math.max(hi, s.max); rate = Math.min(rate, s.rateMin);
        }
        if (weight === 0) { i++; continue; }
        result.x.push(bins[b] / 1000); result.rateMin.push(rate); result.avg.push(round(sum / weight)); result.min.push(lo); result.max.push(hi);
      }
      return result;
    },
  };
}
