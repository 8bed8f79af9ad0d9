/**
 * Reports: alarms (NOTE-5): the events of the box and of the devices, newest first, filtered by
 * dates, device and type, older pages on demand.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ALARM_TYPES, type Alarm, type AlarmType, type DeviceSummary } from '@ews/shared';
import { call } from '../api';
import { Page } from '../components/layout';
import { problemOf } from '../components/form';
import { t, formatDateTime, type MessageKey } from '../i18n';

const PAGE_SIZE = 50;

/** `YYYY-MM-DD` of a date input → the start (or the end) of that day in the browser's zone, ISO. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const at = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return at.toISOString();
}

export function AlarmsPage() {
  const items = useSignal<Alarm[] | null>(null);
  const next = useSignal<string | undefined>(undefined);
  const error = useSignal<string | null>(null);
  const devices = useSignal<DeviceSummary[]>([]);
  const from = useSignal('');
  const to = useSignal('');
  const deviceId = useSignal('');
  const type = useSignal<'' | AlarmType>('');

  const load = (more: boolean) => {
    error.value = null;
    const query = {
      limit: PAGE_SIZE,
      ...(dayBound(from.value, false) ? { from: dayBound(from.value, false) } : {}),
      ...(dayBound(to.value, true) ? { to: dayBound(to.value, true) } : {}),
      ...(deviceId.value ? { deviceId: Number(deviceId.value) } : {}),
      ...(type.value ? { type: type.value } : {}),
      ...(more && next.value ? { cursor: next.value } : {}),
    };
    call('GET /api/alarms', { query }).then((page) => {
      items.value = more ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.next;
    }, (e) => { error.value = problemOf(e).message; });
  };

  useEffect(() => {
    call('GET /api/devices').then((d) => { devices.value = d; }, () => { /* the filter lists no device */ });
    load(false);
  }, []);

  const filter = (apply: () => void) => { apply(); load(false); };
  const list = items.value;
  return (
    <Page id="alarms-page" title={t('page.alarms')} back={{ href: '#/' }}
      actions={<button type="button" data-testid="alarms-refresh" onClick={() => load(false)}>{t('alarms.refresh')}</button>}>
      <div class="toolbar" role="search">
        <label>{t('alarms.from')} <input type="date" name="from" value={from.value} onChange={(e) => filter(() => { from.value = (e.target as HTMLInputElement).value; })} /></label>
        <label>{t('alarms.to')} <input type="date" name="to" value={to.value} onChange={(e) => filter(() => { to.value = (e.target as HTMLInputElement).value; })} /></label>
        <select name="deviceId" aria-label={t('alarms.device')} value={deviceId.value} onChange={(e) => filter(() => { deviceId.value = (e.target as HTMLSelectElement).value; })}>
          <option value="">{t('alarms.allDevices')}</option>
          {devices.value.map((d) => <option key={d.id} value={String(d.id)}>{d.name} ({d.addressLabel})</option>)}
        </select>
        <select name="type" aria-label={t('alarms.type')} value={type.value} onChange={(e) => filter(() => { type.value = (e.target as HTMLSelectElement).value as '' | AlarmType; })}>
          <option value="">{t('alarms.allTypes')}</option>
          {ALARM_TYPES.map((ty) => <option key={ty} value={ty}>{t(`alarms.type.${ty}` as MessageKey)}</option>)}
        </select>
      </div>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {!list ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : list.length === 0 ? (
        <p class="muted" data-testid="alarms-empty">{t('alarms.none')}</p>
      ) : (
        <div class="scroll card flat">
          <table class="list-table" data-testid="alarms-table">
            <thead><tr><th>{t('alarms.at')}</th><th>{t('alarms.device')}</th><th>{t('alarms.gateway')}</th><th>{t('alarms.type')}</th><th>{t('alarms.details')}</th></tr></thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id} data-type={a.type} data-device={a.deviceId ?? ''}>
                  <td>{formatDateTime(a.at)}</td>
                  <td>{a.deviceName ?? (a.deviceId !== undefined ? `#${a.deviceId}` : t('alarms.box'))}</td>
                  <td>{a.gatewayName ?? a.gatewayId ?? ''}{a.address !== undefined ? ` · ${a.address}` : ''}</td>
                  <td>{t(`alarms.type.${a.type}` as MessageKey)}</td>
                  <td>{a.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next.value ? <p><button type="button" data-testid="alarms-more" onClick={() => load(true)}>{t('alarms.more')}</button></p> : null}
    </Page>
  );
}
