/** System configuration menu (the manual's configuration sequence) and the change log (CFG-5). */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { Page } from '../components/layout';
import { api } from '../api';
import type { AuditEntry, LinkEnd, LinksView } from '@ews/shared';
import { t, formatDateTime } from '../i18n';
import { problemOf } from '../components/form';

const ENTRIES: Array<{ href: string; key: 'gateways' | 'panelboards' | 'loads' | 'groups' | 'costs' | 'audit' | 'links' }> = [
  { href: '#/system/gateways', key: 'gateways' },
  { href: '#/system/panelboards', key: 'panelboards' },
  { href: '#/system/loads', key: 'loads' },
  { href: '#/system/groups', key: 'groups' },
  { href: '#/system/costs', key: 'costs' },
  { href: '#/system/audit', key: 'audit' },
  { href: '#/system/links', key: 'links' },
];

export function SystemPage() {
  return (
    <Page id="system-page" title={t('page.systemConfig')} back={{ href: '#/' }}>
      <nav class="menu">
        {ENTRIES.map((e) => (
          <a key={e.key} class="menu-item" href={e.href} data-testid={`menu-${e.key}`}>
            <b>{t(`system.${e.key}`)}</b>
            <small class="muted">{t(`system.${e.key}Hint`)}</small>
          </a>
        ))}
      </nav>
    </Page>
  );
}

export function AuditPage() {
  const data = useSignal<{ version: number; entries: AuditEntry[] } | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    api.audit().then((d) => { data.value = d; }, (e) => { error.value = problemOf(e).message; });
  }, []);
  const d = data.value;
  return (
    <Page id="audit-page" title={t('system.audit')} back={{ href: '#/system' }}>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {!d ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : (
        <>
          <p data-testid="config-version">{t('audit.version', { version: d.version })}</p>
          <div class="scroll card flat">
            <table class="list-table">
              <thead><tr><th>{t('audit.at')}</th><th>{t('audit.user')}</th><th>{t('audit.action')}</th><th class="num">{t('audit.versionCol')}</th></tr></thead>
              <tbody>
                {d.entries.map((e, i) => (
                  <tr key={i}><td>{formatDateTime(e.at)}</td><td>{e.user}</td><td>{e.action}</td><td class="num">{e.version}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Page>
  );
}

function LinkEndCell({ end }: { end: LinkEnd }) {
  return (
    <td>
      <b>{end.name}</b>
      <br /><small class="muted">{end.function} · {end.gateway} · {end.address}</small>
    </td>
  );
}

/** DEV-4 Link functionality: event source on the left, action module on the right, errors flagged. */
export function LinksPage() {
  const data = useSignal<LinksView | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    api.links().then((d) => { data.value = d; }, (e) => { error.value = problemOf(e).message; });
  }, []);
  const d = data.value;
  return (
    <Page id="links-page" title={t('system.links')} back={{ href: '#/system' }}>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {!d ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : (
        <>
          {d.unreadable.map((u) => <p key={`${u.gatewayId}:${u.address}`} class="banner error">{t('links.unreadable', { address: u.address, reason: u.reason })}</p>)}
          {d.links.length === 0 ? <p class="muted">{t('links.none')}</p> : (
            <div class="scroll card flat">
              <table class="list-table" id="links">
                <thead><tr><th>{t('links.source')}</th><th>{t('links.target')}</th><th>{t('links.status')}</th></tr></thead>
                <tbody>
                  {d.links.map((l, i) => (
                    <tr key={i} data-ok={l.ok}>
                      <LinkEndCell end={l.source} />
                      <LinkEndCell end={l.target} />
                      <td>{l.ok ? '✓' : <span class="error" role="img" aria-label={t('links.error')} title={l.error}>⚠ {l.error}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Page>
  );
}
