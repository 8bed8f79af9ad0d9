/** Page frame: title bar with an optional back link and the offline mark; the default-codes warning. */
import { holdsRight } from '@ews/shared';
import type { ComponentChildren } from 'preact';
import { offline } from '../api';
import { t } from '../i18n';
import { route, type Route } from '../state/router';
import { sessionModel } from '../state/session';

/** Web server and system configuration: on a phone, the guide says it needs a computer. */
const CONFIG_ROUTES: ReadonlySet<Route['name']> = new Set<Route['name']>([
  'system', 'gateways', 'devices', 'scan', 'structure', 'audit', 'links', 'costs', 'settings', 'setting', 'box', 'users', 'kioskSetup',
]);

interface PageProps {
  id: string;
  title: string;
  back?: { href: string };
  actions?: ComponentChildren;
  /** The change-codes page does not repeat the warning it answers. */
  hideCodesWarning?: boolean;
  wide?: boolean;
  children: ComponentChildren;
}

export function Page({ id, title, back, actions, hideCodesWarning, wide, children }: PageProps) {
  return (
    <div class="page" id={id}>
      <header class="bar">
        {back ? <a class="bar-back" href={back.href} aria-label={t('common.back')} data-testid="back">‹</a> : <span class="bar-logo" aria-hidden="true">⚡</span>}
        <h1 class="bar-title">{title}</h1>
        <OfflineMark />
        {actions ? <div class="bar-actions">{actions}</div> : null}
      </header>
      <main class={wide ? 'content wide' : 'content'}>
        {hideCodesWarning ? null : <DefaultCodesWarning />}
        {CONFIG_ROUTES.has(route.value.name) ? <NeedsComputer /> : null}
        {children}
      </main>
    </div>
  );
}

/** AUTH-5: shown on every page while any default code is still in use. */
export function DefaultCodesWarning() {
  const s = sessionModel.session.value;
  if (!s || !(s.defaultCodesInUse || s.mustChangeCodes)) return null;
  const canChange = holdsRight(s.user, 'users');
  return (
    <p class="banner warn" id="default-codes-warning" role="alert" data-must-change={s.mustChangeCodes}>
      {t('home.defaultCodes')}{s.mustChangeCodes ? ` ${t('home.mustChange')}` : ''}
      {canChange ? <> <a href="#/change-codes" data-testid="change-codes-link">{t('codes.changeNow')}</a></> : null}
    </p>
  );
}

/**
 * The smartphone guide: configuring the web server and the system is done from a computer;
 * shown on narrow screens only (CSS), the pages stay usable.
 */
function NeedsComputer() {
  return <p class="banner info needs-computer" data-testid="needs-computer" role="note">{t('mobile.needsComputer')}</p>;
}

export function OfflineMark() {
  if (!offline.value) return null;
  return <span class="offline" id="offline-mark" role="status">{t('net.offline')}</span>;
}
