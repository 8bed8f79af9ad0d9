/**
 * Details (CON-5): one device, chosen in a list browsable by measure group, by load or all;
 * its energy histogram (Ea+ or Ea− for electricity, the counter for water and gas; gas also
 * in equivalent kWh; or its cost stacked per tariff) and, for measuring devices, the avg/min/max
 * of the quantities it records over the period (statistics.tsx) and its measure tables (CON-7,
 * the Measure page's components, live).
 */
import { signal, useComputed, useModel, useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type { CounterKind, DeviceSummary } from '@ews/shared';
import { api, offline } from '../../api';
import type { ConsumptionQuery } from '@ews/shared';
import { MeasureSectionView } from '../../components/measure-tables';
import { ListStatus } from '../../components/status';
import { formatTime, loadName, t, type MessageKey } from '../../i18n';
import { stackedChart } from '../../state/consumption';
import { costChart, equivalentChart, pickUnit, unitsFor, type DisplayUnit } from '../../state/costs-view';
import { LiveModel } from '../../state/live';
import { layoutMeasures } from '../../state/measure-layout';
import { navigate } from '../../state/router';
import { sessionModel } from '../../state/session';
import { BarChart } from './chart';
import { ChartPanel, Pending, PeriodBar, Select, Switch } from './controls';
import { CostGate, UnitSwitch } from './cost-parts';
import { date, period, unit, useConsumption, useCostSettings, useList } from './data';
import { deviceLabel, withEnergy } from './partials';
import { DeviceStatistics } from './statistics';

/** `all`, `group:<id>` or `load:<id>`. */
const browse = signal<string>('all');
const electricCounter = signal<CounterKind>('activeEnergyImport');

/**
 * The device list browsable by measure group, by load or all (CON-5), beside the pane of the
 * chosen device: Details and Tariff details. `route`: where a device opens
 * (`/consumption/<route>/<id>`); `prefix`: of the test ids (`<prefix>-browse`, `<prefix>-device`).
 */
export function DeviceSplit({ deviceId, route, prefix, children }: {
  deviceId?: number; route: 'details' | 'tariff-details'; prefix: string; children: (device: DeviceSummary) => ComponentChildren;
}) {
  const devices = useList(api.devices);
  const groups = useList(api.groups);
  const loads = useList(api.loads);
  const all = withEnergy(devices.list);
  const filter = browse.value;
  const busy = useSignal(false);
  // The device list carries each device's load and groups.
  const shown = filter === 'all' ? all : all.filter((d) => (filter.startsWith('group:') ? d.groupIds.includes(filter.slice(6)) : (d.loadId ?? 'others') === filter.slice(5)));
  const device = all.find((d) => d.id === deviceId);

  return (
    <div class={`split details ${prefix}-split`}>
      <section class="pane list-pane">
        <Select label={t('cons.browse')} testid={`${prefix}-browse`} value={filter} onChange={(v) => { browse.value = v; }}>
          <option value="all">{t('cons.allDevices')}</option>
          {(groups.list ?? []).filter((g) => g.enabled).length ? (
            <optgroup label={t('cons.groups')}>
              {(groups.list ?? []).filter((g) => g.enabled).map((g) => <option key={g.id} value={`group:${g.id}`}>{g.name}</option>)}
            </optgroup>
          ) : null}
          <optgroup label={t('cons.loads')}>
            {(loads.list ?? []).filter((l) => l.enabled).map((l) => (
              <option key={l.id} value={`load:${l.id}`}>{l.id === 'others' ? t('cons.others') : loadName(l)}</option>
            ))}
          </optgroup>
        </Select>
        {devices.list && shown.length ? (
          // Phones: a compact chooser, so that the chosen device's chart is on the first screen.
          <Select label={t('mobile.device')} testid={`${prefix}-pick`} cls="only-narrow" value={device ? String(device.id) : ''} onChange={(v) => { if (v) navigate(`/consumption/${route}/${v}`); }}>
            {device ? null : <option value="">{t('cons.chooseDevice')}</option>}
            {shown.map((d) => <option key={d.id} value={d.id}>{deviceLabel(d)}</option>)}
          </Select>
        ) : null}
        {!devices.list ? <Pending error={devices.error} /> : busy.value && shown.length === 0 ? <p class="muted">{t('common.loading')}</p> : shown.length === 0 ? (
          <p class="muted">{t('cons.noDevice')}</p>
        ) : (
          <ul class="items device-items" data-testid={`${prefix}-devices`}>
            {shown.map((d) => (
              <li key={d.id}>
                <button
                  type="button" class={`item status-${d.status}${d.id === deviceId ? ' active' : ''}`} data-testid={`${prefix}-device`} data-id={d.id}
                  data-family={d.family} onClick={() => navigate(`/consumption/${route}/${d.id}`)}
                >
                  <span class="item-addr">{d.addressLabel}</span>
                  <span class="item-main"><b>{d.name}</b><small class="muted">{d.modelLabel}</small></span>
                  <span class="item-side">
                    <span>{t(`energy.${d.energyType}` as MessageKey)}</span>
                    <ListStatus status={d.status} reason={d.statusReason} detail={d.statusDetail} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="pane form-pane">
        {device ? children(device) : deviceId !== undefined && devices.list ? (
          <p class="error" role="alert">{t('cons.deviceGone')}</p>
        ) : <p class="muted">{t('cons.chooseDevice')}</p>}
      </section>
    </div>
  );
}

export function DetailsView({ deviceId }: { deviceId?: number }) {
  return (
    <DeviceSplit deviceId={deviceId} route="details" prefix="details">
      {(device) => <DeviceDetails key={device.id} device={device} />}
    </DeviceSplit>
  );
}

function DeviceDetails({ device }: { device: DeviceSummary }) {
  const electric = device.energyType === 'electricity';
  const settings = useCostSettings();
  const factor = settings?.gasKwhPerM3 ?? null;
  const exporting = electric && electricCounter.value === 'activeEnergyExport';
  const allUnits: DisplayUnit[] = unitsFor([device.energyType], { gasFactor: factor });
  const offered = unitsFor([device.energyType], { gasFactor: factor, exportCounter: exporting });
  const u = pickUnit(unit.value, offered);
  const q: ConsumptionQuery = {
    scope: `device:${device.id}`, period: period.value, date: date.value,
    ...(electric ? { counter: electricCounter.value } : {}),
    ...(u === 'cost' ? { costs: true } : {}),
  };
  const { results, error } = useConsumption([q]);
  const chart = useMemo(() => {
    const r = results?.[0];
    if (!r) return null;
    if (u === 'cost') return costChart(r);
    const c = stackedChart(r, () => device.name);
    return u === 'equivalent' && factor ? equivalentChart(c, factor) : c;
  }, [results, u, factor]);
  const user = sessionModel.user.value;
  // The live measures route admits Consumptions too (CON-5).
  const canMeasure = !!user && (user.pages.includes('myPanelBoard') || user.pages.includes('consumptions'));
  const measuring = device.family !== 'generic' && device.family !== 'wsmeasure';
  return (
    <>
      <ChartPanel title={`${t('cons.view.details')} · ${deviceLabel(device)}`}>
        <div class="period-extra">
          {electric ? (
            <Switch
              testid="details-counter" value={electricCounter.value} onChange={(v) => { electricCounter.value = v; }}
              options={[{ value: 'activeEnergyImport', label: t('cons.eaImport') }, { value: 'activeEnergyExport', label: t('cons.eaExport') }]}
            />
          ) : null}
          <UnitSwitch
            units={allUnits} offered={offered} value={u} onChange={(v) => { unit.value = v; }}
            energyUnit={electric ? 'Wh' : 'dm3'} why={t('cons.cost.noExportCost')}
          />
        </div>
        <PeriodBar csv={[{ label: device.name, query: q }]} />
        {!results ? <Pending error={error} /> : (
          <CostGate results={results} cost={u === 'cost'}>
            {chart ? <BarChart data={chart} testid="chart-details" /> : <Pending error={error} />}
          </CostGate>
        )}
      </ChartPanel>
      {measuring ? <DeviceStatistics device={device} /> : null}
      {!measuring ? <p class="muted note-small" data-testid="details-energy-only">{t('cons.energyOnly')}</p> : canMeasure ? (
        <DetailsMeasures deviceId={device.id} />
      ) : <p class="muted note-small" data-testid="details-no-measures">{t('cons.measuresNeedPanel')}</p>}
    </>
  );
}

/** The Measure page's tables (CON-7), refreshed every 2 s. */
function DetailsMeasures({ deviceId }: { deviceId: number }) {
  const m = useModel(() => new LiveModel(deviceId));
  const sections = useComputed(() => layoutMeasures(m.live.value?.measures ?? []));
  const live = m.live.value;
  const secs = sections.value;
  const tab = secs.some((s) => s.group === m.tab.value) ? m.tab.value : 'all';
  const shown = tab === 'all' ? secs : secs.filter((s) => s.group === tab);
  const stale = live?.status === 'error' || offline.value || m.error.value !== null;
  return (
    <section class="details-measures" data-testid="details-measures" data-status={live?.status ?? ''}>
      <div class="measure-head">
        <h2>{t('measure.title')}</h2>
        <span class="muted" data-at={live?.at ?? ''}>
          {live?.at ? t(stale ? 'measure.staleAt' : 'measure.readAt', { time: formatTime(live.at) }) : live ? t('measure.never') : t('common.loading')}
        </span>
      </div>
      {m.error.value && !live ? <p class="error" role="alert">{t('common.error', { message: m.error.value })}</p> : null}
      {secs.length > 1 ? (
        <div class="tabs" role="tablist">
          {[{ group: 'all' }, ...secs].map((s) => (
            <button
              key={s.group} type="button" role="tab" class={s.group === tab ? 'tab active' : 'tab'} data-tab={s.group}
              aria-selected={s.group === tab} onClick={() => m.setTab(s.group)}
            >{s.group === 'all' ? t('measure.all') : t(`group.${s.group}` as MessageKey)}</button>
          ))}
        </div>
      ) : null}
      {live ? (
        <div id="measure-tables" class={stale ? 'measure-body stale' : 'measure-body'}>
          {shown.map((s) => <MeasureSectionView key={s.group} section={s} values={live.values} showTitle={tab === 'all'} />)}
        </div>
      ) : null}
    </section>
  );
}
