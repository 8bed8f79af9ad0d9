/**
 * Consumption histograms with uPlot (CON-1…6): bars per hour/day/month/year, stacked per load
 * or side by side, the previous period as wider light bars behind, a legend with each
 * series' sum for the period, and the hovered bar's values. uPlot has no stacking: series are
 * accumulated per bar and drawn from the tallest running sum down, so each shows its slice.
 * The chart's element carries the figures as data attributes (bars, drawn bars, sums) for tests.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatQuantity } from '@ews/shared';
import { formatNumber, lang, t } from '../../i18n';
import { axisUnit, barLabel, barTitle, drawnBars, stack, sumOf, tickText, totalsPerBar, type ChartData, type ChartSeries } from '../../state/consumption';
import { formatMoney, moneyTick } from '../../state/costs-view';

const INK = '#5d6b7c';
const GRID = '#e8ecf1';
const PREVIOUS = 'rgba(93,107,124,.22)';
/** `BarsPathBuilderFacetUnit.ScaleValue` (a const enum: not reachable with isolated modules). */
const SCALE_VALUE = 1 as uPlot.Series.BarsPathBuilderFacetUnit;

interface Built { data: uPlot.AlignedData; series: uPlot.Series[]; max: number }

function build(d: ChartData): Built {
  const n = d.x.length;
  const xs = d.x.map((_, i) => i);
  const data: Array<Array<number | null>> = [xs];
  const series: uPlot.Series[] = [{}];
  const bars = uPlot.paths.bars!;
  let max = 0;
  const track = (row: ReadonlyArray<number | null>) => { for (const v of row) if (v !== null && v > max) max = v; };
  if (d.previous) {
    data.push(d.previous);
    track(d.previous);
    series.push({ label: t('cons.previous'), fill: PREVIOUS, stroke: PREVIOUS, width: 0, paths: bars({ size: [0.92, 120] }), points: { show: false } });
  }
  if (d.stacked) {
    const rows = stack(d.series, n);
    // Tallest running sum first: every later (shorter) bar covers the bottom of the one before.
    for (let j = rows.length - 1; j >= 0; j--) {
      data.push(rows[j]);
      track(rows[j]);
      const c = d.series[j].color;
      series.push({ label: d.series[j].label, fill: c, stroke: c, width: 0, paths: bars({ size: [d.previous ? 0.6 : 0.72, 80] }), points: { show: false } });
    }
  } else {
    const k = Math.max(1, d.series.length);
    const w = 0.8 / k;
    d.series.forEach((s, j) => {
      data.push(s.values);
      track(s.values);
      series.push({
        label: s.label, fill: s.color, stroke: s.color, width: 0, points: { show: false },
        paths: bars({
          disp: {
            x0: { unit: SCALE_VALUE, values: (u) => (u.data[0] as number[]).map((x) => x - 0.4 + j * w) },
            size: { unit: SCALE_VALUE, values: (u) => (u.data[0] as number[]).map(() => w * 0.92) },
          },
        }),
      });
    });
  }
  return { data: data as uPlot.AlignedData, series, max };
}

function sizeOf(el: HTMLElement): { width: number; height: number } {
  return { width: Math.max(200, el.clientWidth), height: Math.max(140, el.clientHeight) };
}

/** Legend buttons that hide or show series (tariffs toggled off, COST-5). */
export interface SeriesToggles {
  /** Every series, the hidden ones too (`data` has only the shown ones). */
  all: ChartSeries[];
  hidden: readonly string[];
  onToggle: (key: string) => void;
}

