/** Routes and the login guard. */
import { useEffect } from 'preact/hooks';
import { t } from './i18n';
import { HomePage } from './pages/home';
import { LoginPage } from './pages/login';
import { MeasurePage } from './pages/measure';
import { PanelPage } from './pages/panel';
import { route } from './state/router';
import { sessionModel } from './state/session';

export function App() {
  useEffect(() => { void sessionModel.check(); }, []);
  const r = route.value;
  const user = sessionModel.user.value;

  if (!sessionModel.checked.value) return <p class="muted center">{t('common.loading')}</p>;
  if (!user) {
    if (r.name !== 'login') location.replace('#/login');
    return <LoginPage />;
  }
  switch (r.name) {
    case 'login':
    case 'notFound':
      location.replace('#/');
      return <HomePage />;
    case 'home':
      return <HomePage />;
    case 'panel':
      return user.pages.includes('myPanelBoard') ? <PanelPage /> : <HomePage />;
    case 'measure':
      return user.pages.includes('myPanelBoard') ? <MeasurePage key={r.deviceId} deviceId={r.deviceId} /> : <HomePage />;
  }
}
