/**
 * Web server configuration → E-mail and notification (NOTE-1, NOTE-4, NOTE-6): the sender's SMTP
 * account (the password write-only), "Test" with the server's answer, the alert recipients and
 * event types, the communication-error delay and retention of the alarm log, and the outbox
 * with each notice's attempts and last error.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { SMTP_SECURITY, type AlarmSettings, type EmailSettingsView, type EmailTestResult, type OutboxItem } from '@ews/shared';
import { call } from '../api';
import { Field, FormMessage, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { t, formatDateTime, type MessageKey } from '../i18n';

export function EmailSettingsPage() {
  const email = useSignal<EmailSettingsView | null>(null);
  const alarmSettings = useSignal<AlarmSettings | null>(null);
  const outbox = useSignal<OutboxItem[]>([]);
  const error = useSignal<string | null>(null);
  const loadOutbox = () => call('GET /api/notify/outbox').then((o) => { outbox.value = o; }, () => { /* shown on the next refresh */ });
  useEffect(() => {
    Promise.all([call('GET /api/notify/email'), call('GET /api/settings/alarms')]).then(([e, a]) => { email.value = e; alarmSettings.value = a; }, (e) => { error.value = problemOf(e).message; });
    void loadOutbox();
  }, []);
  return (
    <Page id="settings-email-page" title={t('settings.email')} back={{ href: '#/settings' }}>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {email.value && alarmSettings.value ? (
        <>
          <EmailForm initial={email.value} onSaved={(v) => { email.value = v; }} />
          <AlarmSettingsForm initial={alarmSettings.value} />
          <section class="card">
            <div class="toolbar"><h2>{t('notify.outbox')}</h2><button type="button" data-testid="outbox-refresh" onClick={() => void loadOutbox()}>{t('alarms.refresh')}</button></div>
            {outbox.value.length === 0 ? <p class="muted">{t('notify.outboxEmpty')}</p> : (
              <div class="scroll">
                <table class="list-table" data-testid="outbox-table">
                  <thead><tr><th>{t('notify.created')}</th><th>{t('notify.to')}</th><th>{t('notify.subject')}</th><th>{t('notify.state')}</th><th class="num">{t('notify.attempts')}</th><th>{t('notify.next')}</th><th>{t('notify.lastError')}</th></tr></thead>
                  <tbody>
                    {outbox.value.map((o) => (
                      <tr key={o.id} data-state={o.state}>
                        <td>{formatDateTime(o.createdAt)}</td><td>{o.to}</td><td>{o.subject}</td>
                        <td>{t(`notify.state.${o.state}` as MessageKey)}</td><td class="num">{o.attempts}</td>
                        <td>{o.nextAttemptAt ? formatDateTime(o.nextAttemptAt) : ''}</td><td>{o.lastError ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ) : (error.value ? null : <p class="muted">{t('common.loading')}</p>)}
    </Page>
  );
}

function EmailForm({ initial, onSaved }: { initial: EmailSettingsView; onSaved: (v: EmailSettingsView) => void }) {
  const v = useSignal({ ...initial, password: '', port: String(initial.port) });
  const save = useAction();
  const testResult = useSignal<EmailTestResult | null>(null);
  const testing = useSignal(false);
  const errors = save.errors();
  const text = (k: 'sender' | 'user' | 'server', label: MessageKey, type = 'text') => (
    <Field label={t(label)} name={k} errors={errors}>
      <input type={type} data-testid={`email-${k}`} value={v.value[k]} onInput={(e) => { v.value = { ...v.value, [k]: e.currentTarget.value }; }} />
    </Field>
  );
  const submit = () => save.run(async () => {
    const { passwordSet: _set, password, port, ...rest } = v.value;
    const r = await call('PUT /api/notify/email', { body: { ...rest, port: num(port) ?? 465, ...(password ? { password } : {}) } });
    onSaved(r);
    v.value = { ...v.value, passwordSet: r.passwordSet, password: '' };
    return t('cfg.saved');
  });
  return (
    <form class="card form" data-testid="email-form" noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>{t('notify.account')}</h2>
      {text('sender', 'notify.sender', 'email')}
      {text('user', 'notify.user')}
      <Field label={t('notify.password')} name="password" errors={errors} hint={v.value.passwordSet ? t('notify.passwordKept') : undefined}>
        <input type="password" autoComplete="new-password" data-testid="email-password" value={v.value.password} onInput={(e) => { v.value = { ...v.value, password: e.currentTarget.value }; }} />
      </Field>
      {text('server', 'notify.server')}
      <Field label={t('notify.port')} name="port" errors={errors}>
        <input inputMode="numeric" data-testid="email-port" value={v.value.port} onInput={(e) => { v.value = { ...v.value, port: e.currentTarget.value }; }} />
      </Field>
      <Field label={t('notify.security')} name="security" errors={errors}>
        <select data-testid="email-security" value={v.value.security} onChange={(e) => { v.value = { ...v.value, security: e.currentTarget.value as EmailSettingsView['security'] }; }}>
          {SMTP_SECURITY.map((s) => <option key={s} value={s}>{t(`notify.security.${s}` as MessageKey)}</option>)}
        </select>
      </Field>
      <FormMessage action={save} shown={['sender', 'user', 'password', 'server', 'port', 'security']} />
      {testResult.value ? (
        testResult.value.ok ? <p class="ok-msg" role="status" data-testid="email-test-result" data-ok="true">{t('notify.testSent', { to: v.value.sender })}</p>
          : <p class="banner error" role="alert" data-testid="email-test-result" data-ok="false">{testResult.value.error}</p>
      ) : null}
      <div class="buttons">
        <button type="button" data-testid="email-test" disabled={testing.value || save.state.value.busy} onClick={() => {
          testing.value = true; testResult.value = null;
          void (async () => {
            if (await submit()) testResult.value = await call('POST /api/notify/email/test').catch((e: unknown) => ({ ok: false, error: problemOf(e).message }));
            testing.value = false;
          })();
        }}>{t('notify.test')}</button>
        <button type="submit" class="primary-inline" data-testid="settings-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}

function AlarmSettingsForm({ initial }: { initial: AlarmSettings }) {
  const v = useSignal({ communicationDelayS: String(initial.communicationDelayS), retentionDays: String(initial.retentionDays) });
  const save = useAction();
  const errors = save.errors();
  return (
    <form class="card form" data-testid="alarm-settings-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void save.run(async () => {
        await call('PUT /api/settings/alarms', { body: { communicationDelayS: num(v.value.communicationDelayS) as number, retentionDays: num(v.value.retentionDays) as number } });
        return t('cfg.saved');
      });
    }}>
      <h2>{t('page.alarms')}</h2>
      <Field label={t('notify.commDelay')} name="communicationDelayS" errors={errors}>
        <input inputMode="numeric" data-testid="alarm-delay" value={v.value.communicationDelayS} onInput={(e) => { v.value = { ...v.value, communicationDelayS: e.currentTarget.value }; }} />
      </Field>
      <Field label={t('notify.retention')} name="retentionDays" errors={errors}>
        <input inputMode="numeric" data-testid="alarm-retention" value={v.value.retentionDays} onInput={(e) => { v.value = { ...v.value, retentionDays: e.currentTarget.value }; }} />
      </Field>
      <FormMessage action={save} shown={['communicationDelayS', 'retentionDays']} />
      <div class="buttons"><button type="submit" class="primary-inline" data-testid="alarm-settings-save" disabled={save.state.value.busy}>{t('cfg.save')}</button></div>
    </form>
  );
}
