/**
 * Reports & data download (HIST-4…6), three tabs:
 * - History folder: browse the folder the daemon writes (the same one FTP and WebDAV serve),
 *   download a file or a whole folder as a zip;
 * - Data download: choose meter devices, charging stations (greenUp user), groups or loads, the
 *   dates, costs and sample rate; `reportdata.zip` is built in the background with a progress bar;
 * - Reports: a Summary or Detailed PDF, monthly or yearly.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { DeviceSummary, ExportState, FolderEntry, Group, HistoryStatus, Load } from '@ews/shared';
import { call, fetchFile, urlOf } from '../api';
import { Page } from '../components/layout';
import { problemOf } from '../components/form';
import { LANG_PARENT, lang, t, formatDateTime, type MessageKey } from '../i18n';
import { sessionModel } from '../state/session';
import { REPORTS_TABS, type ReportsTab } from '../state/router';

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Hands a file to the browser's download manager. */
function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ReportsPage({ tab }: { tab: ReportsTab }) {
  return (
    <Page id="reports-page" title={t('page.reports')} back={{ href: '#/' }} wide>
      <nav class="tabs" role="tablist" data-testid="reports-tabs">
        {REPORTS_TABS.map((k) => (
          <a key={k} href={`#/reports/${k}`} role="tab" class={k === tab ? 'tab active' : 'tab'} aria-selected={k === tab} data-tab={k}>{t(`rep.tab.${k}` as MessageKey)}</a>
        ))}
      </nav>
      {tab === 'folder' ? <FolderTab /> : tab === 'data' ? <DataTab /> : <PdfTab />}
    </Page>
  );
}

// ---- History folder (HIST-4) ----

