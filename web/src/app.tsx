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
import { route, type Route } from './state/router';
import { sessionModel } from './state/session';

/**
 * A module fetched on first use (BEY-5), shown when it has come; offline for a moment, it is
 * asked for again quietly every 5 s.
 */
function lazyModule<M>(load: () => Promise<M>) {
  const mod = signal<M | null>(null);
  const loadError = signal<string | null>(null);
  let loading: Promise<void> | null = null;
  const start = (): void => {
    if (loading) return;
    loadError.value = null;
    loading = load().then(
      (m) => { mod.value = m; },
      (e: unknown) => {
        loading = null;
        loadError.value = e instanceof Error ? e.message : String(e);
        setTimeout(start, 5000);
      },
    );
  };
  return function Lazy({ render }: { render: (m: M) => ComponentChildren }) {
    const m = mod.value;
    if (m) return <>{render(m)}</>;
    start();
    return (
      <p class="muted center" data-testid="lazy-loading">
        {loadError.value ? t('net.offline') : t('common.loading')}
      </p>
    );
  };
}

/** The Consumptions pages and the kiosk, with uPlot. */
const Lazy = lazyModule(() => import('./pages/consumption/index'));
/** Commissioning, settings, Green'Up and reports (pages/admin). */
const Admin = lazyModule(() => import('./pages/admin'));

/** The users page and the change-codes page: administrator and greenUp only (AUTH-3). */
export const canManageUsers = (u: SessionUser) => holdsRight(u, 'users');

function allowed(r: Route, u: SessionUser): boolean {
  switch (r.name) {
    case 'panel': case 'measure': return u.pages.includes('myPanelBoard');
    case 'system': case 'gateways': case 'devices': case 'scan': case 'structure': case 'audit': case 'links': case 'costs': return u.pages.includes('systemConfig');
    case 'settings': return u.pages.includes('webServerConfig') || canManageUsers(u);
    case 'setting': case 'box': return u.pages.includes('webServerConfig');
    case 'users': case 'changeCodes': case 'kioskSetup': return canManageUsers(u);
    case 'consumption': return u.pages.includes('consumptions');
    case 'greenup': return u.pages.includes('greenUp');
    case 'alarms': return u.pages.includes('alarms');
    case 'reports': return u.pages.includes('reports');
    default: return true;
  }
}

export function App() {
  const r = route.value;
  const kiosk = r.name === 'kiosk';
  useEffect(() => { if (!kiosk) void sessionModel.check(); }, [kiosk]);
  // BEY-1: the kiosk authenticates with its token, never with the login page.
  // A new kiosk link in the same tab (other views, period, language) starts the kiosk afresh.
  if (r.name === 'kiosk') return <Lazy render={(m) => <m.KioskPage key={JSON.stringify(r.query)} query={r.query} />} />;
  const user = sessionModel.user.value;
  if (!sessionModel.checked.value) return <p class="muted center">{t('common.loading')}</p>;
  if (!user) {
    if (r.name !== 'login') location.replace('#/login');
    return <LoginPage />;
  }
  if (!allowed(r, user)) return <HomePage />;
  switch (r.name) {
    case 'login': {
      // Landing after a login (`sessionModel.landingPage()`), shown here at once so no other page shows
      // first. AUTH-5: an administrator still on the factory codes is led to change them (or "later").
      const codes = sessionModel.landingPage() === 'changeCodes';
      location.replace(codes ? '#/change-codes' : '#/');
      return codes ? <Admin render={(m) => <m.ChangeCodesPage />} /> : <HomePage />;
    }
    case 'notFound':
      location.replace('#/');
      return <HomePage />;
    case 'home': return <HomePage />;
    case 'panel': return <PanelPage />;
    case 'measure': return <MeasurePage key={r.deviceId} deviceId={r.deviceId} />;
    case 'system': return <Admin render={(m) => <m.SystemPage />} />;
    case 'audit': return <Admin render={(m) => <m.AuditPage />} />;
    case 'links': return <Admin render={(m) => <m.LinksPage />} />;
    case 'costs': return <Admin render={(m) => <m.CostsPage key={r.type} type={r.type} />} />;
    case 'gateways': return <Admin render={(m) => <m.GatewaysPage selected={r.gatewayId} />} />;
    case 'devices': return <Admin render={(m) => <m.DevicesPage key={r.gatewayId} gatewayId={r.gatewayId} selected={r.deviceId} />} />;
    case 'scan': return <Admin render={(m) => <m.ScanPage key={r.gatewayId} gatewayId={r.gatewayId} />} />;
    case 'structure': return <Admin render={(m) => <m.StructurePage key={r.kind} kind={r.kind} />} />;
    case 'settings': return <Admin render={(m) => <m.SettingsMenuPage />} />;
    case 'setting': return <Admin render={(m) => <m.SettingsPage key={r.section} section={r.section} />} />;
    case 'box': return <Admin render={(m) => (r.section === 'info' ? <m.SystemInfoPage /> : r.section === 'backup' ? <m.BackupPage /> : r.section === 'update' ? <m.UpdatePage /> : <m.HttpsPage />)} />;
    case 'users': return <Admin render={(m) => <m.UsersPage />} />;
    case 'kioskSetup': return <Admin render={(m) => <m.KioskSetupPage />} />;
    case 'changeCodes': return <Admin render={(m) => <m.ChangeCodesPage />} />;
    case 'greenup': return <Admin render={(m) => <m.GreenupPage key={r.tab} tab={r.tab} />} />;
    case 'alarms': return <Admin render={(m) => <m.AlarmsPage />} />;
    case 'reports': return <Admin render={(m) => <m.ReportsPage key={r.tab} tab={r.tab} />} />;
    case 'consumption': return <Lazy render={(m) => <m.ConsumptionPage key={r.view} view={r.view} deviceId={r.deviceId} />} />;
  }
}
