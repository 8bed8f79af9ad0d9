/** Grand total (CON-1): Ea+ bars stacked per load, the previous period behind; Overall (CON-2). */
import { useMemo } from 'preact/hooks';
import type { ConsumptionQuery, ConsumptionResult } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { ENERGY_COLORS, overallQueries, periodTotals, stackedChart, type EnergyUnit } from '../../state/consumption';
import { BarChart, fmtValue } from './chart';
import { ChartPanel, Pending, PeriodBar } from './controls';
import { date, period, useConsumption } from './data';
import { Pie } from './pie';

/** Series labels the daemon gives in English or as ids: "Others", the energy types, "Total". */
export function seriesLabel(key: string, label: string): string {
  if (key === 'load:others') return t('cons.others');
  if (key === 'total') return t('cons.total');
  if (key === 'type:electricity' || key === 'type:gas' || key === 'type:water') return t(`energy.${key.slice(5)}` as MessageKey);
  return label;
}

export function totalQuery(p = period.value, d = date.value): ConsumptionQuery {
  return { scope: 'total', period: p, date: d };
}

/** The grand total's chart and legend; the kiosk shows it too (`big`). */
export function TotalChart({ query }: { query: ConsumptionQuery }) {
  const { results, error } = useConsumption([query]);
  const chart = useMemo(() => (results?.[0] ? stackedChart(results[0], seriesLabel) : null), [results]);
  return chart ? <BarChart data={chart} testid="chart-total" /> : <Pending error={error} />;
}

export function TotalView() {
  const q = totalQuery();
  return (
    <ChartPanel title={t('cons.totalTitle')}>
      <PeriodBar csv={[{ label: t('cons.view.total'), query: q }]} />
      <TotalChart query={q} />
      <p class="muted note-small">{t('cons.totalNote')} <a href="#/consumption/overall" data-testid="to-overall">{t('cons.view.overall')} →</a></p>
    </ChartPanel>
  );
}

export interface OverallRow { energy: 'electricity' | 'gas' | 'water'; current: number | null; previous: number | null; unit: EnergyUnit }

/** Electricity, gas and water of the period: table and pie (CON-2). Costs come later. */
export function OverallTable({ queries }: { queries: ConsumptionQuery[] }) {
  const { results, error } = useConsumption(queries);
  return results ? <OverallTableView results={results} /> : <Pending error={error} />;
}

/** The answers of `overallQueries` (electricity, gas, water) as a table and a pie. */
export function OverallTableView({ results, big }: { results: ConsumptionResult[]; big?: boolean }) {
  const rows: OverallRow[] = results.map((r, i) => ({ energy: (['electricity', 'gas', 'water'] as const)[i], ...periodTotals(r) }));
  return (
    <div class={big ? 'overall big' : 'overall'} data-testid="overall">
      <div class="scroll">
        <table class="list-table overall-table" data-testid="overall-table">
          <thead>
            <tr>
              <th>{t('cons.energy')}</th>
              <th class="num">{t('cons.thisPeriod')}</th>
              <th class="num">{t('cons.previousPeriod')}</th>
              <th class="num cost-col" title={t('cons.costsLater')}>{t('cons.cost')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.energy} data-testid="overall-row" data-energy={r.energy} data-current={r.current ?? ''} data-previous={r.previous ?? ''}>
                <th scope="row"><i class="swatch" style={{ background: ENERGY_COLORS[r.energy] }} />{t(`energy.${r.energy}` as MessageKey)}</th>
                <td class="num"><b>{fmtValue(r.current, r.unit)}</b></td>
                <td class="num">{fmtValue(r.previous, r.unit)}</td>
                <td class="num cost-col muted" data-testid="overall-cost">—</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pie
        testid="overall-pie" currency={null}
        slices={rows.map((r) => ({ key: r.energy, label: t(`energy.${r.energy}` as MessageKey), color: ENERGY_COLORS[r.energy], value: null }))}
      />
    </div>
  );
}

export function OverallView() {
  const queries = overallQueries(period.value, date.value);
  return (
    <ChartPanel title={t('cons.overallTitle')} testid="cons-panel">
      <PeriodBar csv={queries.map((q) => ({ label: t(`energy.${q.scope.slice(5)}` as MessageKey), query: q }))} />
      <OverallTable queries={queries} />
      <p class="muted note-small">{t('cons.costsLater')}</p>
    </ChartPanel>
  );
}
