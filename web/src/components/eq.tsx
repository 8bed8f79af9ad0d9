/** EQ-1 on a device page: "LAST WEEK EN50160 CHECK: OK/KO" with the failed criteria. */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { EqView } from '@ews/shared';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';

export function EqBanner({ deviceId }: { deviceId: number }) {
  const view = useSignal<EqView | null>(null);
  useEffect(() => { api.eq(deviceId).then((v) => { view.value = v; }).catch(() => undefined); }, [deviceId]);
  const v = view.value;
  if (!v || !v.available || !v.eqDevice) return null;
  const c = v.lastCheck;
  if (!c) return <p class="muted" id="eq-check" data-result="none">{t('eq.none', { n: v.windowsThisWeek })}</p>;
  const failed = c.failed.map((f) => t(`eq.criterion.${f}` as MessageKey)).join(', ');
  return (
    <p class={c.ok ? 'ok-msg' : 'banner error'} id="eq-check" data-result={c.ok ? 'ok' : 'ko'} data-failed={c.failed.join(',')}>
      <strong>{t('eq.title', { result: c.ok ? t('eq.ok') : t('eq.ko') })}</strong>
      {c.ok ? null : <> · {t('eq.failed', { criteria: failed })}</>}
      <span class="muted"> ({c.weekStart.slice(0, 10)})</span>
    </p>
  );
}
