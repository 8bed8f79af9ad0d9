/**
 * Web server configuration (SPEC §13): menu, Network (SYS-1), Modbus settings (BUS-2), Date and
 * time (SYS-2), CSV and other settings (STO-1, HIST-1, SYS-3) and Edition (BUS-6). Each form
 * loads the current values, saves them whole and shows the daemon's field messages.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { BAUD_RATES, EDITIONS, EDITION_LIMITS, SAMPLE_RATES_MIN, type CsvSettings, type Edition, type ModbusSettings, holdsRight } from '@ews/shared';
import { api } from '../api';
import type { MetricsSettingsAnswer, MqttSettingsAnswer, NetworkAnswer, TimeAnswer } from '@ews/shared';
import { Check, Field, FormMessage, num, problemOf, useAction, type Action } from '../components/form';
import { Page } from '../components/layout';
import { t, formatDateTime, type MessageKey } from '../i18n';
import { BOX_SECTIONS, SETTINGS_SECTIONS, type SettingsSection } from '../state/router';
import { sessionModel } from '../state/session';
import { EmailSettingsPage } from './email';
import { AlertRulesPage, AutoReportsPage, TelegramPage } from './notify';

/** SYS-3: the 13 languages, each named in itself. */
export const LANGUAGE_NAMES: Array<[string, string]> = [
  ['zh', '中文'], ['de', 'Deutsch'], ['en', 'English'], ['es', 'Español'], ['fr', 'Français'], ['fr-BE', 'Français (Belgique)'],
  ['el', 'Ελληνικά'], ['it', 'Italiano'], ['nl-BE', 'Nederlands (België)'], ['nl', 'Nederlands'], ['pl', 'Polski'],
  ['pt', 'Português'], ['ru', 'Русский'],
];

export function SettingsMenuPage() {
  const u = sessionModel.user.value;
  const users = u != null && holdsRight(u, 'users');
  const sections = u?.pages.includes('webServerConfig') ? SETTINGS_SECTIONS : [];
  return (
    <Page id="settings-page" title={t('page.webServerConfig')} back={{ href: '#/' }}>
      <nav class="menu">
        {sections.map((s) => (
          <a key={s} class="menu-item" href={`#/settings/${s}`} data-testid={`menu-${s}`}>
            <b>{t(`settings.${s}`)}</b><small class="muted">{t(`settings.${s}Hint`)}</small>
          </a>
        ))}
        {sections.length ? BOX_SECTIONS.map((s) => (
          <a key={s} class="menu-item" href={`#/settings/${s}`} data-testid={`menu-${s}`}>
            <b>{t(`box.${s}`)}</b><small class="muted">{t(`box.${s}Hint`)}</small>
          </a>
        )) : null}
        {users ? (
          <a class="menu-item" href="#/settings/users" data-testid="menu-users">
            <b>{t('settings.users')}</b><small class="muted">{t('settings.usersHint')}</small>
          </a>
        ) : null}
        {users ? (
          <a class="menu-item" href="#/settings/kiosk" data-testid="menu-kiosk">
            <b>{t('kioskSetup.title')}</b><small class="muted">{t('kioskSetup.hint')}</small>
          </a>
        ) : null}
      </nav>
    </Page>
  );
}

/** Loads the section's values, then shows its form. */
function useLoaded<T>(load: () => Promise<T>): { value: T | null; error: string | null; set: (v: T) => void } {
  const value = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => { load().then((v) => { value.value = v; }, (e) => { error.value = problemOf(e).message; }); }, []);
  return { value: value.value, error: error.value, set: (v) => { value.value = v; } };
}

function SettingsFrame({ section, children, loaded }: { section: SettingsSection; children: ComponentChildren; loaded: { value: unknown; error: string | null } }) {
  return (
    <Page id={`settings-${section}-page`} title={t(`settings.${section}`)} back={{ href: '#/settings' }}>
      {loaded.error ? <p class="error" role="alert">{loaded.error}</p> : null}
      {loaded.value === null ? (loaded.error ? null : <p class="muted">{t('common.loading')}</p>) : children}
    </Page>
  );
}

