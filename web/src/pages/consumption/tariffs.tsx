/**
 * Tariffs views (COST-5). Total: the installation's cost per tariff of one energy type as a pie
 * (tariffs toggled off and on, percentages of the shown ones) and a table tariff / energy /
 * cost, with the energy no cost rule covers. Details: one device's bars stacked per tariff, in
 * currency or in energy per tariff, the previous period behind. Both with the advanced display
 * (CON-6: periods, date, ◀ ▶, datalogger.csv, full screen).
 */
import { signal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import { COST_TYPES, type CostType, type DeviceSummary } from '@ews/shared';
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import { lang, t, type MessageKey } from '../../i18n';
import { sumOf, type EnergyUnit } from '../../state/consumption';
import {
  costChart, costStateOf, costTypeOfEnergy, formatMoney, pieShares, tariffEnergyChart, tariffRows, toggled, type DisplayUnit,
} from '../../state/costs-view';
import { BarChart, fmtValue } from './chart';
import { ChartPanel, Pending, PeriodBar, Switch } from './controls';
import { CostGate, RecomputeNotice, UnitSwitch } from './cost-parts';
import { date, period, useConsumption } from './data';
import { DeviceSplit } from './details';
import { deviceLabel } from './partials';
import { Pie } from './pie';

const tariffType = signal<CostType>('electricity');
/** Tariff ids toggled off (ids are unique across energy types). */
const hiddenTariffs = signal<string[]>([]);
const toggle = (id: string) => { hiddenTariffs.value = toggled(hiddenTariffs.value, id); };
/** Tariff details: the cost per tariff first, or the energy per tariff (COST-5). */
const tariffUnit = signal<DisplayUnit>('cost');

const energyUnitOf = (type: CostType): EnergyUnit => (type === 'electricity' ? 'Wh' : 'dm3');

// #region total

export function TariffsView() {
  const type = tariffType.value;
  const q: ConsumptionQuery = { scope: `type:${type}`, period: period.value, date: date.value, costs: true };
  const { results, error } = useConsumption([q]);
  const energyName = t(`energy.${type}` as MessageKey);
  return (
    <>
      <div class="toolbar cons-select">
        <Switch
          testid="tariff-type" value={type} onChange={(v) => { tariffType.value = v; }}
          options={COST_TYPES.map((x) => ({ value: x, label: t(`energy.${x}` as MessageKey) }))}
        />
      </div>
      <ChartPanel title={`${t('cons.tariffs.totalTitle')} · ${energyName}`}>
        <PeriodBar csv={[{ label: energyName, query: q }]} />
        {!results ? <Pending error={error} /> : (
          <CostGate results={results} cost>
            <TariffTotal result={results[0]} />
          </CostGate>
        )}
        <p class="muted note-small">{t('cons.tariffs.totalNote')}</p>
      </ChartPanel>
    </>
  );
}

function TariffTotal({ result: r }: { result: ConsumptionResult }) {
  const language = lang.value;
  const currency = r.currency ?? '';
  const hidden = hiddenTariffs.value;
  const { rows, unit: eUnit, uncovered, energy } = useMemo(() => tariffRows(r), [r]);
  const shares = pieShares(rows.map((x) => ({ key: x.key, label: x.label, color: x.color, value: x.cost })), new Set(hidden));
  const shown = rows.filter((x) => !hidden.includes(x.key));
  const shownCost = sumOf(shown.map((x) => x.cost));
  const shownEnergy = sumOf(shown.map((x) => x.energy));
  const shownPrevious = sumOf(shown.map((x) => x.previousCost));
  const money = (v: number | null) => formatMoney(v, currency, language);
  return (
    <div class="tariff-total" data-testid="tariff-total-view" data-currency={currency}>
      <Pie
        testid="tariff-pie" currency={currency} hidden={hidden} onToggle={toggle}
        slices={rows.map((x) => ({ key: x.key, label: x.label, color: x.color, value: x.cost }))}
      />
      <div class="scroll">
        <table class="list-table tariff-table" data-testid="tariff-table">
          <thead>
            <tr>
              <th>{t('cons.tariffs.tariff')}</th>
              <th class="num">{t(r.counter === 'activeEnergyImport' ? 'cons.energy' : 'cons.tariffs.volume')}</th>
              <th class="num">{t('cons.cost')}</th>
              <th class="num">{t('cons.tariffs.share')}</th>
              <th class="num">{t('cons.cost.previousCost')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x, i) => {
              const off = hidden.includes(x.key);
              return (
                <tr
                  key={x.key} class={off ? 'off' : undefined} data-testid="tariff-row" data-tariff={x.tariffId}
                  data-energy={x.energy ?? ''} data-cost={x.cost ?? ''} data-hidden={off}
                >
                  <th scope="row">
                    <label class="tariff-check">
                      <input type="checkbox" checked={!off} data-testid="tariff-check" data-key={x.key} onChange={() => toggle(x.key)} />
                      <i class="swatch" style={{ background: x.color }} />{x.label}
                    </label>
                  </th>
                  <td class="num">{fmtValue(x.energy, eUnit)}</td>
                  <td class="num"><b>{money(x.cost)}</b></td>
                  <td class="num">{shares.slices[i].share !== null ? `${shares.slices[i].share} %` : '—'}</td>
                  <td class="num muted">{money(x.previousCost)}</td>
                </tr>
              );
            })}
            {uncovered !== null ? (
              <tr class="muted" data-testid="tariff-uncovered" data-energy={uncovered} title={t('cons.tariffs.uncoveredHint')}>
                <th scope="row">{t('cons.tariffs.uncovered')}</th>
                <td class="num">{fmtValue(uncovered, eUnit)}</td>
                <td class="num">—</td>
                <td />
                <td />
              </tr>
            ) : null}
          </tbody>
          <tfoot>
            <tr data-testid="tariff-sum" data-cost={shownCost ?? ''} data-energy={shownEnergy ?? ''} data-previous-cost={shownPrevious ?? ''}>
              <th scope="row">{hidden.length && shown.length < rows.length ? t('cons.tariffs.shownTotal') : t('cons.total')}</th>
              <td class="num">{fmtValue(shownEnergy, eUnit)}</td>
              <td class="num"><b>{money(shownCost)}</b></td>
              <td class="num">{shownCost ? '100 %' : '—'}</td>
              <td class="num muted">{money(shownPrevious)}</td>
            </tr>
          </tfoot>
        </table>
        {energy !== null ? (
          <p class="muted note-small" data-testid="tariff-consumed" data-energy={energy}>{t('cons.tariffs.consumed', { value: fmtValue(energy, eUnit) })}</p>
        ) : null}
      </div>
    </div>
  );
}

