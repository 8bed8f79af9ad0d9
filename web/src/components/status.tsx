/** Status texts of devices and gateways (BUS-5 reasons, DEV-1). */
import type { DeviceStatus, StatusReason } from '@ews/shared';
import { t, type MessageKey } from '../i18n';

export function reasonText(reason?: StatusReason, detail?: string): string {
  if (!reason) return '';
  if (reason === 'exception' && detail) return t('reason.exceptionDetail', { detail });
  const text = t(`reason.${reason}` as MessageKey);
  // The technician's clue (e.g. ECONNREFUSED), as the daemon gives it.
  return detail ? `${text} (${detail})` : text;
}

export function statusText(status: DeviceStatus, reason?: StatusReason, detail?: string): string {
  if (status === 'on') return t('status.on');
  if (status === 'off') return t('status.off');
  return reason ? t('status.errorReason', { reason: reasonText(reason, detail) }) : t('status.error');
}

export function StatusDot({ status }: { status: DeviceStatus }) {
  return <span class={`dot dot-${status}`} aria-hidden="true" />;
}

/** A status in a list: short text, the reason in the tooltip and in `data-reason`. */
export function ListStatus({ status, reason, detail }: { status: DeviceStatus; reason?: StatusReason; detail?: string }) {
  const full = statusText(status, reason, detail);
  return (
    <span class="item-status" title={full} data-reason={reason ?? ''}>
      <StatusDot status={status} />{status === 'error' ? t('status.error') : full}
    </span>
  );
}
