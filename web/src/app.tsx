/** Routes, the login guard and the rights guard (AUTH-2: the daemon enforces, the SPA hides). */
import { holdsRight } from '@ews/shared';
import type { ComponentChildren } from 'preact';
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { SessionUser } from '@ews/shared';
import { t } from './i18n';
import { HomePage } from './pages/home';
import { LoginPage } from './pages/login';
import { MeasurePage } from './pages/measure';
import { PanelPage } from './pages/panel';
import { AuditPage, LinksPage, SystemPage } from './pages/system';
import { SystemInfoPage, BackupPage } from './pages/box';
import { GatewaysPage } from './pages/gateways';
import { DevicesPage } from './pages/devices';
import { ScanPage } from './pages/scan';
import { StructurePage } from './pages/structure';
import { CostsPage } from './pages/costs';
import { GreenupPage } from './pages/greenup';
import { SettingsMenuPage, SettingsPage } from './pages/settings';
import { ChangeCodesPage, UsersPage } from './pages/users';
import { route, type Route } from './state/router';
import { sessionModel } from './state/session';

type ConsumptionModule = typeof import('./pages/consumption/index');

/** The Consumptions pages and the kiosk, with uPlot: fetched on first use (BEY-5). */
const consumptionModule = signal<ConsumptionModule | null>(null);
const consumptionLoadError = signal<string | null>(null);
let consumptionLoading: Promise<void> | null = null;

function loadConsumption(): void {
  if (consumptionLoading) return;
  consumptionLoadError.value = null;
  consumptionLoading = import('./pages/consumption/index').then(
    (m) => { consumptionModule.value = m; },
    (e: unknown) => {
      consumptionLoading = null;
      consumptionLoadError.value = e instanceof Error ? e.message : String(e);
      // Offline for a moment (BEY-5): try again quietly.
      setTimeout(loadConsumption, 5000);
    },
  );
}

function Lazy({ render }: { render: (m: ConsumptionModule) => ComponentChildren }) {
  const m = consumptionModule.value;
  if (m) return <>{render(m)}</>;
  loadConsumption();
  return (
    <p class="muted center" data-testid="lazy-loading">
      {consumptionLoadError.value ? t('net.offline') : t('common.loading')}
    </p>
  );
}

/** The users page and the change-codes page: administrator and greenUp only (AUTH-3). */
export const canManageUsers = (u: SessionUser) => holdsRight(u, 'users');

function allowed(r: Route, u: SessionUser): boolean {
  switch (r.name) {
    case 'panel': case 'measure': return u.pages.includes('myPanelBoard');
    case 'system': case 'gateways': case 'devices': case 'scan': case 'structure': case 'audit': case 'links': case 'costs': return u.pages.includes('systemConfig');
    case 'settings': return u.pages.includes('webServerConfig') || canManageUsers(u);
    case 'setting': case 'box': return u.pages.includes('webServerConfig');
    case 'users': case 'changeCodes': return canManageUsers(u);
    case 'consumption': return u.pages.includes('consumptions');
    case 'greenup': return u.pages.includes('greenUp');
    default: return true;
  }
}

export function App() {
  const r = route.value;
  const kiosk = r.name === 'kiosk';
  useEffect(() => { if (!kiosk) void sessionModel.check(); }, [kiosk]);
  // BEY-1: the kiosk authenticates with its token, never with the login page.
  if (r.name === 'kiosk') return <Lazy render={(m) => <m.KioskPage query={r.query} />} />;
  const user = sessionModel.user.value;
  if (!sessionModel.checked.value) return <p class="muted center">{t('common.loading')}</p>;
  if (!user) {
    if (r.name !== 'login') location.replace('#/login');
    return <LoginPage />;
  }
  if (!allowed(r, user)) return <HomePage />;
  switch (r.name) {
    case 'login':
    case 'notFound':
      location.replace('#/');
      return <HomePage />;
    case 'home': return <HomePage />;
    case 'panel': return <PanelPage />;
    case 'measure': return <MeasurePage key={r.deviceId} deviceId={r.deviceId} />;
    case 'system': return <SystemPage />;
    case 'audit': return <AuditPage />;
    case 'links': return <LinksPage />;
    case 'costs': return <CostsPage key={r.type} type={r.type} />;
    case 'gateways': return <GatewaysPage selected={r.gatewayId} />;
    case 'devices': return <DevicesPage key={r.gatewayId} gatewayId={r.gatewayId} selected={r.deviceId} />;
    case 'scan': return <ScanPage key={r.gatewayId} gatewayId={r.gatewayId} />;
    case 'structure': return <StructurePage key={r.kind} kind={r.kind} />;
    case 'settings': return <SettingsMenuPage />;
    case 'setting': return <SettingsPage key={r.section} section={r.section} />;
    case 'box': return r.section === 'info' ? <SystemInfoPage /> : <BackupPage />;
    case 'users': return <UsersPage />;
    case 'changeCodes': return <ChangeCodesPage />;
    case 'greenup': return <GreenupPage key={r.tab} tab={r.tab} />;
    case 'consumption': return <Lazy render={(m) => <m.ConsumptionPage key={r.view} view={r.view} deviceId={r.deviceId} />} />;
  }
}
