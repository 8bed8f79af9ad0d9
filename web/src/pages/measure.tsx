/** Measure page of one device (DEV-2, CON-7): tables per quantity group, refreshed every 2 s. */
import { useComputed, useModel } from '@preact/signals';
import { MeasureSectionView } from '../components/measure-tables';
import { CommandPanel } from '../components/commands';
import { EqBanner } from '../components/eq';
import { Page } from '../components/layout';
import { statusText } from '../components/status';
import { formatTime, t, type MessageKey } from '../i18n';
import { LiveModel } from '../state/live';
import { layoutMeasures } from '../state/measure-layout';
import { offline } from '../api';

export function MeasurePage({ deviceId }: { deviceId: number }) {
  const m = useModel(() => new LiveModel(deviceId));
  const sections = useComputed(() => layoutMeasures(m.live.value?.measures ?? []));
  const live = m.live.value;
  const device = m.device.value;
  const title = device ? `${device.addressLabel} · ${device.name}` : t('measure.device', { id: deviceId });

  const inError = live?.status === 'error';
  const stale = inError || offline.value || m.error.value !== null;
  const hasValues = !!live && Object.keys(live.values).length > 0;
  const secs = sections.value;
  const tab = secs.some((s) => s.group === m.tab.value) ? m.tab.value : 'all';
  const shown = tab === 'all' ? secs : secs.filter((s) => s.group === tab);

  return (
    <Page id="measure-page" title={title} back={{ href: '#/panel' }}>
      <div class="measure-head" data-device-id={deviceId} data-status={live?.status ?? ''}>
        {device ? <span class="muted">{device.modelLabel} · {t('measure.idAddress', { id: device.id, address: device.addressLabel })}</span> : null}
        {live && !inError ? (
          <span class={`status-pill status-${live.status}`} id="measure-status">
            {statusText(live.status, live.statusReason, live.statusDetail)}
          </span>
        ) : null}
        <span class="muted" id="measure-at" data-at={live?.at ?? ''}>
          {live?.at ? t(stale ? 'measure.staleAt' : 'measure.readAt', { time: formatTime(live.at) }) : live ? t('measure.never') : t('common.loading')}
        </span>
      </div>
      {m.notFound.value ? <p class="error" role="alert">{t('common.error', { message: m.error.value ?? '404' })}</p> : null}
      {inError ? (
        <p class="banner error" id="measure-error" role="alert">{statusText(live!.status, live!.statusReason, live!.statusDetail)}</p>
      ) : null}
      {live && secs.length === 0 ? <p class="muted">{t('measure.none')}</p> : null}
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
      <EqBanner deviceId={deviceId} />
      {device ? <CommandPanel device={device} live={live ?? null} onDone={() => { void m.refresh(); }} /> : null}
      {live ? (
        <div id="measure-tables" class={stale || !hasValues ? 'measure-body stale' : 'measure-body'}>
          {shown.map((s) => <MeasureSectionView key={s.group} section={s} values={live.values} showTitle={tab === 'all'} />)}
        </div>
      ) : null}
    </Page>
  );
}