function SaveBar({ action, shown }: { action: Action; shown: string[] }) {
  return (
    <>
      <FormMessage action={action} shown={shown} />
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="settings-save" disabled={action.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </>
  );
}

export function SettingsPage({ section }: { section: SettingsSection }) {
  switch (section) {
    case 'network': return <NetworkSettingsPage />;
    case 'modbus': return <ModbusSettingsPage />;
    case 'time': return <TimeSettingsPage />;
    case 'csv': return <CsvSettingsPage />;
    case 'edition': return <EditionSettingsPage />;
    case 'integrations': return <IntegrationsPage />;
    case 'email': return <EmailSettingsPage />;
    case 'telegram': return <TelegramPage />;
    case 'alerts': return <AlertRulesPage />;
    case 'autoreports': return <AutoReportsPage />;
  }
}

// #region Network (SYS-1)
function NetworkSettingsPage() {
  const loaded = useLoaded(api.network);
  return (
    <SettingsFrame section="network" loaded={loaded}>
      {loaded.value ? <NetworkForm initial={loaded.value} /> : null}
    </SettingsFrame>
  );
}

function NetworkForm({ initial }: { initial: NetworkAnswer }) {
  const v = useSignal({ address: initial.address, netmask: initial.netmask, gateway: initial.gateway, dns: initial.dns });
  const newUrl = useSignal<string | null>(null);
  const save = useAction();
  const errors = save.errors();
  const field = (k: keyof typeof v.value, label: MessageKey) => (
    <Field label={t(label)} name={k} errors={errors}>
      <input data-testid={`network-${k}`} value={v.value[k]} inputMode="decimal" onInput={(e) => { v.value = { ...v.value, [k]: e.currentTarget.value.trim() }; }} />
    </Field>
  );
  return (
    <form
      class="card form" data-testid="network-form" noValidate
      onSubmit={(e) => { e.preventDefault(); void save.run(async () => { const r = await api.setNetwork(v.value); newUrl.value = r.newUrl ?? null; return t('cfg.saved'); }); }}
    >
      <p class="banner warn" data-testid="network-warning">{t('net.moveWarning')}</p>
      {field('address', 'net.address')}
      {field('netmask', 'net.netmask')}
      {field('gateway', 'net.gateway')}
      {field('dns', 'net.dns')}
      <SaveBar action={save} shown={['address', 'netmask', 'gateway', 'dns']} />
      {newUrl.value ? (
        <p class="banner warn" role="alert" data-testid="network-new-url">
          {t('net.moved')} <a href={newUrl.value}>{newUrl.value}</a>
        </p>
      ) : null}
    </form>
  );
}
// #endregion

// #region Modbus (BUS-2)
function ModbusSettingsPage() {
  const loaded = useLoaded(api.modbus);
  return (
    <SettingsFrame section="modbus" loaded={loaded}>
      {loaded.value ? <ModbusForm initial={loaded.value} /> : null}
    </SettingsFrame>
  );
}

function ModbusForm({ initial }: { initial: ModbusSettings }) {
  const v = useSignal({
    path: initial.path, baudRate: String(initial.baudRate), parity: initial.parity, stopBits: String(initial.stopBits),
    timeoutMs: String(initial.timeoutMs), retries: String(initial.retries), interFrameDelayMs: String(initial.interFrameDelayMs), tcpServer: initial.tcpServer,
    tcpPort: String(initial.tcpPort), tcpBind: initial.tcpBind, tcpAllow: initial.tcpAllow.join(', '), tcpMaxConnections: String(initial.tcpMaxConnections),
    tcpGatewayWrites: initial.tcpGatewayWrites,
  });
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<typeof v.value>) => { v.value = { ...v.value, ...patch }; };
  const x = v.value;
  return (
    <form
      class="card form" data-testid="modbus-form" noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          await api.setModbus({
            path: x.path.trim(), baudRate: Number(x.baudRate), parity: x.parity, stopBits: Number(x.stopBits) as 1 | 2,
            timeoutMs: num(x.timeoutMs) as number, retries: num(x.retries) as number, interFrameDelayMs: num(x.interFrameDelayMs) as number, tcpServer: x.tcpServer,
            tcpPort: num(x.tcpPort) as number, tcpBind: x.tcpBind.trim(), tcpAllow: x.tcpAllow.split(/[\s,;]+/).filter(Boolean),
            tcpMaxConnections: num(x.tcpMaxConnections) as number, tcpGatewayWrites: x.tcpGatewayWrites,
          });
          return t('modbus.saved');
        });
      }}
    >
      <Field label={t('modbus.path')} name="path" errors={errors} hint={t('modbus.pathHint')}>
        <input data-testid="modbus-path" value={x.path} onInput={(e) => set({ path: e.currentTarget.value })} />
      </Field>
      <div class="row">
        <Field label={t('modbus.baudRate')} name="baudRate" errors={errors}>
          <select data-testid="modbus-baud" value={x.baudRate} onChange={(e) => set({ baudRate: e.currentTarget.value })}>
            {BAUD_RATES.map((b) => <option key={b} value={String(b)}>{b}</option>)}
          </select>
        </Field>
        <Field label={t('modbus.parity')} name="parity" errors={errors}>
          <select data-testid="modbus-parity" value={x.parity} onChange={(e) => set({ parity: e.currentTarget.value as ModbusSettings['parity'] })}>
            <option value="none">{t('modbus.parity.none')}</option>
            <option value="even">{t('modbus.parity.even')}</option>
            <option value="odd">{t('modbus.parity.odd')}</option>
          </select>
        </Field>
        <Field label={t('modbus.stopBits')} name="stopBits" errors={errors}>
          <select data-testid="modbus-stopbits" value={x.stopBits} onChange={(e) => set({ stopBits: e.currentTarget.value })}>
            <option value="1">1</option><option value="2">2</option>
          </select>
        </Field>
      </div>
      <div class="row">
        <Field label={t('modbus.timeout')} name="timeoutMs" errors={errors} hint="ms" class="short">
          <input data-testid="modbus-timeout" value={x.timeoutMs} inputMode="numeric" onInput={(e) => set({ timeoutMs: e.currentTarget.value })} />
        </Field>
        <Field label={t('modbus.retries')} name="retries" errors={errors} hint="0–5" class="short">
          <input data-testid="modbus-retries" value={x.retries} inputMode="numeric" onInput={(e) => set({ retries: e.currentTarget.value })} />
        </Field>
        <Field label={t('modbus.interFrame')} name="interFrameDelayMs" errors={errors} hint="ms" class="short">
          <input data-testid="modbus-interframe" value={x.interFrameDelayMs} inputMode="decimal" onInput={(e) => set({ interFrameDelayMs: e.currentTarget.value })} />
        </Field>
      </div>
      <Check label={t('modbus.tcpServer')} checked={x.tcpServer} testid="modbus-tcpserver" name="tcpServer" errors={errors} onChange={(c) => set({ tcpServer: c })} />
      <p class="muted note-small">{t('modbus.tcpServerHint')}</p>
      {x.tcpServer ? (
        <fieldset class="group" data-testid="modbus-tcp">
          <div class="row">
            <Field label={t('modbus.tcpPort')} name="tcpPort" errors={errors} hint="502" class="short">
              <input data-testid="modbus-tcp-port" value={x.tcpPort} inputMode="numeric" onInput={(e) => set({ tcpPort: e.currentTarget.value })} />
            </Field>
            <Field label={t('modbus.tcpBind')} name="tcpBind" errors={errors} hint="0.0.0.0">
              <input data-testid="modbus-tcp-bind" value={x.tcpBind} inputMode="decimal" onInput={(e) => set({ tcpBind: e.currentTarget.value })} />
            </Field>
            <Field label={t('modbus.tcpMaxConnections')} name="tcpMaxConnections" errors={errors} hint="1–64" class="short">
              <input data-testid="modbus-tcp-max" value={x.tcpMaxConnections} inputMode="numeric" onInput={(e) => set({ tcpMaxConnections: e.currentTarget.value })} />
            </Field>
          </div>
          <Field label={t('modbus.tcpAllow')} name="tcpAllow" errors={errors} hint={t('modbus.tcpAllowHint')}>
            <input data-testid="modbus-tcp-allow" value={x.tcpAllow} placeholder="192.168.1.0/24" onInput={(e) => set({ tcpAllow: e.currentTarget.value })} />
          </Field>
          <Check label={t('modbus.tcpGatewayWrites')} checked={x.tcpGatewayWrites} testid="modbus-tcp-writes" name="tcpGatewayWrites" errors={errors} onChange={(c) => set({ tcpGatewayWrites: c })} />
          <p class="muted note-small">{t('modbus.tcpMapHint')}</p>
        </fieldset>
      ) : null}
      <SaveBar action={save} shown={['path', 'baudRate', 'parity', 'stopBits', 'timeoutMs', 'retries', 'interFrameDelayMs', 'tcpServer', 'tcpPort', 'tcpBind', 'tcpAllow', 'tcpMaxConnections', 'tcpGatewayWrites']} />
    </form>
  );
}
// #endregion

