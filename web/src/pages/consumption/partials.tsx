/**
 * Partials (CON-3): per measure group ("All groups", side by side since a device may be in
 * several groups, or one) and per load ("All electricity loads", stacked, or one); beside the
 * chart (above it on a phone), the smartphone guide's loads list filtered by measure group.
 * Compare (CON-4): two devices, "Total" (their totals side by side) or "Details" (both series
 * on one chart); devices of different kinds compare in currency only.
 */
import { signal } from '@preact/signals';
import { useMemo, useRef } from 'preact/hooks';
import type { DeviceSummary } from '@ews/shared';
import { api } from '../../api';
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import { lang, t, type MessageKey } from '../../i18n';
import { groupedChart, periodTotals, seriesColor, stackedChart, type ChartData, type EnergyUnit } from '../../state/consumption';
import {
  costChart, equivalentChart, equivalentWh, formatMoney, groupedCostChart, periodCosts, pickUnit, unitsFor, type DisplayUnit,
} from '../../state/costs-view';
import { BarChart, fmtValue } from './chart';
import { ChartPanel, Pending, PeriodBar, Select, Switch } from './controls';
import { CostGate, UnitSwitch } from './cost-parts';
import { date, period, unit, useConsumption, useCostSettings, useList } from './data';
import { seriesLabel } from './total';

type PartialKind = 'group' | 'load';
const partialKind = signal<PartialKind>('group');
const partialGroup = signal<string>('all');
const partialLoad = signal<string>('all');
/** The measure group the loads list is filtered by (the guide's "Measure group"), or `all`. */
const loadsFilter = signal<string>('all');

/** On a phone the chart is below the list: bring it into view when a load is chosen. */
const narrow = () => typeof matchMedia === 'function' && matchMedia('(max-width: 760px)').matches;

/** The energy kind of a load: its own for the Water and Gas loads, electricity for the others. */
const loadKind = (id: string): 'electricity' | 'gas' | 'water' => (id === 'gas' || id === 'water' ? id : 'electricity');
const energyUnitOf = (kind: string): EnergyUnit => (kind === 'gas' || kind === 'water' ? 'dm3' : 'Wh');

/** Adds `costs` to the queries in currency. */
const withCosts = (qs: ConsumptionQuery[], u: DisplayUnit): ConsumptionQuery[] => (u === 'cost' ? qs.map((q) => ({ ...q, costs: true })) : qs);

/**
 * The chart of one or several answers in the unit shown: energy (stacked or side by side),
 * gas in equivalent Wh, or costs (stacked per tariff, or side by side per answer).
 */
function chartIn(u: DisplayUnit, results: ConsumptionResult[], labels: string[], grouped: boolean, gasKwhPerM3: number | null): ChartData | null {
  if (results.length === 0) return null;
  if (u === 'cost') return grouped ? groupedCostChart(results, labels) : costChart(results[0]);
  const c = grouped ? groupedChart(results, labels) : stackedChart(results[0], seriesLabel);
  return u === 'equivalent' && gasKwhPerM3 ? equivalentChart(c, gasKwhPerM3) : c;
}

