/** Home: one tile per page the user may open (AUTH-2), default-codes warning, logout and lock (AUTH-4). */
import { holdsRight } from '@ews/shared';
import { useSignal } from '@preact/signals';
import type { Page as PageName } from '@ews/shared';
import { ConfirmDialog } from '../components/dialog';
import { TileIcon } from '../components/icons';
import { Page } from '../components/layout';
import { LangPicker } from '../components/lang-picker';
import { t, type MessageKey } from '../i18n';
import { sessionModel } from '../state/session';

/** Tile order on the home page (the manual's order). */
const PAGE_ORDER: readonly PageName[] = [
  'webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp',
];

/** Pages that exist in this build, with their route. */
const BUILT: Partial<Record<PageName, string>> = {
  webServerConfig: '#/settings', systemConfig: '#/system', myPanelBoard: '#/panel', consumptions: '#/consumption', greenUp: '#/greenup', alarms: '#/alarms', reports: '#/reports',
};

export function HomePage() {
  const s = sessionModel.session.value;
  const confirmLock = useSignal(false);
  if (!s) return null;
  const pages = PAGE_ORDER.filter((p) => s.user.pages.includes(p));
  const manageUsers = holdsRight(s.user, 'users') && !s.user.pages.includes('webServerConfig');

  const actions = (
    <>
      <button id="logout" type="button" title={t('home.logoutHint')} onClick={() => { void sessionModel.logout().finally(() => { location.hash = '#/login'; }); }}>{t('home.logout')}</button>
      <button id="lock" type="button" title={t('home.lockHint')} onClick={() => { confirmLock.value = true; }}>{t('home.lock')}</button>
    </>
  );

  return (
    <Page id="home-page" title={t('app.title')} actions={actions}>
      <div class="home-head">
        <p class="muted" id="home-user">{t('home.user', { name: s.user.name })}</p>
        <LangPicker id="home-lang" />
      </div>
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
        {manageUsers ? (
          <a class="tile" href="#/settings/users" data-page="users"><TileIcon page="webServerConfig" />{t('settings.users')}</a>
        ) : null}
      </nav>
      {confirmLock.value ? (
        <ConfirmDialog
          title={t('home.lockTitle')} confirmLabel={t('home.lock')}
          onCancel={() => { confirmLock.value = false; }}
          onConfirm={() => { confirmLock.value = false; void sessionModel.lock().finally(() => { location.hash = '#/login'; }); }}
        >
          <p id="lock-explain">{t('home.lockHint')}</p>
          <p class="muted">{t('home.logoutHint')}</p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}