// #region Integrations: MQTT and Prometheus (BEY-2)
function IntegrationsPage() {
  const mqtt = useLoaded(api.mqtt);
  const metrics = useLoaded(api.metricsAccess);
  return (
    <SettingsFrame section="integrations" loaded={{ value: mqtt.value && metrics.value, error: mqtt.error ?? metrics.error }}>
      {mqtt.value ? <MqttForm initial={mqtt.value} /> : null}
      {metrics.value ? <MetricsForm initial={metrics.value} /> : null}
    </SettingsFrame>
  );
}

function MqttForm({ initial }: { initial: MqttSettingsAnswer }) {
  const v = useSignal({
    enabled: initial.enabled, host: initial.host, port: String(initial.port), tls: initial.tls, user: initial.user, password: '',
    baseTopic: initial.baseTopic, discovery: initial.discovery, discoveryPrefix: initial.discoveryPrefix,
  });
  const state = useSignal(initial);
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<typeof v.value>) => { v.value = { ...v.value, ...patch }; };
  const x = v.value;
  return (
    <form
      class="card form" data-testid="mqtt-form" noValidate autocomplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          state.value = await api.setMqtt({
            enabled: x.enabled, host: x.host.trim(), port: num(x.port) as number, tls: x.tls, user: x.user.trim(), baseTopic: x.baseTopic.trim(),
            discovery: x.discovery, discoveryPrefix: x.discoveryPrefix.trim(), ...(x.password ? { password: x.password } : {}),
          });
          set({ password: '' });
          return t('cfg.saved');
        });
      }}
    >
      <h2>{t('mqtt.title')}</h2>
      <p class="muted" data-testid="mqtt-state">{t(`mqtt.state.${state.value.state}` as MessageKey)}{state.value.lastError ? ` — ${state.value.lastError}` : ''}</p>
      <Check label={t('mqtt.enabled')} checked={x.enabled} testid="mqtt-enabled" name="enabled" errors={errors} onChange={(c) => set({ enabled: c })} />
      <div class="row">
        <Field label={t('mqtt.host')} name="host" errors={errors} class="grow">
          <input data-testid="mqtt-host" value={x.host} onInput={(e) => set({ host: e.currentTarget.value })} />
        </Field>
        <Field label={t('mqtt.port')} name="port" errors={errors} hint="1883, 8883" class="short">
          <input data-testid="mqtt-port" value={x.port} inputMode="numeric" onInput={(e) => set({ port: e.currentTarget.value })} />
        </Field>
      </div>
      <Check label={t('mqtt.tls')} checked={x.tls} testid="mqtt-tls" name="tls" errors={errors} onChange={(c) => set({ tls: c })} />
      <div class="row">
        <Field label={t('mqtt.user')} name="user" errors={errors}>
          <input data-testid="mqtt-user" value={x.user} onInput={(e) => set({ user: e.currentTarget.value })} />
        </Field>
        <Field label={t('mqtt.password')} name="password" errors={errors} hint={state.value.passwordSet ? t('mqtt.passwordSet') : undefined}>
          <input type="password" data-testid="mqtt-password" value={x.password} autocomplete="new-password" onInput={(e) => set({ password: e.currentTarget.value })} />
        </Field>
      </div>
      <Field label={t('mqtt.baseTopic')} name="baseTopic" errors={errors} hint="ews">
        <input data-testid="mqtt-base-topic" value={x.baseTopic} onInput={(e) => set({ baseTopic: e.currentTarget.value })} />
      </Field>
      <Check label={t('mqtt.discovery')} checked={x.discovery} testid="mqtt-discovery" name="discovery" errors={errors} onChange={(c) => set({ discovery: c })} />
      <SaveBar action={save} shown={['enabled', 'host', 'port', 'tls', 'user', 'password', 'baseTopic', 'discovery', 'discoveryPrefix']} />
    </form>
  );
}

