/** Page frame: title bar with an optional back link and the offline mark. */
import type { ComponentChildren } from 'preact';
import { offline } from '../api';
import { t } from '../i18n';

interface PageProps {
  id: string;
  title: string;
  back?: { href: string };
  actions?: ComponentChildren;
  children: ComponentChildren;
}

export function Page({ id, title, back, actions, children }: PageProps) {
  return (
    <div class="page" id={id}>
      <header class="bar">
        {back ? <a class="bar-back" href={back.href} aria-label={t('common.back')}>‹</a> : <span class="bar-logo" aria-hidden="true">⚡</span>}
        <h1 class="bar-title">{title}</h1>
        <OfflineMark />
        {actions ? <div class="bar-actions">{actions}</div> : null}
      </header>
      <main class="content">{children}</main>
    </div>
  );
}

export function OfflineMark() {
  if (!offline.value) return null;
  return <span class="offline" id="offline-mark" role="status">{t('net.offline')}</span>;
}
