/**
 * Statistics in the Details view: avg/min/max of an instantaneous quantity the device records
 * (power, voltages, currents, power factor, THD…) over the day, month or year shown, as the
 * store keeps them (per sample, thinned to hourly past their retention) or merged per hour or
 * day by the API. uPlot draws the average as a line in a band from the minimum to the maximum.
 * The element carries the figures as data attributes for tests.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { DeviceSummary, StatisticsResult } from '@ews/shared';
import { call } from '../../api/client';
import { lang, t, type MessageKey } from '../../i18n';
import { date, period } from './data';
import { Pending, Select } from './controls';

const INK = '#5d6b7c';
const GRID = '#e8ecf1';
const AVG = '#1f77b4';
const BAND = 'rgba(31,119,180,.16)';
const EDGE = 'rgba(31,119,180,.45)';

function fmt(v: number | null | undefined, unit: string, language: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const n = v.toLocaleString(language, { maximumFractionDigits: 3 });
  return unit ? `${n} ${unit === 'degC' ? '°C' : unit}` : n;
}

/** Mean of the averages weighted by the minutes each covers, min of the minima, max of the maxima. */
export function periodFigures(r: StatisticsResult): { avg: number | null; min: number | null; max: number | null } {
  if (r.x.length === 0) return { avg: null, min: null, max: null };
  let w = 0, s = 0;
  r.avg.forEach((a, i) => { w += r.rateMin[i]; s += a * r.rateMin[i]; });
  return { avg: Math.round((s / w) * 1000) / 1000, min: Math.min(...r.min), max: Math.max(...r.max) };
}

export function DeviceStatistics({ device }: { device: DeviceSummary }) {
  const quantity = useSignal<string | undefined>(undefined);
  const result = useSignal<StatisticsResult | null>(null);
  const error = useSignal<string | null>(null);
  const p = period.value;
  const d = date.value;
  const q = quantity.value;
  const shown = p === 'day' || p === 'month' || p === 'year';

  useEffect(() => {
    if (!shown) return undefined;
    let live = true;
    error.value = null;
    call('GET /api/statistics', { query: { deviceId: device.id, period: p, date: d, ...(q ? { quantity: q } : {}) } })
      .then((r) => { if (live) result.value = r; })
      .catch((e: unknown) => { if (live) error.value = e instanceof Error ? e.message : String(e); });
    return () => { live = false; };
  }, [device.id, p, d, q, shown]);

  const r = result.value;
  return (
    <section class="details-stats" data-testid="details-stats">
      <div class="measure-head">
        <h2>{t('cons.stats.title')}</h2>
        {r && r.quantities.length ? (
          <Select label={t('cons.stats.quantity')} testid="stats-quantity" value={r.quantity?.key ?? ''} onChange={(v) => { quantity.value = v; }}>
            {r.quantities.map((x) => <option key={x.key} value={x.key}>{x.unit ? `${x.label} (${x.unit === 'degC' ? '°C' : x.unit})` : x.label}</option>)}
          </Select>
        ) : null}
      </div>
      {!shown ? <p class="muted note-small" data-testid="stats-decade">{t('cons.stats.decade')}</p>
        : !r || r.deviceId !== device.id ? <Pending error={error.value} />
          : r.quantities.length === 0 ? <p class="muted note-small" data-testid="stats-none">{t('cons.stats.none')}</p>
            : <StatsChart result={r} />}
    </section>
  );
}

function StatsChart({ result: r }: { result: StatisticsResult }) {
  const host = useRef<HTMLDivElement>(null);
  const hover = useSignal<number | null>(null);
  const language = lang.value;
  const unit = r.quantity?.unit ?? '';

  useEffect(() => {
    const el = host.current;
    if (!el || r.x.length === 0) return undefined;
    const size = () => ({ width: Math.max(200, el.clientWidth), height: Math.max(160, el.clientHeight) });
    const tz = r.timezone;
    const opts: uPlot.Options = {
      ...size(),
      legend: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz),
      cursor: { drag: { x: false, y: false, setScale: false } },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true, range: () => [r.from, r.to] } },
      axes: [
        { stroke: INK, grid: { show: false }, ticks: { stroke: GRID } },
        { stroke: INK, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, size: 60, label: unit === 'degC' ? '°C' : unit, labelSize: 18 },
      ],
      series: [
        {},
        { label: t('cons.stats.max'), stroke: EDGE, width: 1, points: { show: false } },
        { label: t('cons.stats.avg'), stroke: AVG, width: 2, points: { show: r.x.length < 60 } },
        { label: t('cons.stats.min'), stroke: EDGE, width: 1, points: { show: false } },
      ],
      bands: [{ series: [1, 3], fill: BAND }],
      hooks: { setCursor: [(u) => { hover.value = u.cursor.idx ?? null; }] },
    };
    const plot = new uPlot(opts, [r.x, r.max, r.avg, r.min], el);
    const resize = () => { const s = size(); if (s.width !== plot.width || s.height !== plot.height) plot.setSize(s); };
    let ro: ResizeObserver | null = null;
    if (typeof ResizeObserver !== 'undefined') { ro = new ResizeObserver(resize); ro.observe(el); } else window.addEventListener('resize', resize);
    return () => { if (ro) ro.disconnect(); else window.removeEventListener('resize', resize); plot.destroy(); };
  }, [r, language]);

  const all = periodFigures(r);
  const i = hover.value;
  const when = (x: number) => new Date(x * 1000).toLocaleString(language, { timeZone: r.timezone, dateStyle: 'short', timeStyle: r.resolution === 'day' ? undefined : 'short' });
  return (
    <div
      class="chart stats-chart" data-testid="stats-chart" data-quantity={r.quantity?.key ?? ''} data-points={r.x.length}
      data-resolution={r.resolution} data-avg={all.avg ?? ''} data-min={all.min ?? ''} data-max={all.max ?? ''}
    >
      {r.x.length ? <div class="chart-plot" ref={host} /> : <p class="chart-empty muted" data-testid="stats-no-data">{t('cons.stats.noData')}</p>}
      <p class="chart-hover" aria-live="polite">
        {i !== null && i >= 0 && i < r.x.length ? (
          <>
            <b>{when(r.x[i])}</b> · {t('cons.stats.avg')} {fmt(r.avg[i], unit, language)} · {t('cons.stats.min')} {fmt(r.min[i], unit, language)} · {t('cons.stats.max')} {fmt(r.max[i], unit, language)}
          </>
        ) : '\u00a0'}
      </p>
      <table class="stats-figures" data-testid="stats-figures">
        <tbody>
          <tr>
            <th>{t('cons.stats.period')} <small class="muted">({t(`cons.stats.resolution.${r.resolution}` as MessageKey)})</small></th>
            <td>{t('cons.stats.avg')} <b class="num" data-testid="stats-avg">{fmt(all.avg, unit, language)}</b></td>
            <td>{t('cons.stats.min')} <b class="num" data-testid="stats-min">{fmt(all.min, unit, language)}</b></td>
            <td>{t('cons.stats.max')} <b class="num" data-testid="stats-max">{fmt(all.max, unit, language)}</b></td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