function MetricsForm({ initial }: { initial: MetricsSettingsAnswer }) {
  const v = useSignal({ open: initial.open, token: '' });
  const tokenSet = useSignal(initial.tokenSet);
  const save = useAction();
  const errors = save.errors();
  const x = v.value;
  return (
    <form
      class="card form" data-testid="metrics-form" noValidate autocomplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          const r = await api.setMetricsAccess({ open: x.open, ...(x.token ? { token: x.token } : {}) });
          tokenSet.value = r.tokenSet;
          v.value = { ...v.value, token: '' };
          return t('cfg.saved');
        });
      }}
    >
      <h2>{t('metrics.title')}</h2>
      <p class="muted note-small">{t('metrics.hint')}</p>
      <Check label={t('metrics.open')} checked={x.open} testid="metrics-open" name="open" errors={errors} onChange={(c) => { v.value = { ...v.value, open: c }; }} />
      <Field label={t('metrics.token')} name="token" errors={errors} hint={tokenSet.value ? t('metrics.tokenSet') : t('metrics.tokenHint')}>
        <input type="password" data-testid="metrics-token" value={x.token} autocomplete="new-password" onInput={(e) => { v.value = { ...v.value, token: e.currentTarget.value }; }} />
      </Field>
      <SaveBar action={save} shown={['open', 'token']} />
    </form>
  );
}
// #endregion