// #endregion
// #region details

const DETAIL_UNITS: DisplayUnit[] = ['energy', 'cost'];

export function TariffDetailsView({ deviceId }: { deviceId?: number }) {
  return (
    <DeviceSplit deviceId={deviceId} route="tariff-details" prefix="tariff">
      {(device) => <TariffDeviceDetails key={device.id} device={device} />}
    </DeviceSplit>
  );
}

function TariffDeviceDetails({ device }: { device: DeviceSummary }) {
  const type = costTypeOfEnergy(device.energyType) ?? 'electricity';
  const u = tariffUnit.value;
  const q: ConsumptionQuery = { scope: `device:${device.id}`, period: period.value, date: date.value, costs: true };
  const { results, error } = useConsumption([q]);
  const hidden = hiddenTariffs.value;
  const hiddenKey = hidden.join('\n');
  const charts = useMemo(() => {
    const r = results?.[0];
    if (!r) return null;
    const make = u === 'cost' ? costChart : tariffEnergyChart;
    return { shown: make(r, true, new Set(hidden)), all: make(r, true) };
  }, [results, u, hiddenKey]);
  const r = results?.[0];
  return (
    <ChartPanel title={`${t('cons.view.tariff-details')} · ${deviceLabel(device)}`}>
      <div class="period-extra">
        <UnitSwitch
          units={DETAIL_UNITS} value={u} energyUnit={energyUnitOf(type)}
          onChange={(v) => { tariffUnit.value = v; }}
        />
      </div>
      <PeriodBar csv={[{ label: device.name, query: q }]} />
      {!results || !r ? <Pending error={error} /> : costStateOf(r) !== 'ok' ? (
        <CostGate results={results} cost>{null}</CostGate>
      ) : (
        <>
          <RecomputeNotice results={results} />
          {charts?.shown && charts.all ? (
            <BarChart
              data={charts.shown} testid="tariff-bars"
              toggles={{ all: charts.all.series, hidden, onToggle: toggle }}
            />
          ) : <Pending error={error} />}
          {u === 'energy' ? <p class="muted note-small">{t('cons.tariffs.energyNote')}</p> : null}
        </>
      )}
    </ChartPanel>
  );
}

// #endregion
