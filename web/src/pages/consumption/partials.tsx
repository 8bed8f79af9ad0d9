/**
 * Partials (CON-3): per measure group ("All groups", side by side since a device may be in
 * several groups, or one) and per load ("All electricity loads", stacked, or one).
 * Compare (CON-4): two devices, "Total" (their totals side by side) or "Details" (both series
 * on one chart); devices of different kinds compare in currency only.
 */
import { signal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import type { DeviceSummary } from '@ews/shared';
import { api, type ConsumptionQuery } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { groupedChart, periodTotals, stackedChart } from '../../state/consumption';
import { BarChart, fmtValue } from './chart';
import { ChartPanel, Pending, PeriodBar, Select, Switch } from './controls';
import { date, period, useConsumption, useList } from './data';
import { seriesLabel } from './total';

type PartialKind = 'group' | 'load';
const partialKind = signal<PartialKind>('group');
const partialGroup = signal<string>('all');
const partialLoad = signal<string>('all');

export function PartialsView() {
  const groups = useList(api.groups);
  const loads = useList(api.loads);
  const kind = partialKind.value;
  const enabledGroups = (groups.list ?? []).filter((g) => g.enabled);
  const enabledLoads = (loads.list ?? []).filter((l) => l.enabled);
  const p = period.value;
  const d = date.value;

  let queries: ConsumptionQuery[] | null = null;
  let labels: string[] = [];
  let grouped = false;
  if (kind === 'group') {
    if (groups.list) {
      const chosen = partialGroup.value === 'all' ? enabledGroups : enabledGroups.filter((g) => g.id === partialGroup.value);
      queries = chosen.map((g) => ({ scope: `group:${g.id}`, period: p, date: d }));
      labels = chosen.map((g) => g.name);
      grouped = partialGroup.value === 'all';
    }
  } else {
    queries = [{ scope: partialLoad.value === 'all' ? 'total' : `load:${partialLoad.value}`, period: p, date: d }];
  }
  const { results, error } = useConsumption(queries);
  const chart = useMemo(() => {
    if (!results || results.length === 0) return null;
    return grouped ? groupedChart(results, labels) : stackedChart(results[0], seriesLabel);
  }, [results]);

  const title = kind === 'group'
    ? (partialGroup.value === 'all' ? t('cons.allGroups') : labels[0] ?? '')
    : (partialLoad.value === 'all' ? t('cons.allLoads') : seriesLabel(`load:${partialLoad.value}`, enabledLoads.find((l) => l.id === partialLoad.value)?.name ?? partialLoad.value));

  return (
    <>
      <div class="toolbar cons-select">
        <Switch
          testid="partials-kind" value={kind} onChange={(v) => { partialKind.value = v; }}
          options={[{ value: 'group', label: t('cons.byGroup') }, { value: 'load', label: t('cons.byLoad') }]}
        />
        {kind === 'group' ? (
          <Select label={t('cons.group')} testid="partials-group" value={partialGroup.value} onChange={(v) => { partialGroup.value = v; }}>
            <option value="all">{t('cons.allGroups')}</option>
            {enabledGroups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </Select>
        ) : (
          <Select label={t('cons.load')} testid="partials-load" value={partialLoad.value} onChange={(v) => { partialLoad.value = v; }}>
            <option value="all">{t('cons.allLoads')}</option>
            {enabledLoads.map((l) => <option key={l.id} value={l.id}>{seriesLabel(`load:${l.id}`, l.name)}</option>)}
          </Select>
        )}
      </div>
      <ChartPanel title={`${t('cons.view.partials')} · ${title}`}>
        <PeriodBar csv={(queries ?? []).map((q, i) => ({ label: labels[i] ?? title, query: q }))} />
        {queries && queries.length === 0 ? (
          <p class="muted" data-testid="partials-none">{t('cons.noGroups')}</p>
        ) : chart ? <BarChart data={chart} testid="chart-partials" /> : <Pending error={error ?? groups.error ?? loads.error} />}
      </ChartPanel>
    </>
  );
}

// #region compare

type CompareMode = 'total' | 'details';
const compareA = signal<number | null>(null);
const compareB = signal<number | null>(null);
const compareMode = signal<CompareMode>('total');

/** Devices with energy to show (not the I/O modules). */
export const withEnergy = (list: DeviceSummary[] | null) => (list ?? []).filter((d) => d.energyType !== 'none');

export function deviceLabel(d: DeviceSummary): string {
  return `${d.addressLabel} · ${d.name}`;
}

export function CompareView() {
  const devices = useList(api.devices);
  const list = withEnergy(devices.list);
  const electric = list.filter((d) => d.energyType === 'electricity');
  const a = list.find((d) => d.id === compareA.value) ?? electric[0] ?? list[0];
  const b = list.find((d) => d.id === compareB.value) ?? electric.find((d) => d !== a) ?? list.find((d) => d !== a);
  const sameKind = !!a && !!b && a.energyType === b.energyType;
  const p = period.value;
  const dt = date.value;
  const queries: ConsumptionQuery[] | null = a && b && sameKind
    ? [{ scope: `device:${a.id}`, period: p, date: dt }, { scope: `device:${b.id}`, period: p, date: dt }]
    : null;
  const { results, error } = useConsumption(queries);
  const mode = compareMode.value;
  const chart = useMemo(() => (results && results.length === 2 && a && b ? groupedChart(results, [deviceLabel(a), deviceLabel(b)]) : null), [results]);

  const picker = (label: string, testid: string, value: DeviceSummary | undefined, set: (id: number) => void) => (
    <Select label={label} testid={testid} value={value ? String(value.id) : ''} onChange={(v) => set(Number(v))}>
      {list.map((d) => <option key={d.id} value={d.id}>{deviceLabel(d)} ({t(`energy.${d.energyType}` as MessageKey)})</option>)}
    </Select>
  );

  return (
    <>
      <div class="toolbar cons-select">
        {picker(t('cons.deviceA'), 'compare-a', a, (id) => { compareA.value = id; })}
        {picker(t('cons.deviceB'), 'compare-b', b, (id) => { compareB.value = id; })}
        <Switch
          testid="compare-mode" value={mode} onChange={(v) => { compareMode.value = v; }}
          options={[{ value: 'total', label: t('cons.compareTotal') }, { value: 'details', label: t('cons.compareDetails') }]}
        />
      </div>
      <ChartPanel title={a && b ? `${t('cons.view.compare')} · ${a.name} / ${b.name}` : t('cons.view.compare')}>
        <PeriodBar csv={(queries ?? []).map((q, i) => ({ label: [a, b][i]?.name ?? q.scope, query: q }))} />
        {!devices.list ? <Pending error={devices.error} /> : list.length < 2 ? <p class="muted">{t('cons.compareNeedTwo')}</p> : !sameKind ? (
          <p class="banner warn" data-testid="compare-kinds" role="status">
            {t('cons.compareKinds', { a: a!.name, b: b!.name, ka: t(`energy.${a!.energyType}` as MessageKey), kb: t(`energy.${b!.energyType}` as MessageKey) })}
          </p>
        ) : !results || !chart ? <Pending error={error} /> : mode === 'details' ? (
          <BarChart data={chart} testid="chart-compare" />
        ) : (
          <CompareTotals
            rows={results.map((r, i) => ({ id: [a!, b!][i].id, label: deviceLabel([a!, b!][i]), color: chart.series[i].color, ...periodTotals(r) }))}
          />
        )}
      </ChartPanel>
    </>
  );
}

interface TotalRow { id: number; label: string; color: string; current: number | null; previous: number | null; unit: 'Wh' | 'dm3' }

/** Two devices' totals of the period side by side, with their previous period. */
function CompareTotals({ rows }: { rows: TotalRow[] }) {
  const max = Math.max(1, ...rows.flatMap((r) => [r.current ?? 0, r.previous ?? 0]));
  const pct = (v: number | null) => `${Math.max(0, Math.min(100, (100 * (v ?? 0)) / max))}%`;
  return (
    <div class="compare-totals" data-testid="compare-total">
      {rows.map((r) => (
        <div key={r.id} class="compare-row" data-testid="compare-row" data-device={r.id} data-sum={r.current ?? ''} data-previous={r.previous ?? ''}>
          <div class="compare-label"><i class="swatch" style={{ background: r.color }} />{r.label}</div>
          <div class="hbar"><span style={{ width: pct(r.current), background: r.color }} /></div>
          <b class="num">{fmtValue(r.current, r.unit)}</b>
          <div class="compare-label muted">{t('cons.previousPeriod')}</div>
          <div class="hbar previous"><span style={{ width: pct(r.previous) }} /></div>
          <span class="num muted">{fmtValue(r.previous, r.unit)}</span>
        </div>
      ))}
    </div>
  );
}

// #endregion
