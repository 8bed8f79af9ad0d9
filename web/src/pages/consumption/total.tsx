/**
 * Grand total (CON-1): Ea+ bars stacked per load, or in currency stacked per tariff, the
 * previous period behind; Overall (CON-2): electricity, gas and water in units and currency,
 * gas also in equivalent kWh, and the pie of their costs.
 */
import { signal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import type { CostType } from '@ews/shared';
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import { lang, loadName, t, type MessageKey } from '../../i18n';
import { barTitle, ENERGY_COLORS, overallQueries, periodTotals, stackedChart, sumOf, totalsPerBar, type EnergyUnit } from '../../state/consumption';
import { costChart, costStateOf, equivalentWh, formatMoney, periodCosts, pickUnit, type DisplayUnit } from '../../state/costs-view';
import { BarChart, fmtValue } from './chart';
import { ChartPanel, Pending, PeriodBar, Switch } from './controls';
import { CostGate, RecomputeNotice, TariffsLink, UnitSwitch } from './cost-parts';
import { date, period, unit, useConsumption, useCostSettings } from './data';
import { Pie } from './pie';

/** Series labels the daemon gives in English or as ids: "Others", the energy types, "Total". */
export function seriesLabel(key: string, label: string): string {
  if (key === 'load:others') return t('cons.others');
  if (key.startsWith('load:')) return loadName({ id: key.slice(5), name: label });
  if (key === 'total') return t('cons.total');
  if (key === 'type:electricity' || key === 'type:gas' || key === 'type:water') return t(`energy.${key.slice(5)}` as MessageKey);
  return label;
}

export function totalQuery(p = period.value, d = date.value, costs = false): ConsumptionQuery {
  return costs ? { scope: 'total', period: p, date: d, costs: true } : { scope: 'total', period: p, date: d };
}

/** The grand total's chart and legend, in energy (per load) or in currency (per tariff). */
export function TotalChart({ query, unit: u = 'energy' }: { query: ConsumptionQuery; unit?: DisplayUnit }) {
  const { results, error } = useConsumption([query]);
  const cost = u === 'cost';
  const chart = useMemo(() => {
    const r = results?.[0];
    if (!r) return null;
    return cost ? costChart(r) : stackedChart(r, seriesLabel);
  }, [results, cost]);
  if (!results) return <Pending error={error} />;
  return (
    <CostGate results={results} cost={cost}>
      {chart ? <BarChart data={chart} testid="chart-total" /> : <Pending error={error} />}
    </CostGate>
  );
}

const TOTAL_UNITS: DisplayUnit[] = ['energy', 'cost'];

/** The grand total as a histogram or as the guide's "Data" table. */
const totalShow = signal<'chart' | 'data'>('chart');

export function TotalView() {
  const u = pickUnit(unit.value, TOTAL_UNITS);
  const q = totalQuery(period.value, date.value, u === 'cost');
  const show = totalShow.value;
  return (
    <ChartPanel title={u === 'cost' ? t('cons.cost.totalTitle') : t('cons.totalTitle')}>
      <div class="period-extra">
        <Switch
          testid="total-show" value={show} onChange={(v) => { totalShow.value = v; }}
          options={[{ value: 'chart', label: t('mobile.histogram') }, { value: 'data', label: t('mobile.data') }]}
        />
        {show === 'chart' ? <UnitSwitch units={TOTAL_UNITS} value={u} onChange={(v) => { unit.value = v; }} energyUnit="Wh" /> : null}
      </div>
      <PeriodBar csv={[{ label: t('cons.view.total'), query: q }]} />
      {show === 'data' ? <TotalDataTable query={totalQuery(period.value, date.value, true)} /> : <TotalChart query={q} unit={u} />}
      <p class="muted note-small">{u === 'cost' ? t('cons.cost.totalNote') : t('cons.totalNote')} <a href="#/consumption/overall" data-testid="to-overall">{t('cons.view.overall')} →</a></p>
    </ChartPanel>
  );
}

/**
 * "Data" (the smartphone guide): the grand total of each bar of the period in Wh and in
 * currency, beside the same bar of the previous period; the table scrolls in its own box.
 */
export function TotalDataTable({ query }: { query: ConsumptionQuery }) {
  const { results, error } = useConsumption([query]);
  const language = lang.value;
  const r = results?.[0];
  if (!r) return <Pending error={error} />;
  const n = r.x.length;
  const energy = totalsPerBar(r.series, n);
  const previous = totalsPerBar(r.previous.series, r.previous.x.length);
  const costed = costStateOf(r) === 'ok';
  const costs = costed ? totalsPerBar(r.costs ?? [], n) : null;
  const energyUnit: EnergyUnit = r.series[0]?.unit ?? 'Wh';
  const money = (v: number | null) => (costed && r.currency ? formatMoney(v, r.currency, language) : '—');
  const step = n > 1 ? r.x[1] - r.x[0] : 3600;
  return (
    <div class="scroll data-scroll" data-testid="data-scroll">
      <table class="list-table data-table" data-testid="data-table" data-bars={n}>
        <thead>
          <tr>
            <th>{t('mobile.when')}</th>
            <th class="num">{t('cons.thisPeriod')}</th>
            <th class="num cost-col">{t('cons.cost')}</th>
            <th class="num">{t('cons.previousPeriod')}</th>
          </tr>
        </thead>
        <tbody>
          {r.x.map((x, i) => (
            <tr key={x} data-wh={energy[i] ?? ''} data-cost={costs?.[i] ?? ''}>
              <th scope="row">{barTitle(x, r.period === 'day' ? x + step : undefined, r.period, r.timezone, language)}</th>
              <td class="num">{fmtValue(energy[i], energyUnit)}</td>
              <td class="num cost-col">{money(costs?.[i] ?? null)}</td>
              <td class="num muted">{fmtValue(previous[i] ?? null, energyUnit)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="data-total" data-wh={sumOf(energy) ?? ''}>
            <th scope="row">{t('cons.total')}</th>
            <td class="num"><b>{fmtValue(sumOf(energy), energyUnit)}</b></td>
            <td class="num cost-col"><b>{money(costs ? sumOf(costs) : null)}</b></td>
            <td class="num muted">{fmtValue(sumOf(previous), energyUnit)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export interface OverallRow {
  energy: CostType; current: number | null; previous: number | null; unit: EnergyUnit;
  /** null when the answer has no costs (no tariff, or a server without costs). */
  cost: number | null; previousCost: number | null; costed: boolean;
}

/** Electricity, gas and water of the period: table and pie, in units and currency (CON-2). */
export function OverallTable({ queries }: { queries: ConsumptionQuery[] }) {
  const { results, error } = useConsumption(queries);
  const settings = useCostSettings();
  return results ? <OverallTableView results={results} gasKwhPerM3={settings?.gasKwhPerM3 ?? null} /> : <Pending error={error} />;
}

/**
 * The answers of `overallQueries` (electricity, gas, water) as a table and a pie by currency.
 * `gasKwhPerM3`: the gas conversion factor, for the equivalent kWh (not shown without it).
 */
export function OverallTableView({ results, big, gasKwhPerM3 = null }: { results: ConsumptionResult[]; big?: boolean; gasKwhPerM3?: number | null }) {
  const language = lang.value;
  const rows: OverallRow[] = results.map((r, i) => {
    const costs = periodCosts(r);
    return {
      energy: (['electricity', 'gas', 'water'] as const)[i], ...periodTotals(r),
      cost: costs?.current ?? null, previousCost: costs?.previous ?? null, costed: costStateOf(r) === 'ok',
    };
  });
  const currency = results.find((r) => r.currency)?.currency ?? null;
  const money = (v: number | null) => (currency ? formatMoney(v, currency, language) : '—');
  const anyCost = rows.some((r) => r.costed);
  const sumCost = (pick: (r: OverallRow) => number | null) => (anyCost ? rows.reduce<number | null>((a, r) => (pick(r) === null ? a : (a ?? 0) + pick(r)!), null) : null);
  const missing = currency ? rows.filter((_, i) => costStateOf(results[i]) === 'noTariffs').map((r) => r.energy) : [];
  const eq = (r: OverallRow, v: number | null) => (r.energy === 'gas' && gasKwhPerM3 && v !== null ? (
    <small class="muted gas-eq" data-testid="gas-equivalent" data-wh={equivalentWh(v, gasKwhPerM3) ?? ''}>
      {t('cons.cost.eqOf', { value: fmtValue(equivalentWh(v, gasKwhPerM3), 'Wh') })}
    </small>
  ) : null);
  return (
    <div class="overall-wrap">
      {big ? null : <RecomputeNotice results={results} />}
      <div class={big ? 'overall big' : 'overall'} data-testid="overall" data-currency={currency ?? ''}>
        <div class="scroll">
          <table class="list-table overall-table" data-testid="overall-table">
            <thead>
              <tr>
                <th>{t('cons.energy')}</th>
                <th class="num">{t('cons.thisPeriod')}</th>
                <th class="num cost-col">{t('cons.cost')}</th>
                <th class="num">{t('cons.previousPeriod')}</th>
                <th class="num cost-col">{t('cons.cost.previousCost')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.energy} data-testid="overall-row" data-energy={r.energy} data-current={r.current ?? ''} data-previous={r.previous ?? ''}
                  data-cost={r.cost ?? ''} data-previous-cost={r.previousCost ?? ''}
                >
                  <th scope="row"><i class="swatch" style={{ background: ENERGY_COLORS[r.energy] }} />{t(`energy.${r.energy}` as MessageKey)}</th>
                  <td class="num"><b>{fmtValue(r.current, r.unit)}</b>{eq(r, r.current)}</td>
                  <td class="num cost-col" data-testid="overall-cost" data-cost={r.cost ?? ''} title={r.costed ? undefined : t('cons.cost.noCostHint')}>
                    {r.costed ? <b>{money(r.cost)}</b> : '—'}
                  </td>
                  <td class="num">{fmtValue(r.previous, r.unit)}{eq(r, r.previous)}</td>
                  <td class="num cost-col">{r.costed ? money(r.previousCost) : '—'}</td>
                </tr>
              ))}
            </tbody>
            {anyCost ? (
              <tfoot>
                <tr data-testid="overall-total" data-cost={sumCost((r) => r.cost) ?? ''} data-previous-cost={sumCost((r) => r.previousCost) ?? ''}>
                  <th scope="row">{t('cons.total')}</th>
                  <td />
                  <td class="num cost-col"><b>{money(sumCost((r) => r.cost))}</b></td>
                  <td />
                  <td class="num cost-col">{money(sumCost((r) => r.previousCost))}</td>
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
        <Pie
          testid="overall-pie" currency={anyCost ? currency : null}
          pendingText={currency ? t('cons.cost.pieNoTariffs') : undefined}
          slices={rows.map((r) => ({ key: r.energy, label: t(`energy.${r.energy}` as MessageKey), color: ENERGY_COLORS[r.energy], value: r.costed ? r.cost : null }))}
        />
      </div>
      {!big && missing.length ? (
        <ul class="muted note-small no-tariff-list" data-testid="overall-no-tariffs">
          {missing.map((e) => (
            <li key={e} data-type={e}>{t('cons.cost.noTariffs', { energy: t(`energy.${e}` as MessageKey) })} <TariffsLink type={e} /></li>
          ))}
        </ul>
      ) : null}
      {!big && !currency ? <p class="muted note-small" data-testid="costs-unavailable">{t('cons.cost.unavailable')}</p> : null}
    </div>
  );
}

export function OverallView() {
  const queries = overallQueries(period.value, date.value);
  return (
    <ChartPanel title={t('cons.overallTitle')} testid="cons-panel">
      <PeriodBar csv={queries.map((q) => ({ label: t(`energy.${q.scope.slice(5)}` as MessageKey), query: q }))} />
      <OverallTable queries={queries} />
      <p class="muted note-small">{t('cons.cost.overallNote')}</p>
    </ChartPanel>
  );
}
