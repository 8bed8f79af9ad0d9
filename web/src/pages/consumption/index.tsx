/**
 * Consumptions: data & diagrams (CON-1…6) and the wall-tablet kiosk (BEY-1). Loaded on demand
 * (`import()` from app.tsx) with uPlot, so the first load of the SPA stays small (BEY-5).
 */
import { Page } from '../../components/layout';
import { t } from '../../i18n';
import type { ConsumptionView } from '../../state/router';
import { ConsumptionTabs } from './controls';
import { DetailsView } from './details';
import { CompareView, PartialsView } from './partials';
import { OverallView, TotalView } from './total';
import { TariffDetailsView, TariffsView } from './tariffs';

export { KioskPage } from './kiosk';

export function ConsumptionPage({ view, deviceId }: { view: ConsumptionView; deviceId?: number }) {
  return (
    <Page id="consumption-page" title={t('page.consumptions')} back={{ href: '#/' }} wide>
      <ConsumptionTabs view={view} />
      <div class="cons-view" data-view={view}>
        {view === 'total' ? <TotalView />
          : view === 'overall' ? <OverallView />
          : view === 'partials' ? <PartialsView />
          : view === 'compare' ? <CompareView />
          : view === 'tariffs' ? <TariffsView />
          : view === 'tariff-details' ? <TariffDetailsView deviceId={deviceId} />
          : <DetailsView deviceId={deviceId} />}
      </div>
    </Page>
  );
}
