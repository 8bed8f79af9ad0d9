/** Routes, the login guard and the rights guard (AUTH-2: the daemon enforces, the SPA hides). */
import { useEffect } from 'preact/hooks';
import type { SessionUser } from '@ews/shared';
import { t } from './i18n';
import { HomePage } from './pages/home';
import { LoginPage } from './pages/login';
import { MeasurePage } from './pages/measure';
import { PanelPage } from './pages/panel';
import { AuditPage, SystemPage } from './pages/system';
import { GatewaysPage } from './pages/gateways';
import { DevicesPage } from './pages/devices';
import { ScanPage } from './pages/scan';
import { StructurePage } from './pages/structure';
import { SettingsMenuPage, SettingsPage } from './pages/settings';
import { ChangeCodesPage, UsersPage } from './pages/users';
import { route, type Route } from './state/router';
import { sessionModel } from './state/session';

/** The users page and the change-codes page: administrator and greenUp only (AUTH-3). */
export const canManageUsers = (u: SessionUser) => u.role === 'administrator' || u.role === 'greenUp';

function allowed(r: Route, u: SessionUser): boolean {
  switch (r.name) {
    case 'panel': case 'measure': return u.pages.includes('myPanelBoard');
    case 'system': case 'gateways': case 'devices': case 'scan': case 'structure': case 'audit': return u.pages.includes('systemConfig');
    case 'settings': return u.pages.includes('webServerConfig') || canManageUsers(u);
    case 'setting': return u.pages.includes('webServerConfig');
    case 'users': case 'changeCodes': return canManageUsers(u);
    default: return true;
  }
}

export function App() {
  useEffect(() => { void sessionModel.check(); }, []);
  const r = route.value;
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
    case 'gateways': return <GatewaysPage selected={r.gatewayId} />;
    case 'devices': return <DevicesPage key={r.gatewayId} gatewayId={r.gatewayId} selected={r.deviceId} />;
    case 'scan': return <ScanPage key={r.gatewayId} gatewayId={r.gatewayId} />;
    case 'structure': return <StructurePage key={r.kind} kind={r.kind} />;
    case 'settings': return <SettingsMenuPage />;
    case 'setting': return <SettingsPage key={r.section} section={r.section} />;
    case 'users': return <UsersPage />;
    case 'changeCodes': return <ChangeCodesPage />;
  }
}