// #region Date and time (SYS-2)
function timeZones(current: string): string[] | null {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  if (typeof intl.supportedValuesOf !== 'function') return null;
  try {
    const list = intl.supportedValuesOf('timeZone');
    const all = list.includes('UTC') ? list : ['UTC', ...list];
    return all.includes(current) ? all : [current, ...all];
  } catch {
    return null;
  }
}

/** "2024-05-01T10:30" for a datetime-local input, in the browser's time. */
function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function TimeSettingsPage() {
  const loaded = useLoaded(api.time);
  return (
    <SettingsFrame section="time" loaded={loaded}>
      {loaded.value ? <TimeForm initial={loaded.value} /> : null}
    </SettingsFrame>
  );
}

function TimeForm({ initial }: { initial: TimeAnswer }) {
  const v = useSignal({ timezone: initial.timezone, ntpEnabled: initial.ntpEnabled, ntpServer: initial.ntpServer, dateTime: '' });
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<typeof v.value>) => { v.value = { ...v.value, ...patch }; };
  const x = v.value;
  const zones = timeZones(x.timezone);
  return (
    <form
      class="card form" data-testid="time-form" noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          const manual = !x.ntpEnabled && x.dateTime ? { dateTime: `${x.dateTime}:00` } : {};
          await api.setTime({ timezone: x.timezone, ntpEnabled: x.ntpEnabled, ntpServer: x.ntpServer.trim(), ...manual });
          return t('cfg.saved');
        });
      }}
    >
      {initial.now ? <p class="muted" data-testid="time-now">{t('time.now', { time: formatDateTime(initial.now) })}</p> : null}
      <Field label={t('time.timezone')} name="timezone" errors={errors}>
        {zones ? (
          <select data-testid="time-timezone" value={x.timezone} onChange={(e) => set({ timezone: e.currentTarget.value })}>
            {zones.map((z) => <option key={z} value={z}>{z.replace(/_/g, ' ')}</option>)}
          </select>
        ) : (
          <input data-testid="time-timezone" value={x.timezone} placeholder="Europe/Paris" onInput={(e) => set({ timezone: e.currentTarget.value.trim() })} />
        )}
      </Field>
      <Check label={t('time.ntp')} checked={x.ntpEnabled} testid="time-ntp" name="ntpEnabled" errors={errors} onChange={(c) => set({ ntpEnabled: c })} />
      {x.ntpEnabled ? (
        <Field label={t('time.ntpServer')} name="ntpServer" errors={errors} hint="0.europe.pool.ntp.org">
          <input data-testid="time-ntp-server" value={x.ntpServer} onInput={(e) => set({ ntpServer: e.currentTarget.value })} />
        </Field>
      ) : (
        <Field label={t('time.manual')} name="dateTime" errors={errors} hint={t('time.manualHint')}>
          <input
            type="datetime-local" data-testid="time-datetime" value={x.dateTime} placeholder={localInputValue(new Date())}
            onInput={(e) => set({ dateTime: e.currentTarget.value })}
          />
        </Field>
      )}
      <SaveBar action={save} shown={['timezone', 'ntpEnabled', 'ntpServer', 'dateTime']} />
    </form>
  );
}
// #endregion

// #region CSV and other settings (STO-1, HIST-1, SYS-3)
function CsvSettingsPage() {
  const loaded = useLoaded(api.csv);
  return (
    <SettingsFrame section="csv" loaded={loaded}>
      {loaded.value ? <CsvForm initial={loaded.value} onSaved={loaded.set} /> : null}
    </SettingsFrame>
  );
}

