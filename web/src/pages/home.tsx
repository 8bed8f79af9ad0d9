/** Home: one tile per page the user may open (AUTH-2), default-codes warning, logout and lock. */
import type { Page as PageName } from '@ews/shared';
import { TileIcon } from '../components/icons';
import { Page } from '../components/layout';
import { t, type MessageKey } from '../i18n';
import { sessionModel } from '../state/session';

/** Tile order on the home page (the manual's order). */
const PAGE_ORDER: readonly PageName[] = [
  'webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp',
];

/** Pages that exist in this build, with their route. */
const BUILT: Partial<Record<PageName, string>> = { myPanelBoard: '#/panel' };

export function HomePage() {
  const s = sessionModel.session.value;
  if (!s) return null;
  const pages = PAGE_ORDER.filter((p) => s.user.pages.includes(p));

  const actions = (
    <>
      <button id="logout" type="button" onClick={() => { void sessionModel.logout().finally(() => { location.hash = '#/login'; }); }}>{t('home.logout')}</button>
      <button id="lock" type="button" title={t('home.lockHint')} onClick={() => { void sessionModel.lock().finally(() => { location.hash = '#/login'; }); }}>{t('home.lock')}</button>
    </>
  );

  return (
    <Page id="home-page" title={t('app.title')} actions={actions}>
      <p class="muted" id="home-user">{t('home.user', { name: s.user.name })}</p>
      {s.defaultCodesInUse || s.mustChangeCodes ? (
        <p class="banner warn" id="default-codes-warning" role="alert" data-must-change={s.mustChangeCodes}>
          {t('home.defaultCodes')}{s.mustChangeCodes ? ` ${t('home.mustChange')}` : ''}
        </p>
      ) : null}
      <nav class="tiles">
        {pages.map((p) => {
          const href = BUILT[p];
          const label = t(`page.${p}` as MessageKey);
          return href ? (
            <a key={p} class="tile" href={href} data-page={p}>
              <TileIcon page={p} />{label}
            </a>
          ) : (
            <span key={p} class="tile disabled" data-page={p} aria-disabled="true">
              <TileIcon page={p} />{label}
              <small>{t('home.soon')}</small>
            </span>
          );
        })}
      </nav>
    </Page>
  );
}
