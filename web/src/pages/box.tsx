/**
 * The box as a system (Web server configuration): System information (SYS-5) with "Optimize",
 * and Backup / Restore (SYS-6) with the automatic backup settings and status (SYS-8).
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { AutoBackupSettings, BackupFile, SystemInfo } from '@ews/shared';
import { api, backupUrl } from '../api';
import { Check, Field, FormMessage, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { t, formatDateTime } from '../i18n';

const MB = 1024 * 1024;
const size = (bytes: number) => (bytes >= 1024 * MB ? `${(bytes / 1024 / MB).toFixed(1)} GB` : bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

function Row({ id, label, children, flag }: { id: string; label: string; children: ComponentChildren; flag?: string | false }) {
  return (
    <tr data-testid={`info-${id}`}>
      <th scope="row">{label}</th>
      <td>{children} {flag ? <span class="tag warn" data-testid={`flag-${id}`}>{flag}</span> : null}</td>
    </tr>
  );
}

/** After a restore or an optimisation the daemon restarts: wait for it, then back to the login page. */
async function waitRestart(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < 120; i++) {
    try { await api.health(); break; } catch { await new Promise((r) => setTimeout(r, 1000)); }
  }
  location.hash = '#/login';
  location.reload();
}

export function SystemInfoPage() {
  const info = useSignal<SystemInfo | null>(null);
  const error = useSignal<string | null>(null);
  const optimize = useAction();
  useEffect(() => {
    const load = () => api.systemInfo().then((v) => { info.value = v; error.value = null; }, (e) => { error.value = problemOf(e).message; });
    void load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const i = info.value;
  const onOptimize = () => optimize.run(async () => {
    await api.optimize();
    void waitRestart();
    return t('box.restarting');
  });
  return (
    <Page id="system-info-page" title={t('box.info')} back={{ href: '#/settings' }}>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {!i ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : (
        <>
          <div class="card flat scroll">
            <table class="list-table info-table">
              <tbody>
                <Row id="version" label={t('box.version')}>{i.version} ({i.edition})</Row>
                <Row id="previous" label={t('box.previousVersion')}>{i.update.previous ?? '—'}{i.update.lastOutcome ? ` · ${i.update.lastOutcome}` : ''}</Row>
                <Row id="booted" label={t('box.bootedAt')}>{formatDateTime(i.bootedAt)}</Row>
                <Row id="started" label={t('box.startedAt')}>{formatDateTime(i.startedAt)}</Row>
                <Row id="cpu" label={t('box.cpu')} flag={i.cpu.high && t('box.cpuHigh')}>{i.cpu.percent === null ? '—' : `${i.cpu.percent} %`} · {t('box.load', { load: i.cpu.load1, cores: i.cpu.cores })}</Row>
                <Row id="memory" label={t('box.memory')}>{t('box.memoryValue', { available: size(i.memory.availableBytes), total: size(i.memory.totalBytes), daemon: size(i.memory.daemonRssBytes) })}</Row>
                <Row id="database" label={t('box.database')}>{size(i.database.sizeBytes)} · {t('box.freePages', { percent: i.database.freePercent })}</Row>
                <Row id="storage" label={t('box.storage')} flag={i.storage.low && t('box.storageLow')}>{t('box.storageValue', { free: size(i.storage.freeBytes), total: size(i.storage.totalBytes), percent: i.storage.freePercent })}</Row>
                <Row id="autobackup" label={t('box.autoBackup')} flag={i.autoBackup.status === 'error' && t('box.statusError')}>
                  {i.autoBackup.lastAt ? formatDateTime(i.autoBackup.lastAt) : t('box.never')} · <span data-testid="autobackup-status">{t(`box.status.${i.autoBackup.status}`)}</span>
                  {i.autoBackup.error ? ` (${i.autoBackup.error})` : ''}
                  {i.autoBackup.nextAt ? ` · ${t('box.next', { at: formatDateTime(i.autoBackup.nextAt) })}` : ''}
                </Row>
                <Row id="health" label={t('box.health')} flag={i.database.health === 'optimize' && t('box.optimizeAdvised')}>
                  {i.database.health === 'ok' ? t('box.healthOk') : t('box.healthOptimize')}
                  {i.database.lastOptimizedAt ? ` · ${t('box.lastOptimized', { at: formatDateTime(i.database.lastOptimizedAt) })}` : ''}
                </Row>
                <Row id="https" label={t('box.https')}>{i.https.enabled ? `${t('box.port', { port: i.https.port ?? '' })}${i.https.certificate ? ` · ${i.https.certificate.subject} · ${t('box.until', { at: formatDateTime(i.https.certificate.notAfter) })}${i.https.certificate.selfSigned ? ` · ${t('box.selfSigned')}` : ''}` : ''}` : t('box.off')}</Row>
              </tbody>
            </table>
          </div>
          <h3>{t('box.buses')}</h3>
          <div class="card flat scroll">
            <table class="list-table" data-testid="info-buses">
              <thead><tr><th>{t('box.gateway')}</th><th>{t('box.link')}</th><th class="num">{t('box.transactions')}</th><th class="num">{t('box.failures')}</th><th class="num">{t('box.queued')}</th><th class="num">{t('box.busy')}</th></tr></thead>
              <tbody>
                {i.buses.map((b) => (
                  <tr key={b.gatewayId} data-testid={`bus-${b.gatewayId}`}>
                    <td>{b.name}</td><td>{b.link}</td><td class="num">{b.transactions}</td><td class="num">{b.failures}</td><td class="num">{b.queued}</td><td class="num">{b.busyPercent} %</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">{t('box.optimizeNote')}</p>
          <FormMessage action={optimize} testid="optimize-message" />
          <div class="buttons">
            <button type="button" class="primary-inline" data-testid="optimize" disabled={optimize.state.value.busy} onClick={() => void onOptimize()}>{t('box.optimize')}</button>
          </div>
        </>
      )}
    </Page>
  );
}

export function BackupPage() {
  const list = useSignal<{ backups: BackupFile[]; auto: AutoBackupSettings & { status: SystemInfo['autoBackup'] | Omit<SystemInfo['autoBackup'], 'enabled'> } } | null>(null);
  const auto = useSignal<AutoBackupSettings | null>(null);
  const error = useSignal<string | null>(null);
  const backup = useAction(), restore = useAction(), save = useAction();
  const file = useSignal<File | null>(null);
  const load = () => api.backups().then((v) => {
    list.value = v;
    auto.value ??= { enabled: v.auto.enabled, hour: v.auto.hour, keep: v.auto.keep };
  }, (e) => { error.value = problemOf(e).message; });
  useEffect(() => { void load(); }, []);
  const l = list.value, a = auto.value;
  const onBackup = () => backup.run(async () => {
    const r = await api.backup();
    await load();
    return t('box.backupDone', { size: size(r.sizeBytes), ms: r.tookMs });
  });
  const onRestore = (e: Event) => {
    e.preventDefault();
    const f = file.value;
    if (!f) return;
    if (!confirm(t('box.restoreConfirm'))) return;
    void restore.run(async () => {
      await api.restore(f);
      void waitRestart();
      return t('box.restoreAccepted');
    });
  };
  const onSave = (e: Event) => {
    e.preventDefault();
    if (!a) return;
    void save.run(async () => { auto.value = await api.setAutoBackup(a); await load(); return t('cfg.saved'); });
  };
  return (
    <Page id="backup-page" title={t('box.backup')} back={{ href: '#/settings' }}>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      <section class="card form">
        <h3>{t('box.backupTitle')}</h3>
        <p class="muted">{t('box.backupNote')}</p>
        <FormMessage action={backup} testid="backup-message" />
        <div class="buttons">
          <button type="button" class="primary-inline" data-testid="backup" disabled={backup.state.value.busy} onClick={() => void onBackup()}>{t('box.backupButton')}</button>
        </div>
        {l && l.backups.length ? (
          <table class="list-table" data-testid="backup-list">
            <thead><tr><th>{t('box.file')}</th><th>{t('box.kind')}</th><th>{t('box.at')}</th><th class="num">{t('box.size')}</th></tr></thead>
            <tbody>
              {l.backups.map((b) => (
                <tr key={b.file}><td><a href={backupUrl(b.file)} download={b.file}>{b.file}</a></td><td>{t(`box.kind.${b.kind}`)}</td><td>{formatDateTime(b.createdAt)}</td><td class="num">{size(b.sizeBytes)}</td></tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <form class="card form" onSubmit={onRestore} data-testid="restore-form">
        <h3>{t('box.restoreTitle')}</h3>
        <p class="muted">{t('box.restoreNote')}</p>
        <input type="file" accept=".zip,application/zip" data-testid="restore-file" onChange={(e) => { file.value = (e.currentTarget as HTMLInputElement).files?.[0] ?? null; restore.clear(); }} />
        <FormMessage action={restore} testid="restore-message" />
        <div class="buttons">
          <button type="submit" class="primary-inline" data-testid="restore" disabled={!file.value || restore.state.value.busy}>{t('box.restoreButton')}</button>
        </div>
      </form>
      {a && l ? (
        <form class="card form" onSubmit={onSave} data-testid="auto-backup-form">
          <h3>{t('box.autoTitle')}</h3>
          <Check label={t('box.autoEnabled')} checked={a.enabled} onChange={(v) => { auto.value = { ...a, enabled: v }; }} testid="auto-enabled" name="enabled" errors={save.errors()} />
          <Field label={t('box.autoHour')} name="hour" errors={save.errors()}>
            <input type="number" min={0} max={23} value={a.hour} onInput={(e) => { auto.value = { ...a, hour: num((e.currentTarget as HTMLInputElement).value) ?? a.hour }; }} />
          </Field>
          <Field label={t('box.autoKeep')} name="keep" errors={save.errors()}>
            <input type="number" min={1} max={30} value={a.keep} onInput={(e) => { auto.value = { ...a, keep: num((e.currentTarget as HTMLInputElement).value) ?? a.keep }; }} />
          </Field>
          <p data-testid="auto-status">
            {t('box.autoLast')}: {l.auto.status.lastAt ? formatDateTime(l.auto.status.lastAt) : t('box.never')} · {t(`box.status.${l.auto.status.status}`)}
            {l.auto.status.error ? ` (${l.auto.status.error})` : ''}{l.auto.status.nextAt ? ` · ${t('box.next', { at: formatDateTime(l.auto.status.nextAt) })}` : ''}
          </p>
          <FormMessage action={save} shown={['enabled', 'hour', 'keep']} />
          <div class="buttons"><button type="submit" class="primary-inline" data-testid="auto-save" disabled={save.state.value.busy}>{t('cfg.save')}</button></div>
        </form>
      ) : null}
    </Page>
  );
}