function FolderTab() {
  const path = useSignal('');
  const entries = useSignal<FolderEntry[] | null>(null);
  const status = useSignal<HistoryStatus | null>(null);
  const error = useSignal<string | null>(null);
  const open = (p: string) => {
    error.value = null;
    entries.value = null;
    call('GET /api/history/files', { query: { path: p } }).then((e) => { path.value = p; entries.value = e; }, (e) => { error.value = problemOf(e).message; entries.value = []; });
  };
  useEffect(() => {
    open('');
    call('GET /api/history/status').then((s) => { status.value = s; }, () => { /* no status line */ });
  }, []);
  const parts = path.value.split('/').filter(Boolean);
  const s = status.value;
  return (
    <section data-testid="folder-tab">
      {s?.defaultPassword ? <p class="banner warn" role="alert" data-testid="folder-default-password">{t('rep.folder.defaultPassword')}</p> : null}
      {s ? (
        <p class="muted" data-testid="folder-access">
          {s.ftp.enabled ? t('rep.folder.access', { user: s.user, port: s.ftp.port, dav: `${location.origin}${s.webdavPath}` }) : t('rep.folder.ftpOff')}
        </p>
      ) : null}
      <div class="toolbar">
        <nav class="crumbs" data-testid="folder-path">
          <a href="#/reports/folder" onClick={(e) => { e.preventDefault(); open(''); }}>{t('rep.folder.root')}</a>
          {parts.map((p, i) => (
            <span key={i}> / <a href="#/reports/folder" onClick={(e) => { e.preventDefault(); open(`${parts.slice(0, i + 1).join('/')}/`); }}>{p}</a></span>
          ))}
        </nav>
        <a class="button" data-testid="folder-zip" href={urlOf('/api/history/zip', undefined, { path: path.value })} download>{t('rep.folder.zip')}</a>
      </div>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {!entries.value ? <p class="muted">{t('common.loading')}</p> : entries.value.length === 0 ? <p class="muted">{t('rep.folder.empty')}</p> : (
        <div class="scroll card flat">
          <table class="list-table" data-testid="folder-table">
            <thead><tr><th>{t('rep.folder.name')}</th><th class="num">{t('rep.folder.size')}</th><th>{t('rep.folder.modified')}</th></tr></thead>
            <tbody>
              {parts.length ? (
                <tr><td colSpan={3}><a href="#/reports/folder" onClick={(e) => { e.preventDefault(); open(parts.length > 1 ? `${parts.slice(0, -1).join('/')}/` : ''); }}>‹ {t('rep.folder.up')}</a></td></tr>
              ) : null}
              {entries.value.map((e) => {
                const full = `${path.value}${e.name}`;
                return (
                  <tr key={e.name} data-kind={e.kind} data-name={e.name}>
                    <td>
                      {e.kind === 'folder'
                        ? <a href="#/reports/folder" data-testid="folder-open" onClick={(ev) => { ev.preventDefault(); open(`${full}/`); }}>📁 {e.name}</a>
                        : <a href={urlOf('/api/history/file', undefined, { path: full })} download={e.name} data-testid="folder-file">{e.name}</a>}
                    </td>
                    <td class="num">{e.kind === 'file' ? size(e.size) : ''}</td>
                    <td>{formatDateTime(e.modified)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ---- shared: the lists to choose from ----

interface Lists { devices: DeviceSummary[]; groups: Group[]; loads: Load[] }

function useLists() {
  const lists = useSignal<Lists | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    Promise.all([call('GET /api/devices'), call('GET /api/groups'), call('GET /api/loads')]).then(
      ([devices, groups, loads]) => { lists.value = { devices, groups, loads }; },
      (e) => { error.value = problemOf(e).message; },
    );
  }, []);
  return { lists, error };
}

const isStation = (d: DeviceSummary) => d.family === 'evStation';
const isMeter = (d: DeviceSummary) => d.energyType !== 'none' && !isStation(d);

function Chooser({ items, selected, testid }: { items: Array<{ key: string; label: string; detail?: string }>; selected: { value: Set<string> }; testid: string }) {
  const toggle = (k: string) => {
    const next = new Set(selected.value);
    if (next.has(k)) next.delete(k); else next.add(k);
    selected.value = next;
  };
  return (
    <div class="card flat" data-testid={testid}>
      <div class="toolbar">
        <button type="button" data-testid={`${testid}-all`} onClick={() => { selected.value = new Set(items.map((i) => i.key)); }}>{t('rep.selectAll')}</button>
        <button type="button" onClick={() => { selected.value = new Set(); }}>{t('rep.selectNone')}</button>
        <span class="muted">{t('rep.selected', { n: items.filter((i) => selected.value.has(i.key)).length })}</span>
      </div>
      {items.length === 0 ? <p class="muted">{t('rep.noDevices')}</p> : (
        <ul class="choice-list">
          {items.map((i) => (
            <li key={i.key}>
              <label class={selected.value.has(i.key) ? 'chosen' : ''}>
                <input type="checkbox" checked={selected.value.has(i.key)} data-key={i.key} onChange={() => toggle(i.key)} /> {i.label}
                {i.detail ? <small class="muted"> {i.detail}</small> : null}
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---- Data download (HIST-5) ----

type ListKind = 'devices' | 'stations' | 'groups' | 'loads';

function DataTab() {
  const { lists, error: listError } = useLists();
  const kind = useSignal<ListKind>('devices');
  const selected = useSignal<Set<string>>(new Set());
  const today = new Date();
  const from = useSignal(localDay(new Date(today.getFullYear(), today.getMonth(), 1)));
  const to = useSignal(localDay(today));
  const costs = useSignal(false);
  const rate = useSignal<'15min' | '1h' | '1day'>('15min');
  const job = useSignal<ExportState | null>(null);
  const problem = useSignal<{ message: string; fields: Record<string, string[]> } | null>(null);
  const user = sessionModel.session.value?.user;
  const kinds: ListKind[] = ['devices', ...(user?.pages.includes('greenUp') ? ['stations' as const] : []), 'groups', 'loads'];

  useEffect(() => {
    const j = job.value;
    if (!j || j.done) return undefined;
    const timer = setTimeout(() => {
      call('GET /api/exports/:id', { params: { id: j.id } }).then((s) => { job.value = s; }, (e) => { problem.value = problemOf(e); job.value = null; });
    }, 400);
    return () => clearTimeout(timer);
  }, [job.value]);

  const l = lists.value;
  const items = !l ? [] : kind.value === 'groups' ? l.groups.map((g) => ({ key: `group:${g.id}`, label: g.name }))
    : kind.value === 'loads' ? l.loads.filter((x) => x.kind !== 'water' && x.kind !== 'gas').map((x) => ({ key: `load:${x.id}`, label: x.name }))
      : l.devices.filter(kind.value === 'stations' ? isStation : isMeter).map((d) => ({ key: `device:${d.id}`, label: `${d.id} ${d.name}`, detail: `${d.modelLabel} · ${d.addressLabel}` }));

  const start = () => {
    problem.value = null;
    const scopes = items.filter((i) => selected.value.has(i.key)).map((i) => i.key);
    if (!scopes.length) { problem.value = { message: t('rep.chooseOne'), fields: {} }; return; }
    call('POST /api/exports', { body: { kind: 'data', scopes, from: from.value, to: to.value, costs: costs.value, rate: rate.value } })
      .then((s) => { job.value = s; }, (e) => { problem.value = problemOf(e); });
  };

  const j = job.value;
  if (j) {
    return (
      <section data-testid="data-tab" class="card">
        {j.error ? <p class="error" role="alert">{j.error}</p> : !j.done ? (
          <div class="progress-line" data-testid="export-progress">
            <span>{t('rep.building')}</span>
            <progress max={100} value={j.percent} data-testid="export-bar" />
            <span data-testid="export-percent">{j.percent} %</span>
          </div>
        ) : (
          <>
            <p data-testid="export-ready">{t('rep.ready', { size: size(j.bytes ?? 0) })}</p>
            <a class="button primary" data-testid="export-download" href={urlOf('/api/exports/:id/file', { id: j.id })} download="reportdata.zip">{t('rep.downloadZip')}</a>
          </>
        )}
        <p><button type="button" data-testid="export-new" onClick={() => { job.value = null; }}>{t('rep.new')}</button></p>
      </section>
    );
  }
  const fieldError = (f: string) => problem.value?.fields[f]?.join(' ');
  return (
    <section data-testid="data-tab">
      {listError.value ? <p class="error" role="alert">{listError.value}</p> : null}
      <nav class="tabs" role="tablist">
        {kinds.map((k) => (
          <button key={k} type="button" role="tab" class={k === kind.value ? 'tab active' : 'tab'} aria-selected={k === kind.value} data-list={k}
            onClick={() => { kind.value = k; selected.value = new Set(); }}>{t(`rep.list.${k}` as MessageKey)}</button>
        ))}
      </nav>
      <Chooser items={items} selected={selected} testid="data-items" />
      <div class="form-grid card">
        <label>{t('rep.from')} <input type="date" name="from" data-testid="data-from" value={from.value} onChange={(e) => { from.value = (e.target as HTMLInputElement).value; }} /></label>
        {fieldError('from') ? <p class="error">{fieldError('from')}</p> : null}
        <label>{t('rep.to')} <input type="date" name="to" data-testid="data-to" value={to.value} onChange={(e) => { to.value = (e.target as HTMLInputElement).value; }} /></label>
        {fieldError('to') ? <p class="error">{fieldError('to')}</p> : null}
        <label><input type="checkbox" data-testid="data-costs" checked={costs.value} onChange={(e) => { costs.value = (e.target as HTMLInputElement).checked; }} /> {t('rep.costs')}</label>
        <label>{t('rep.rate')} <select data-testid="data-rate" value={rate.value} onChange={(e) => { rate.value = (e.target as HTMLSelectElement).value as typeof rate.value; }}>
          {(['15min', '1h', '1day'] as const).map((r) => <option key={r} value={r}>{t(`rep.rate.${r}`)}</option>)}
        </select></label>
      </div>
      {problem.value ? <p class="error" role="alert" data-testid="data-error">{problem.value.message}</p> : null}
      <p><button type="button" class="primary" data-testid="data-start" onClick={start}>{t('rep.download')}</button></p>
    </section>
  );
}

// ---- PDF reports (HIST-6) ----

function PdfTab() {
  const { lists, error: listError } = useLists();
  const type = useSignal<'summary' | 'detailed'>('summary');
  const period = useSignal<'month' | 'year'>('month');
  const now = new Date();
  const month = useSignal(`${now.getFullYear()}-${pad(now.getMonth() + 1)}`);
  const year = useSignal(String(now.getFullYear()));
  const filter = useSignal('all');
  const selected = useSignal<Set<string>>(new Set());
  const busy = useSignal(false);
  const message = useSignal<{ ok: boolean; text: string } | null>(null);

  const l = lists.value;
  const meters = (l?.devices ?? []).filter(isMeter);
  const shown = meters.filter((d) => filter.value === 'all'
    || (filter.value.startsWith('group:') && d.groupIds.includes(filter.value.slice(6)))
    || (filter.value.startsWith('load:') && d.loadId === filter.value.slice(5)));
  const items = shown.map((d) => ({ key: String(d.id), label: `${d.id} ${d.name}`, detail: `${d.modelLabel} · ${d.addressLabel}` }));

  const download = () => {
    message.value = null;
    const deviceIds = meters.filter((d) => selected.value.has(String(d.id))).map((d) => d.id);
    if (type.value === 'detailed' && !deviceIds.length) { message.value = { ok: false, text: t('rep.chooseOne') }; return; }
    const date = period.value === 'month' ? `${month.value}-01` : `${year.value}-01-01`;
    busy.value = true;
    fetchFile('POST /api/reports', { type: type.value, period: period.value, date, language: (LANG_PARENT[lang.value] ?? lang.value) === 'fr' ? 'fr' : 'en', ...(type.value === 'detailed' ? { deviceIds } : {}) })
      .then(({ blob, fileName }) => { save(blob, fileName); message.value = { ok: true, text: t('rep.saved', { file: fileName }) }; },
        (e) => { message.value = { ok: false, text: problemOf(e).message }; })
      .finally(() => { busy.value = false; });
  };

  return (
    <section data-testid="pdf-tab">
      {listError.value ? <p class="error" role="alert">{listError.value}</p> : null}
      <div class="form-grid card">
        <fieldset>
          <legend>{t('rep.type')}</legend>
          {(['summary', 'detailed'] as const).map((k) => (
            <label key={k}><input type="radio" name="report-type" value={k} data-testid={`pdf-type-${k}`} checked={type.value === k} onChange={() => { type.value = k; }} /> {t(`rep.${k}`)}</label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('rep.period')}</legend>
          {(['month', 'year'] as const).map((k) => (
            <label key={k}><input type="radio" name="report-period" value={k} data-testid={`pdf-period-${k}`} checked={period.value === k} onChange={() => { period.value = k; }} /> {t(k === 'month' ? 'rep.monthly' : 'rep.yearly')}</label>
          ))}
          {period.value === 'month'
            ? <label>{t('rep.month')} <input type="month" data-testid="pdf-month" value={month.value} onChange={(e) => { month.value = (e.target as HTMLInputElement).value; }} /></label>
            : <label>{t('rep.year')} <input type="number" min={2000} max={2099} data-testid="pdf-year" value={year.value} onChange={(e) => { year.value = (e.target as HTMLInputElement).value; }} /></label>}
        </fieldset>
      </div>
      {type.value === 'summary' ? <p class="muted">{t('rep.summaryHint')}</p> : (
        <>
          <label>{t('rep.filter')} <select data-testid="pdf-filter" value={filter.value} onChange={(e) => { filter.value = (e.target as HTMLSelectElement).value; }}>
            <option value="all">{t('rep.allDevices')}</option>
            {(l?.groups ?? []).map((g) => <option key={g.id} value={`group:${g.id}`}>{t('rep.group', { name: g.name })}</option>)}
            {(l?.loads ?? []).map((x) => <option key={x.id} value={`load:${x.id}`}>{t('rep.load', { name: x.name })}</option>)}
          </select></label>
          <Chooser items={items} selected={selected} testid="pdf-devices" />
        </>
      )}
      {message.value ? <p class={message.value.ok ? 'ok-msg' : 'error'} role="status" data-testid="pdf-message">{message.value.text}</p> : null}
      <p><button type="button" class="primary" data-testid="pdf-download" disabled={busy.value} onClick={download}>{busy.value ? t('rep.generating') : t('rep.download')}</button></p>
    </section>
  );
}
