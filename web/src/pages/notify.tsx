/**
 * Web server configuration → E-mail and notification, continued: Telegram (NOTE-2: the bot, the
 * people who sent it the password, Test), Alert settings (NOTE-4: rules of events → e-mail and
 * Telegram) and Automatic reports (NOTE-3).
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import {
  ALERT_EVENTS, AUTO_REPORT_DELIVERIES, AUTO_REPORT_FORMATS, AUTO_REPORT_KINDS, AUTO_REPORT_PERIODS,
  type AlertEvent, type AlertRule, type AlertRuleInput, type AutoReport, type AutoReportInput, type DeviceSummary, type TelegramPerson,
  type TelegramSettingsView, type TelegramTestResult, type Threshold,
} from '@ews/shared';
import { call } from '../api';
import { Check, Field, FormMessage, OnOff, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { t, formatDateTime, type MessageKey } from '../i18n';

interface CatalogModel { family: string; model: string; measures: Array<{ key: string; label: string; unit: string }> }

function useData<T>(load: () => Promise<T>): { value: T | null; error: string | null; reload: () => void } {
  const value = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  const reload = () => { load().then((v) => { value.value = v; error.value = null; }, (e) => { error.value = problemOf(e).message; }); };
  useEffect(reload, []);
  return { value: value.value, error: error.value, reload };
}

const deviceLabel = (d: DeviceSummary) => `${d.id} ${d.name}`;

// #region Telegram (NOTE-2)
export function TelegramPage() {
  const settings = useData(() => call('GET /api/notify/telegram'));
  const people = useData(() => call('GET /api/notify/telegram/people'));
  return (
    <Page id="settings-telegram-page" title={t('settings.telegram')} back={{ href: '#/settings' }}>
      {settings.error ? <p class="error" role="alert">{settings.error}</p> : null}
      {settings.value ? <TelegramForm initial={settings.value} onTested={people.reload} /> : (settings.error ? null : <p class="muted">{t('common.loading')}</p>)}
      <section class="card">
        <div class="toolbar"><h2>{t('tg.people')}</h2><button type="button" data-testid="tg-people-refresh" onClick={people.reload}>{t('alarms.refresh')}</button></div>
        <p class="muted">{t('tg.peopleHint')}</p>
        {people.value && people.value.length === 0 ? <p class="muted" data-testid="tg-nobody">{t('tg.nobody')}</p> : null}
        {people.value && people.value.length > 0 ? (
          <table class="list-table" data-testid="tg-people">
            <thead><tr><th>{t('tg.name')}</th><th>{t('tg.joined')}</th><th>{t('tg.receives')}</th><th /></tr></thead>
            <tbody>
              {people.value.map((p) => <PersonRow key={p.chatId} person={p} onChanged={people.reload} />)}
            </tbody>
          </table>
        ) : null}
      </section>
    </Page>
  );
}

function PersonRow({ person, onChanged }: { person: TelegramPerson; onChanged: () => void }) {
  const busy = useSignal(false);
  const act = (fn: () => Promise<unknown>) => { busy.value = true; void fn().finally(() => { busy.value = false; onChanged(); }); };
  return (
    <tr data-chat={person.chatId} data-enabled={person.enabled}>
      <td>{person.name}{person.username ? <small class="muted"> @{person.username}</small> : null}</td>
      <td>{formatDateTime(person.joinedAt)}</td>
      <td><OnOff on={person.enabled} disabled={busy.value} testid={`tg-person-${person.chatId}`} onToggle={() => act(() => call('PUT /api/notify/telegram/people/:chatId', { params: { chatId: person.chatId }, body: { enabled: !person.enabled } }))} /></td>
      <td><button type="button" class="danger" disabled={busy.value} onClick={() => act(() => call('DELETE /api/notify/telegram/people/:chatId', { params: { chatId: person.chatId } }))}>{t('tg.remove')}</button></td>
    </tr>
  );
}

function TelegramForm({ initial, onTested }: { initial: TelegramSettingsView; onTested: () => void }) {
  const v = useSignal({ enabled: initial.enabled, botName: initial.botName, token: '', password: initial.password, apiUrl: initial.apiUrl });
  const view = useSignal(initial);
  const save = useAction();
  const errors = save.errors();
  const testResult = useSignal<TelegramTestResult | null>(null);
  const testing = useSignal(false);
  const text = (k: 'botName' | 'token' | 'password' | 'apiUrl', label: MessageKey, hint?: string) => (
    <Field label={t(label)} name={k} errors={errors} hint={hint}>
      <input type={k === 'token' ? 'password' : 'text'} autoComplete={k === 'token' ? 'new-password' : 'off'} data-testid={`tg-${k}`} value={v.value[k]} onInput={(e) => { v.value = { ...v.value, [k]: e.currentTarget.value }; }} />
    </Field>
  );
  const submit = () => save.run(async () => {
    const { token, ...rest } = v.value;
    const r = await call('PUT /api/notify/telegram', { body: { ...rest, ...(token ? { token } : {}) } });
    view.value = r;
    v.value = { ...v.value, token: '' };
    return t('cfg.saved');
  });
  return (
    <form class="card form" data-testid="telegram-form" noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>{t('tg.bot')} <small class={`muted state-${view.value.state}`} data-testid="tg-state">{t(`tg.state.${view.value.state}` as MessageKey)}</small></h2>
      {view.value.lastError ? <p class="banner error" role="alert">{view.value.lastError}</p> : null}
      <Check label={t('tg.enabled')} checked={v.value.enabled} testid="tg-enabled" onChange={(on) => { v.value = { ...v.value, enabled: on }; }} />
      {text('botName', 'tg.botName')}
      {text('token', 'tg.token', view.value.tokenSet ? t('tg.tokenKept') : undefined)}
      {text('password', 'tg.password')}
      {text('apiUrl', 'tg.apiUrl')}
      <FormMessage action={save} shown={['botName', 'token', 'password', 'apiUrl']} />
      {testResult.value ? (
        testResult.value.ok ? <p class="ok-msg" role="status" data-testid="tg-test-result" data-ok="true">{t('tg.testSent', { n: String(testResult.value.sent) })}</p>
          : <p class="banner error" role="alert" data-testid="tg-test-result" data-ok="false">{testResult.value.error}</p>
      ) : null}
      <div class="buttons">
        <button type="button" data-testid="tg-test" disabled={testing.value || save.state.value.busy} onClick={() => {
          testing.value = true; testResult.value = null;
          void (async () => {
            if (await submit()) testResult.value = await call('POST /api/notify/telegram/test').catch((e: unknown) => ({ ok: false, sent: 0, error: problemOf(e).message }));
            testing.value = false;
            onTested();
          })();
        }}>{t('notify.test')}</button>
        <button type="submit" class="primary-inline" data-testid="settings-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}
// #endregion

// #region Alert rules (NOTE-4)
type RuleDraft = { name: string; enabled: boolean; events: AlertEvent[]; recovery: boolean; deviceIds: number[]; threshold: { deviceId: string; quantity: string; direction: Threshold['direction']; value: string; forS: string }; email: { enabled: boolean; recipients: string; subject: string }; telegram: boolean };

const emptyRule = (): RuleDraft => ({
  name: '', enabled: true, events: ['communication-error'], recovery: true, deviceIds: [],
  threshold: { deviceId: '', quantity: '', direction: 'above', value: '', forS: '300' },
  email: { enabled: true, recipients: '', subject: '' }, telegram: false,
});
const draftOf = (r: AlertRule): RuleDraft => ({
  name: r.name, enabled: r.enabled, events: r.events, recovery: r.recovery, deviceIds: r.deviceIds,
  threshold: r.threshold ? { deviceId: String(r.threshold.deviceId), quantity: r.threshold.quantity, direction: r.threshold.direction, value: String(r.threshold.value), forS: String(r.threshold.forS) } : emptyRule().threshold,
  email: { ...r.email }, telegram: r.telegram,
});
function inputOf(d: RuleDraft): AlertRuleInput {
  const { threshold, ...rest } = d;
  return {
    ...rest,
    ...(d.events.includes('threshold') ? { threshold: { deviceId: num(threshold.deviceId) as number, quantity: threshold.quantity, direction: threshold.direction, value: num(threshold.value) as number, forS: num(threshold.forS) as number } } : {}),
  };
}

export function AlertRulesPage() {
  const rules = useData(() => call('GET /api/alert-rules'));
  const devices = useData(() => call('GET /api/devices'));
  const catalog = useData(() => call('GET /api/catalog') as Promise<CatalogModel[]>);
  const editing = useSignal<string | 'new' | null>(null);
  const ready = rules.value && devices.value && catalog.value;
  return (
    <Page id="settings-alerts-page" title={t('settings.alerts')} back={{ href: '#/settings' }}>
      {rules.error ? <p class="error" role="alert">{rules.error}</p> : null}
      {!ready ? (rules.error ? null : <p class="muted">{t('common.loading')}</p>) : (
        <>
          <p class="muted">{t('rules.excludeNote')}</p>
          {rules.value!.length === 0 ? <p class="muted" data-testid="rules-none">{t('rules.none')}</p> : null}
          {rules.value!.map((r) => (editing.value === r.id
            ? <RuleForm key={r.id} id={r.id} initial={draftOf(r)} devices={devices.value!} catalog={catalog.value!} onDone={() => { editing.value = null; rules.reload(); }} />
            : (
              <section key={r.id} class="card" data-testid="rule" data-rule={r.id}>
                <div class="toolbar">
                  <h2>{r.name}{r.enabled ? '' : ` (${t('cfg.off')})`}</h2>
                  <div class="buttons">
                    <button type="button" data-testid="rule-edit" onClick={() => { editing.value = r.id; }}>{t('rules.edit')}</button>
                    <button type="button" class="danger" data-testid="rule-delete" onClick={() => { void call('DELETE /api/alert-rules/:id', { params: { id: r.id } }).then(rules.reload); }}>{t('rules.delete')}</button>
                  </div>
                </div>
                <p>{r.events.map((e) => t(`rules.event.${e}` as MessageKey)).join(', ')}</p>
                <p class="muted">
                  {r.email.enabled ? `${t('rules.sendEmail')} ${r.email.recipients}` : ''}
                  {r.email.enabled && r.telegram ? ' · ' : ''}
                  {r.telegram ? t('rules.sendTelegram') : ''}
                </p>
              </section>
            )))}
          {editing.value === 'new'
            ? <RuleForm id={null} initial={emptyRule()} devices={devices.value!} catalog={catalog.value!} onDone={() => { editing.value = null; rules.reload(); }} />
            : <div class="buttons"><button type="button" class="primary-inline" data-testid="rule-new" onClick={() => { editing.value = 'new'; }}>{t('rules.new')}</button></div>}
        </>
      )}
    </Page>
  );
}

function RuleForm({ id, initial, devices, catalog, onDone }: { id: string | null; initial: RuleDraft; devices: DeviceSummary[]; catalog: CatalogModel[]; onDone: () => void }) {
  const v = useSignal(initial);
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<RuleDraft>) => { v.value = { ...v.value, ...patch }; };
  const th = v.value.threshold;
  const thDevice = devices.find((d) => String(d.id) === th.deviceId);
  const measures = thDevice ? catalog.find((m) => m.family === thDevice.family && m.model === thDevice.model)?.measures ?? [] : [];
  const unit = measures.find((m) => m.key === th.quantity)?.unit ?? '';
  const setTh = (patch: Partial<RuleDraft['threshold']>) => set({ threshold: { ...th, ...patch } });
  const toggle = <T,>(list: T[], x: T, on: boolean) => (on ? [...list.filter((y) => y !== x), x] : list.filter((y) => y !== x));
  return (
    <form class="card form" data-testid="rule-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void save.run(async () => {
        const body = inputOf(v.value);
        if (id) await call('PUT /api/alert-rules/:id', { params: { id }, body }); else await call('POST /api/alert-rules', { body });
        onDone();
        return t('cfg.saved');
      });
    }}>
      <Field label={t('rules.name')} name="name" errors={errors}>
        <input data-testid="rule-name" value={v.value.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Check label={t('rules.enabled')} checked={v.value.enabled} testid="rule-enabled" onChange={(on) => set({ enabled: on })} />
      <fieldset data-field="events">
        <legend>{t('rules.events')}</legend>
        {ALERT_EVENTS.map((ev) => (
          <Check key={ev} label={t(`rules.event.${ev}` as MessageKey)} checked={v.value.events.includes(ev)} testid={`rule-event-${ev}`}
            onChange={(on) => set({ events: ALERT_EVENTS.filter((x) => (x === ev ? on : v.value.events.includes(x))) })} />
        ))}
        {errors.events ? <span class="field-error" role="alert">{errors.events.join(' ')}</span> : null}
      </fieldset>
      <Check label={t('rules.recovery')} checked={v.value.recovery} testid="rule-recovery" onChange={(on) => set({ recovery: on })} />
      {v.value.events.includes('threshold') ? (
        <fieldset data-field="threshold">
          <legend>{t('rules.threshold')}</legend>
          <Field label={t('rules.device')} name="threshold.deviceId" errors={errors}>
            <select data-testid="rule-th-device" value={th.deviceId} onChange={(e) => setTh({ deviceId: e.currentTarget.value, quantity: '' })}>
              <option value="">{t('rules.choose')}</option>
              {devices.map((d) => <option key={d.id} value={String(d.id)}>{deviceLabel(d)}</option>)}
            </select>
          </Field>
          <Field label={t('rules.quantity')} name="threshold.quantity" errors={errors}>
            <select data-testid="rule-th-quantity" value={th.quantity} onChange={(e) => setTh({ quantity: e.currentTarget.value })}>
              <option value="">{t('rules.choose')}</option>
              {measures.map((m) => <option key={m.key} value={m.key}>{m.label}{m.unit ? ` (${m.unit})` : ''}</option>)}
            </select>
          </Field>
          <Field label={t('rules.direction')} name="threshold.direction" errors={errors}>
            <select data-testid="rule-th-direction" value={th.direction} onChange={(e) => setTh({ direction: e.currentTarget.value as Threshold['direction'] })}>
              <option value="above">{t('rules.above')}</option>
              <option value="below">{t('rules.below')}</option>
            </select>
          </Field>
          <Field label={`${t('rules.value')}${unit ? ` (${unit})` : ''}`} name="threshold.value" errors={errors}>
            <input inputMode="decimal" data-testid="rule-th-value" value={th.value} onInput={(e) => setTh({ value: e.currentTarget.value })} />
          </Field>
          <Field label={t('rules.forS')} name="threshold.forS" errors={errors}>
            <input inputMode="numeric" data-testid="rule-th-for" value={th.forS} onInput={(e) => setTh({ forS: e.currentTarget.value })} />
          </Field>
          {errors.threshold ? <span class="field-error" role="alert">{errors.threshold.join(' ')}</span> : null}
        </fieldset>
      ) : null}
      <fieldset data-field="deviceIds">
        <legend>{t('rules.devices')}</legend>
        <p class="muted">{t('rules.allDevices')}</p>
        {devices.map((d) => (
          <Check key={d.id} label={deviceLabel(d)} checked={v.value.deviceIds.includes(d.id)} testid={`rule-device-${d.id}`} onChange={(on) => set({ deviceIds: toggle(v.value.deviceIds, d.id, on) })} />
        ))}
      </fieldset>
      <Check label={t('rules.sendEmail')} checked={v.value.email.enabled} testid="rule-email" onChange={(on) => set({ email: { ...v.value.email, enabled: on } })} />
      {v.value.email.enabled ? (
        <>
          <Field label={t('rules.recipients')} name="email.recipients" errors={errors}>
            <input data-testid="rule-recipients" value={v.value.email.recipients} onInput={(e) => set({ email: { ...v.value.email, recipients: e.currentTarget.value } })} />
          </Field>
          <Field label={t('rules.subject')} name="email.subject" errors={errors}>
            <input data-testid="rule-subject" value={v.value.email.subject} onInput={(e) => set({ email: { ...v.value.email, subject: e.currentTarget.value } })} />
          </Field>
        </>
      ) : null}
      <Check label={t('rules.sendTelegram')} checked={v.value.telegram} testid="rule-telegram" onChange={(on) => set({ telegram: on })} />
      <FormMessage action={save} shown={['name', 'events', 'threshold', 'threshold.deviceId', 'threshold.quantity', 'threshold.value', 'threshold.forS', 'email.recipients', 'email.subject']} />
      <div class="buttons">
        <button type="button" onClick={onDone}>{t('rules.cancel')}</button>
        <button type="submit" class="primary-inline" data-testid="rule-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}
// #endregion

// #region Automatic reports (NOTE-3)
type ReportDraft = Omit<AutoReportInput, 'enabled' | 'deviceIds' | 'language'> & { enabled: boolean; deviceIds: number[]; language: 'en' | 'fr' };
const emptyReport = (): ReportDraft => ({ name: '', enabled: true, kind: 'summary', period: 'monthly', format: 'pdf', delivery: 'monthly', deviceIds: [], recipients: '', language: 'en' });

export function AutoReportsPage() {
  const reports = useData(() => call('GET /api/notify/reports'));
  const devices = useData(() => call('GET /api/devices'));
  const editing = useSignal<string | 'new' | null>(null);
  const message = useSignal<string | null>(null);
  const ready = reports.value && devices.value;
  const metering = (devices.value ?? []).filter((d) => d.family !== 'breaker' && d.family !== 'rcd');
  return (
    <Page id="settings-autoreports-page" title={t('settings.autoreports')} back={{ href: '#/settings' }}>
      {reports.error ? <p class="error" role="alert">{reports.error}</p> : null}
      <p class="muted">{t('ar.coverNote')}</p>
      {message.value ? <p class="ok-msg" role="status" data-testid="ar-message">{message.value}</p> : null}
      {!ready ? (reports.error ? null : <p class="muted">{t('common.loading')}</p>) : (
        <>
          {reports.value!.length === 0 ? <p class="muted" data-testid="ar-none">{t('ar.none')}</p> : null}
          {reports.value!.map((r) => (editing.value === r.id
            ? <ReportForm key={r.id} id={r.id} initial={{ ...r }} devices={metering} onDone={() => { editing.value = null; reports.reload(); }} />
            : <ReportCard key={r.id} r={r} onEdit={() => { editing.value = r.id; }} onChanged={(m) => { message.value = m; reports.reload(); }} />))}
          {editing.value === 'new'
            ? <ReportForm id={null} initial={emptyReport()} devices={metering} onDone={() => { editing.value = null; reports.reload(); }} />
            : <div class="buttons"><button type="button" class="primary-inline" data-testid="ar-new" onClick={() => { editing.value = 'new'; }}>{t('ar.new')}</button></div>}
        </>
      )}
    </Page>
  );
}

function ReportCard({ r, onEdit, onChanged }: { r: AutoReport; onEdit: () => void; onChanged: (message: string | null) => void }) {
  const busy = useSignal(false);
  return (
    <section class="card" data-testid="ar" data-report={r.id}>
      <div class="toolbar">
        <h2>{r.name}{r.enabled ? '' : ` (${t('cfg.off')})`}</h2>
        <div class="buttons">
          <button type="button" data-testid="ar-send" disabled={busy.value} onClick={() => {
            busy.value = true;
            void call('POST /api/notify/reports/:id/send', { params: { id: r.id } }).then(() => onChanged(t('ar.queued')), (e: unknown) => onChanged(problemOf(e).message)).finally(() => { busy.value = false; });
          }}>{t('ar.sendNow')}</button>
          <button type="button" data-testid="ar-edit" onClick={onEdit}>{t('rules.edit')}</button>
          <button type="button" class="danger" data-testid="ar-delete" onClick={() => { void call('DELETE /api/notify/reports/:id', { params: { id: r.id } }).then(() => onChanged(null)); }}>{t('rules.delete')}</button>
        </div>
      </div>
      <p>{t(`ar.kind.${r.kind}` as MessageKey)} · {t(`ar.period.${r.period}` as MessageKey)} · {r.format.toUpperCase()} · {t(`ar.delivery.${r.delivery}` as MessageKey)}</p>
      <p class="muted">{r.recipients}</p>
      <p class="muted">{r.lastDeliveredAt ? `${t('ar.last')} ${formatDateTime(r.lastDeliveredAt)} · ` : ''}{t('ar.next')} {formatDateTime(r.nextAt)}</p>
      {r.lastError ? <p class="banner error" role="alert">{r.lastError}</p> : null}
    </section>
  );
}

function ReportForm({ id, initial, devices, onDone }: { id: string | null; initial: ReportDraft; devices: DeviceSummary[]; onDone: () => void }) {
  const v = useSignal<ReportDraft>({ name: initial.name, enabled: initial.enabled, kind: initial.kind, period: initial.period, format: initial.format, delivery: initial.delivery, deviceIds: initial.deviceIds, recipients: initial.recipients, language: initial.language });
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<ReportDraft>) => { v.value = { ...v.value, ...patch }; };
  const choice = <K extends 'kind' | 'period' | 'format' | 'delivery'>(k: K, options: readonly ReportDraft[K][], label: (o: ReportDraft[K]) => string) => (
    <Field label={t(`ar.${k}` as MessageKey)} name={k} errors={errors}>
      <select data-testid={`ar-${k}`} value={v.value[k]} onChange={(e) => set({ [k]: e.currentTarget.value } as Partial<ReportDraft>)}>
        {options.map((o) => <option key={o} value={o}>{label(o)}</option>)}
      </select>
    </Field>
  );
  return (
    <form class="card form" data-testid="ar-form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void save.run(async () => {
        const body: AutoReportInput = { ...v.value, deviceIds: v.value.kind === 'detailed' ? v.value.deviceIds : [] };
        if (id) await call('PUT /api/notify/reports/:id', { params: { id }, body }); else await call('POST /api/notify/reports', { body });
        onDone();
        return t('cfg.saved');
      });
    }}>
      <Field label={t('ar.name')} name="name" errors={errors}>
        <input data-testid="ar-name" value={v.value.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Check label={t('rules.enabled')} checked={v.value.enabled} testid="ar-enabled" onChange={(on) => set({ enabled: on })} />
      {choice('kind', AUTO_REPORT_KINDS, (o) => t(`ar.kind.${o}` as MessageKey))}
      {v.value.kind === 'detailed' ? (
        <fieldset data-field="deviceIds">
          <legend>{t('ar.devices')}</legend>
          <button type="button" data-testid="ar-select-all" onClick={() => set({ deviceIds: devices.map((d) => d.id) })}>{t('ar.selectAll')}</button>
          {devices.map((d) => (
            <Check key={d.id} label={deviceLabel(d)} checked={v.value.deviceIds.includes(d.id)} testid={`ar-device-${d.id}`}
              onChange={(on) => set({ deviceIds: on ? [...v.value.deviceIds.filter((x) => x !== d.id), d.id] : v.value.deviceIds.filter((x) => x !== d.id) })} />
          ))}
          {errors.deviceIds ? <span class="field-error" role="alert">{errors.deviceIds.join(' ')}</span> : null}
        </fieldset>
      ) : null}
      {choice('period', AUTO_REPORT_PERIODS, (o) => t(`ar.period.${o}` as MessageKey))}
      {choice('format', AUTO_REPORT_FORMATS, (o) => o.toUpperCase())}
      {choice('delivery', AUTO_REPORT_DELIVERIES, (o) => t(`ar.delivery.${o}` as MessageKey))}
      <Field label={t('ar.language')} name="language" errors={errors}>
        <select data-testid="ar-language" value={v.value.language} onChange={(e) => set({ language: e.currentTarget.value as 'en' | 'fr' })}>
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
      </Field>
      <Field label={t('ar.recipients')} name="recipients" errors={errors}>
        <input data-testid="ar-recipients" value={v.value.recipients} onInput={(e) => set({ recipients: e.currentTarget.value })} />
      </Field>
      <FormMessage action={save} shown={['name', 'kind', 'period', 'format', 'delivery', 'language', 'recipients', 'deviceIds']} />
      <div class="buttons">
        <button type="button" onClick={onDone}>{t('rules.cancel')}</button>
        <button type="submit" class="primary-inline" data-testid="ar-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}
// #endregion
