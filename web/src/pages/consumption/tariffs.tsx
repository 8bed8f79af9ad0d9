/** Tariffs views (COST-5): Total (pie of costs per tariff) and Details (bars per tariff of one device). */
import { t } from '../../i18n';

export function TariffsView() {
  return <p class="muted">{t('cons.view.tariffs')}</p>;
}

export function TariffDetailsView({ deviceId }: { deviceId?: number }) {
  return <p class="muted" data-device={deviceId}>{t('cons.view.tariff-details')}</p>;
}
