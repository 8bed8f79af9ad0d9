/** Bill of consumptions (COST-1…4): currency, tariffs and ordered cost rules per energy type. */
import type { CostType } from '@ews/shared';
import { Page } from '../components/layout';
import { t } from '../i18n';

export function CostsPage({ type }: { type: CostType }) {
  return (
    <Page id="costs-page" title={t('system.costs')} back={{ href: '#/system' }}>
      <p class="muted" data-type={type}>{t('system.costsHint')}</p>
    </Page>
  );
}