function CsvForm({ initial, onSaved }: { initial: CsvSettings; onSaved: (c: CsvSettings) => void }) {
  const v = useSignal({
    decimalSeparator: initial.decimalSeparator, fieldSeparator: initial.fieldSeparator, folderPassword: '',
    sampleRateMin: String(initial.sampleRateMin), defaultLanguage: initial.defaultLanguage as string,
  });
  const passwordSet = useSignal(initial.folderPasswordSet);
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<typeof v.value>) => { v.value = { ...v.value, ...patch }; };
  const x = v.value;
  return (
    <form
      class="card form" data-testid="csv-form" noValidate autocomplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          const r = await api.setCsv({
            decimalSeparator: x.decimalSeparator, fieldSeparator: x.fieldSeparator, sampleRateMin: Number(x.sampleRateMin),
            defaultLanguage: x.defaultLanguage as CsvSettings['defaultLanguage'], ...(x.folderPassword ? { folderPassword: x.folderPassword } : {}),
          });
          passwordSet.value = r.folderPasswordSet;
          set({ folderPassword: '' });
          onSaved(r);
          return t('cfg.saved');
        });
      }}
    >
      <div class="row">
        <Field label={t('csv.decimal')} name="decimalSeparator" errors={errors}>
          <select data-testid="csv-decimal" value={x.decimalSeparator} onChange={(e) => set({ decimalSeparator: e.currentTarget.value as ',' | '.' })}>
            <option value=",">{t('csv.comma')} ( , )</option><option value=".">{t('csv.dot')} ( . )</option>
          </select>
        </Field>
        <Field label={t('csv.field')} name="fieldSeparator" errors={errors}>
          <select data-testid="csv-field" value={x.fieldSeparator} onChange={(e) => set({ fieldSeparator: e.currentTarget.value as ',' | ';' })}>
            <option value=";">{t('csv.semicolon')} ( ; )</option><option value=",">{t('csv.comma')} ( , )</option>
          </select>
        </Field>
      </div>
      <Field label={t('csv.sampleRate')} name="sampleRateMin" errors={errors} hint={t('csv.sampleRateHint')}>
        <select data-testid="csv-sample-rate" value={x.sampleRateMin} onChange={(e) => set({ sampleRateMin: e.currentTarget.value })}>
          {SAMPLE_RATES_MIN.map((m) => <option key={m} value={String(m)}>{t('csv.minutes', { n: m })}</option>)}
        </select>
      </Field>
      <Field label={t('csv.language')} name="defaultLanguage" errors={errors}>
        <select data-testid="csv-language" value={x.defaultLanguage} onChange={(e) => set({ defaultLanguage: e.currentTarget.value })}>
          {LANGUAGE_NAMES.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
        </select>
      </Field>
      <Field label={t('csv.password')} name="folderPassword" errors={errors} hint={passwordSet.value ? t('csv.passwordSet') : t('csv.passwordNotSet')}>
        <input
          type="password" data-testid="csv-password" value={x.folderPassword} autocomplete="new-password"
          placeholder={passwordSet.value ? '••••••••' : ''} onInput={(e) => set({ folderPassword: e.currentTarget.value })}
        />
      </Field>
      <SaveBar action={save} shown={['decimalSeparator', 'fieldSeparator', 'sampleRateMin', 'defaultLanguage', 'folderPassword']} />
    </form>
  );
}
// #endregion

// #region Edition (BUS-6)
function EditionSettingsPage() {
  const loaded = useLoaded(api.edition);
  return (
    <SettingsFrame section="edition" loaded={loaded}>
      {loaded.value ? <EditionForm initial={loaded.value.edition} /> : null}
    </SettingsFrame>
  );
}

function EditionForm({ initial }: { initial: Edition }) {
  const v = useSignal<Edition>(initial);
  const save = useAction();
  return (
    <form
      class="card form" data-testid="edition-form" noValidate
      onSubmit={(e) => { e.preventDefault(); void save.run(async () => { await api.setEdition(v.value); return t('cfg.saved'); }); }}
    >
      <fieldset class="group" data-field="edition">
        <legend>{t('settings.edition')}</legend>
        {EDITIONS.map((ed) => (
          <label key={ed} class="check">
            <input type="radio" name="edition" value={ed} checked={v.value === ed} data-testid={`edition-${ed}`} onChange={() => { v.value = ed; }} />
            <span><b>{ed}</b> — {t('edition.limits', { devices: EDITION_LIMITS[ed].devices, perGateway: EDITION_LIMITS[ed].perGateway })}</span>
          </label>
        ))}
      </fieldset>
      <SaveBar action={save} shown={['edition']} />
    </form>
  );
}
// #endregion