export function PartialsView() {
  const groups = useList(api.groups);
  const loads = useList(api.loads);
  const devices = useList(api.devices);
  const chartRef = useRef<HTMLDivElement>(null);
  const settings = useCostSettings();
  const kind = partialKind.value;
  const enabledGroups = (groups.list ?? []).filter((g) => g.enabled);
  const enabledLoads = (loads.list ?? []).filter((l) => l.enabled);
  const p = period.value;
  const d = date.value;
  const energy = kind === 'load' && partialLoad.value !== 'all' ? loadKind(partialLoad.value) : 'electricity';
  const units = unitsFor([energy], { gasFactor: settings?.gasKwhPerM3 ?? null });
  const u = pickUnit(unit.value, units);

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
  if (queries) queries = withCosts(queries, u);
  const { results, error } = useConsumption(queries);
  const chart = useMemo(() => (results ? chartIn(u, results, labels, grouped, settings?.gasKwhPerM3 ?? null) : null), [results, u, settings]);

  const title = kind === 'group'
    ? (partialGroup.value === 'all' ? t('cons.allGroups') : labels[0] ?? '')
    : (partialLoad.value === 'all' ? t('cons.allLoads') : seriesLabel(`load:${partialLoad.value}`, enabledLoads.find((l) => l.id === partialLoad.value)?.name ?? partialLoad.value));

  // The loads list of the guide: the loads with a device in the chosen measure group.
  const filter = loadsFilter.value;
  const inFilter = filter === 'all' ? null : new Set(withEnergy(devices.list).filter((d) => d.groupIds.includes(filter)).map((d) => d.loadId ?? 'others'));
  const listed = enabledLoads.filter((l) => !inFilter || inFilter.has(l.id));
  const chooseLoad = (id: string) => {
    partialKind.value = 'load';
    partialLoad.value = id;
    if (narrow()) requestAnimationFrame(() => chartRef.current?.scrollIntoView({ block: 'start' }));
  };

  return (
    <div class="split partials-split">
      <section class="pane list-pane" data-testid="partials-loads">
        <Select label={t('mobile.measureGroup')} testid="partials-filter" value={filter} onChange={(v) => { loadsFilter.value = v; }}>
          <option value="all">{t('cons.allGroups')}</option>
          {enabledGroups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </Select>
        {!loads.list || (filter !== 'all' && !devices.list) ? <Pending error={loads.error ?? devices.error} /> : listed.length === 0 ? (
          <p class="muted" data-testid="partials-no-load">{t('mobile.noLoadInGroup')}</p>
        ) : (
          <ul class="items">
            {listed.map((l, i) => (
              <li key={l.id}>
                <button
                  type="button" class={`item load-item${kind === 'load' && partialLoad.value === l.id ? ' active' : ''}`}
                  data-testid="partials-load-item" data-id={l.id} aria-pressed={kind === 'load' && partialLoad.value === l.id}
                  onClick={() => chooseLoad(l.id)}
                >
                  <i class="swatch" style={{ background: seriesColor(`load:${l.id}`, i) }} />
                  <span class="item-main"><b>{seriesLabel(`load:${l.id}`, l.name)}</b></span>
                  <span class="item-side">{t(`energy.${loadKind(l.id)}` as MessageKey)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div class="pane partials-pane" ref={chartRef}>
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
          <div class="period-extra">
            <UnitSwitch units={units} value={u} onChange={(v) => { unit.value = v; }} energyUnit={energyUnitOf(energy)} />
          </div>
          <PeriodBar csv={(queries ?? []).map((q, i) => ({ label: labels[i] ?? title, query: q }))} />
          {queries && queries.length === 0 ? (
            <p class="muted" data-testid="partials-none">{t('cons.noGroups')}</p>
          ) : !results ? <Pending error={error ?? groups.error ?? loads.error} /> : (
            <CostGate results={results} cost={u === 'cost'}>
              {chart ? <BarChart data={chart} testid="chart-partials" /> : <Pending error={error} />}
            </CostGate>
          )}
          {u === 'cost' && kind === 'load' && partialLoad.value === 'all' ? <p class="muted note-small">{t('cons.cost.perTariffNote')}</p> : null}
        </ChartPanel>
      </div>
    </div>
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
  const settings = useCostSettings();
  const list = withEnergy(devices.list);
  const electric = list.filter((d) => d.energyType === 'electricity');
  const a = list.find((d) => d.id === compareA.value) ?? electric[0] ?? list[0];
  const b = list.find((d) => d.id === compareB.value) ?? electric.find((d) => d !== a) ?? list.find((d) => d !== a);
  const sameKind = !!a && !!b && a.energyType === b.energyType;
  const factor = settings?.gasKwhPerM3 ?? null;
  // CON-4: devices of different kinds compare in currency only.
  const allUnits: DisplayUnit[] = a && a.energyType === 'gas' && sameKind && factor ? ['energy', 'equivalent', 'cost'] : ['energy', 'cost'];
  const offered = a && b ? unitsFor([a.energyType, b.energyType], { gasFactor: factor }) : allUnits;
  const u = pickUnit(unit.value, offered);
  const p = period.value;
  const dt = date.value;
  const queries: ConsumptionQuery[] | null = a && b
    ? withCosts([{ scope: `device:${a.id}`, period: p, date: dt }, { scope: `device:${b.id}`, period: p, date: dt }], u)
    : null;
  const { results, error } = useConsumption(queries);
  const mode = compareMode.value;
  const chart = useMemo(
    () => (results && results.length === 2 && a && b ? chartIn(u, results, [deviceLabel(a), deviceLabel(b)], true, factor) : null),
    [results, u, factor],
  );
  const language = lang.value;
  const kindName = (d: DeviceSummary) => t(`energy.${d.energyType}` as MessageKey);

  const picker = (label: string, testid: string, value: DeviceSummary | undefined, set: (id: number) => void) => (
    <Select label={label} testid={testid} value={value ? String(value.id) : ''} onChange={(v) => set(Number(v))}>
      {list.map((d) => <option key={d.id} value={d.id}>{deviceLabel(d)} ({t(`energy.${d.energyType}` as MessageKey)})</option>)}
    </Select>
  );

  const rows = (rs: ConsumptionResult[]): TotalRow[] => rs.map((r, i) => {
    const dev = [a!, b!][i];
    const color = chart?.series[i]?.color ?? '#888';
    if (u === 'cost') {
      const c = periodCosts(r);
      const currency = r.currency ?? '';
      return { id: dev.id, label: deviceLabel(dev), color, current: c?.current ?? null, previous: c?.previous ?? null, fmt: (v) => formatMoney(v, currency, language) };
    }
    const e = periodTotals(r);
    if (u === 'equivalent' && factor) {
      return { id: dev.id, label: deviceLabel(dev), color, current: equivalentWh(e.current, factor), previous: equivalentWh(e.previous, factor), fmt: (v) => fmtValue(v, 'Wh') };
    }
    return { id: dev.id, label: deviceLabel(dev), color, current: e.current, previous: e.previous, fmt: (v) => fmtValue(v, e.unit) };
  });

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
        <div class="period-extra">
          <UnitSwitch
            units={allUnits} offered={offered} value={u} onChange={(v) => { unit.value = v; }}
            energyUnit={energyUnitOf(a?.energyType ?? 'electricity')} why={t('cons.cost.onlyCurrency')}
          />
        </div>
        <PeriodBar csv={(queries ?? []).map((q, i) => ({ label: [a, b][i]?.name ?? q.scope, query: q }))} />
        {a && b && !sameKind ? (
          <p class="banner warn" data-testid="compare-kinds" role="status">
            {t('cons.cost.compareKinds', { a: a.name, b: b.name, ka: kindName(a), kb: kindName(b) })}
          </p>
        ) : null}
        {!devices.list ? <Pending error={devices.error} /> : list.length < 2 ? <p class="muted">{t('cons.compareNeedTwo')}</p> : !results ? (
          <Pending error={error} />
        ) : (
          <CostGate results={results} cost={u === 'cost'}>
            {!chart ? <Pending error={error} /> : mode === 'details' ? (
              <BarChart data={chart} testid="chart-compare" />
            ) : <CompareTotals rows={rows(results)} unit={chart.currency ?? chart.unit} />}
          </CostGate>
        )}
      </ChartPanel>
    </>
  );
}

interface TotalRow { id: number; label: string; color: string; current: number | null; previous: number | null; fmt: (v: number | null) => string }

/** Two devices' totals of the period side by side, with their previous period (in units or currency). */
function CompareTotals({ rows, unit: shownUnit }: { rows: TotalRow[]; unit: string }) {
  const max = Math.max(1e-9, ...rows.flatMap((r) => [r.current ?? 0, r.previous ?? 0]));
  const pct = (v: number | null) => `${Math.max(0, Math.min(100, (100 * (v ?? 0)) / max))}%`;
  return (
    <div class="compare-totals" data-testid="compare-total" data-unit={shownUnit}>
      {rows.map((r) => (
        <div key={r.id} class="compare-row" data-testid="compare-row" data-device={r.id} data-sum={r.current ?? ''} data-previous={r.previous ?? ''}>
          <div class="compare-label"><i class="swatch" style={{ background: r.color }} />{r.label}</div>
          <div class="hbar"><span style={{ width: pct(r.current), background: r.color }} /></div>
          <b class="num">{r.fmt(r.current)}</b>
          <div class="compare-label muted">{t('cons.previousPeriod')}</div>
          <div class="hbar previous"><span style={{ width: pct(r.previous) }} /></div>
          <span class="num muted">{r.fmt(r.previous)}</span>
        </div>
      ))}
    </div>
  );
}

// #endregion