/** `toggles`: the legend lists `toggles.all` as buttons; `data` holds the shown series only. */
export function BarChart({ data, testid = 'chart', big = false, toggles }: {
  data: ChartData; testid?: string; big?: boolean; toggles?: SeriesToggles;
}) {
  const host = useRef<HTMLDivElement>(null);
  const hover = useSignal<number | null>(null);
  const language = lang.value;
  const n = data.x.length;
  const currency = data.currency;

  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const built = build(data);
    const ax = currency ? { div: 1, label: currency } : axisUnit(built.max, data.unit);
    const tick = (v: number) => (currency ? moneyTick(v, currency, language, built.max) : tickText(v / ax.div));
    const labels = data.x.map((x) => barLabel(x, data.period, data.timezone, language));
    const font = big ? '600 18px system-ui, sans-serif' : '12px system-ui, sans-serif';
    const opts: uPlot.Options = {
      ...sizeOf(el),
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false, setScale: false }, y: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, n - 0.5)] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {
          stroke: INK, font, grid: { show: false }, ticks: { stroke: GRID },
          incrs: [1, 2, 3, 4, 6, 12, 24], space: big ? 46 : 30, size: big ? 44 : 32,
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? labels[i] ?? '' : '')),
        },
        {
          stroke: INK, font, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID },
          size: big ? 80 : currency ? 64 : 56, label: ax.label, labelFont: font, labelSize: big ? 26 : 18,
          values: (_u, splits) => splits.map(tick),
        },
      ],
      series: built.series,
      hooks: { setCursor: [(u) => { hover.value = u.cursor.idx ?? null; }] },
    };
    const plot = new uPlot(opts, built.data, el);
    const resize = () => { const s = sizeOf(el); if (s.width !== plot.width || s.height !== plot.height) plot.setSize(s); };
    let ro: ResizeObserver | null = null;
    if (typeof ResizeObserver !== 'undefined') { ro = new ResizeObserver(resize); ro.observe(el); } else window.addEventListener('resize', resize);
    return () => {
      if (ro) ro.disconnect(); else window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [data, language, big]);

  const totals = totalsPerBar(data.series, n);
  const total = sumOf(totals);
  const drawn = drawnBars(data);
  const idx = hover.value;
  const fmt = (v: number | null | undefined) => fmtChart(v, data, language);
  return (
    <div
      class={big ? 'chart big' : 'chart'} data-testid={testid} data-bars={n} data-drawn={drawn} data-series={data.series.length}
      data-total={total ?? ''} data-period={data.period} data-stacked={data.stacked} data-first={data.x[0] ?? ''}
      data-unit={currency ?? data.unit}
    >
      <div class="chart-plot" ref={host} />
      {drawn === 0 ? <p class="chart-empty muted" data-testid="no-data">{t('cons.noData')}</p> : null}
      <p class="chart-hover" data-testid="hover-line" aria-live="polite">
        {idx !== null && idx >= 0 && idx < n ? (
          <>
            <b>{barTitle(data.x[idx], data.x[idx + 1] ?? data.end, data.period, data.timezone, language)}</b>
            {data.series.length > 1 ? data.series.map((s) => (
              <span key={s.key}> · <i class="swatch" style={{ background: s.color }} />{s.label} {fmt(s.values[idx])}</span>
            )) : null}
            {data.stacked || data.series.length === 1 ? <span> · {t('cons.total')} {fmt(totals[idx])}</span> : null}
            {data.previous ? <span class="muted"> · {t('cons.previous')} {fmt(data.previous[idx])}</span> : null}
          </>
        ) : '\u00a0'}
      </p>
      <Legend data={data} total={total} fmt={fmt} toggles={toggles} />
    </div>
  );
}

export function fmtValue(v: number | null | undefined, unit: 'Wh' | 'dm3'): string {
  return v === null || v === undefined ? '—' : formatQuantity(v, unit, 2, formatNumber);
}

/** A value of a chart: an amount in its currency, or a quantity in its unit. */
export function fmtChart(v: number | null | undefined, data: ChartData, language: string): string {
  return data.currency ? formatMoney(v, data.currency, language) : fmtValue(v, data.unit);
}

function Legend({ data, total, fmt, toggles }: {
  data: ChartData; total: number | null; fmt: (v: number | null | undefined) => string; toggles?: SeriesToggles;
}) {
  const onToggle = toggles?.onToggle;
  const listed = toggles ? toggles.all : data.series;
  return (
    <ul class={onToggle ? 'legend toggles' : 'legend'} data-testid="legend">
      {listed.map((s) => {
        const off = !!toggles?.hidden.includes(s.key);
        const body = (
          <>
            <i class="swatch" style={{ background: s.color }} />
            <span class="legend-label">{s.label}</span>
            <b class="num">{fmt(s.sum)}</b>
          </>
        );
        return (
          <li key={s.key} data-testid="legend-item" data-key={s.key} data-sum={s.sum ?? ''} data-hidden={off} class={off ? 'off' : undefined}>
            {onToggle ? (
              <button
                type="button" class="legend-toggle" aria-pressed={!off} data-testid="legend-toggle" data-key={s.key}
                title={t(off ? 'cons.tariffs.show' : 'cons.tariffs.hide', { name: s.label })} onClick={() => onToggle(s.key)}
              >{body}</button>
            ) : body}
          </li>
        );
      })}
      {data.stacked && (data.series.length > 1 || listed.length > 1) ? (
        <li class="legend-total" data-testid="legend-total" data-sum={total ?? ''}>
          <span class="legend-label">{t('cons.total')}</span><b class="num">{fmt(total)}</b>
        </li>
      ) : null}
      {data.previous ? (
        <li class="legend-previous" data-testid="legend-previous" data-sum={data.previousSum ?? ''}>
          <i class="swatch" style={{ background: PREVIOUS }} />
          <span class="legend-label">{t('cons.previousPeriod')}</span><b class="num">{fmt(data.previousSum)}</b>
        </li>
      ) : null}
    </ul>
  );
}
