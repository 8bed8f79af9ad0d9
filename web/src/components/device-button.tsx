/** One device of My panel board (DEV-1): address, name, function icons, breaker state, status. */
import type { DeviceSummary, StationStatus } from '@ews/shared';
import { t, type MessageKey } from '../i18n';
import { CapabilityIcon } from './icons';
import { reasonText, statusText } from './status';

/** `station`: the Green'Up view of a charging station (charge state, priority), for the greenUp user. */
/** `gatewayName`: shown with the address when devices of several gateways are listed together. */
export function DeviceButton({ device, onOpen, station, gatewayName }: {
  device: DeviceSummary; onOpen: (id: number) => void; station?: StationStatus; gatewayName?: string;
}) {
  const d = device;
  return (
    <button
      type="button"
      class={`device device-${d.status}`}
      data-device-id={d.id}
      data-status={d.status}
      data-family={d.family}
      data-gateway={d.gatewayId}
      data-reason={d.statusReason ?? ''}
      onClick={() => onOpen(d.id)}
    >
      <span class="device-top">
        <span class="device-address" title={`ID ${d.id}`}>{d.addressLabel}</span>
        <span class="device-caps">
          {/* the link mark only on modules that take part in a link (DEV-4) */}
          {d.capabilities.filter((c) => c !== 'link' || d.linked).map((c) => <CapabilityIcon key={c} cap={c} title={t(`cap.${c}` as MessageKey)} />)}
        </span>
      </span>
      {gatewayName ? <span class="device-gateway" data-testid="device-gateway" title={gatewayName}>{gatewayName}</span> : null}
      <span class="device-name">{d.name}</span>
      <span class="device-model">{d.modelLabel}</span>
      {station ? (
        <span class="device-breaker gu-charge" data-charge={station.chargeState} data-priority={station.priority}>
          {station.priority === 'priority' ? <span class="gu-prio-inline" title={t('gu.priority.priority')}>1</span> : null}
          {t(`gu.state.${station.state}` as MessageKey)} · {station.currentA.toFixed(1)} A
        </span>
      ) : null}
      {d.breakerState ? (
        <span class={`device-breaker breaker-${d.breakerState}`} data-breaker={d.breakerState}>
          {t('breaker.label')}: {t(`breaker.${d.breakerState}` as MessageKey)}
        </span>
      ) : null}
      <span class="device-status" data-reason-text={reasonText(d.statusReason, d.statusDetail)}>
        <span class="dot" aria-hidden="true" />
        {statusText(d.status, d.statusReason, d.statusDetail)}
      </span>
    </button>
  );
}
