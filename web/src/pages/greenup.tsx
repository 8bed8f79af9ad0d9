/**
 * Green'Up (EV-1…6) for the greenUp user: a live view of the zone and the per-phase currents
 * against the thresholds (refreshed every second), the stations with their charge state and a
 * priority mark (filters by priority and by group), Management (Start/Wait, Normal/Priority for
 * the current charge), Details (Station, Charge, About, errors, EV plug / domestic plug
 * commands), Priority stations, the management configuration, the decision log and the
 * charging sessions.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ChargingSession, Decision, DeviceSummary, GreenupSettings, GreenupStatus, Group, StationStatus } from '@ews/shared';
import { call } from '../api/client';
import { Page } from '../components/layout';
import { Field, FormMessage, num, useAction } from '../components/form';
import { t, type MessageKey } from '../i18n';

export const GREENUP_TABS = ['live', 'management', 'details', 'priorities', 'settings', 'decisions', 'sessions'] as const;
export type GreenupTab = (typeof GREENUP_TABS)[number];

const secs = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));
const amps = (a: number | null | undefined) => (a === null || a === undefined ? '–' : a.toFixed(1));
const timeOf = (ms: number) => new Date(ms).toLocaleString();

/** Polls `fn` every `everyMs` while mounted. */
function usePoll<T>(fn: () => Promise<T>, everyMs: number, deps: unknown[] = []) {
  const data = useSignal<T | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try { const v = await fn(); if (alive) { data.value = v; error.value = null; } } catch (e) { if (alive) error.value = e instanceof Error ? e.message : String(e); }
      if (alive) timer = setTimeout(() => { void tick(); }, everyMs);
    };
    void tick();
    return () => { alive = false; if (timer) clearTimeout(timer); };
  }, deps);
  return { data, error, refresh: async () => { data.value = await fn(); } };
}

function ZoneBadge({ zone }: { zone: GreenupStatus['zone'] }) {
  return <span class={`gu-zone gu-${zone}`} id="greenup-zone" data-zone={zone}>{t('gu.zone')} {t(`gu.zone.${zone}`)}</span>;
}

function PhaseBars({ s }: { s: GreenupStatus }) {
  const scale = Math.max(s.maxCurrentA * 1.2, ...(['L1', 'L2', 'L3'] as const).map((p) => s.perPhase[p].currentA ?? 0));
  const pct = (a: number) => `${Math.min(100, (a / scale) * 100).toFixed(1)}%`;
  return (
    <div class="gu-phases" data-testid="greenup-phases">
      {(['L1', 'L2', 'L3'] as const).map((p) => {
        const ph = s.perPhase[p];
        return (
          <div key={p} class="gu-phase" data-phase={p} data-zone={ph.zone}>
            <b>{p}</b>
            <div class="gu-bar">
              <div class={`gu-fill gu-${ph.zone}`} style={{ width: pct(ph.currentA ?? 0) }} />
              <div class="gu-mark gu-mark-green" style={{ left: pct(s.maxChargingCurrentA) }} title={`${s.maxChargingCurrentA} A`} />
              <div class="gu-mark gu-mark-red" style={{ left: pct(s.maxCurrentA) }} title={`${s.maxCurrentA} A`} />
            </div>
            <span class="gu-amps" data-testid={`phase-${p}`}>{amps(ph.currentA)} A</span>
          </div>
        );
      })}
      <small class="muted">{t('gu.thresholds', { green: s.maxChargingCurrentA, red: s.maxCurrentA })}</small>
    </div>
  );
}

function StationButton({ st, selected, onSelect }: { st: StationStatus; selected: boolean; onSelect: () => void }) {
  const status = !st.online ? 'error' : st.stationError && st.stationError !== 'none' ? 'error' : 'on';
  return (
    <button type="button" class={`device-button gu-station${selected ? ' selected' : ''}`} data-testid="gu-station" data-device-id={st.deviceId}
      data-state={st.state} data-charge={st.chargeState} onClick={onSelect}>
      <span class="gu-addr">{st.address}{st.side ? `-${st.side}` : ''}</span>
      <b>{st.name}</b>
      {st.priority === 'priority' ? <span class="gu-prio" title={t('gu.priority.priority')} data-testid="gu-priority-mark">1</span> : null}
      <span class={`status-pill status-${status}`}>{status === 'on' ? t(`gu.state.${st.state}` as MessageKey) : t('gu.onlineNo')}</span>
      <small class="muted">{amps(st.currentA)} A / {amps(st.setpointA)} A</small>
    </button>
  );
}

export function GreenupPage({ tab }: { tab: GreenupTab }) {
  const status = usePoll(() => call('GET /api/greenup/status'), 1000);
  const groups = useSignal<Group[]>([]);
  const devices = useSignal<DeviceSummary[]>([]);
  const prioFilter = useSignal<'all' | 'priority' | 'normal'>('all');
  const groupFilter = useSignal('all');
  const selected = useSignal<number | null>(null);
  useEffect(() => {
    void call('GET /api/groups').then((g) => { groups.value = g; }).catch(() => undefined);
    void call('GET /api/devices').then((d) => { devices.value = d; }).catch(() => undefined);
  }, []);
  const s = status.data.value;
  const stations = (s?.stations ?? []).filter((x) => (prioFilter.value === 'all' || x.priority === prioFilter.value)
    && (groupFilter.value === 'all' || devices.value.find((d) => d.id === x.deviceId)?.groupIds.includes(groupFilter.value)));
  const current = s?.stations.find((x) => x.deviceId === selected.value);
  const showList = tab === 'live' || tab === 'management' || tab === 'details';

  return (
    <Page id="greenup-page" title={t('page.greenUp')} back={{ href: '#/' }} wide>
      <nav class="tabs" role="tablist" data-testid="greenup-tabs">
        {GREENUP_TABS.map((k) => (
          <a key={k} href={`#/greenup/${k}`} role="tab" class={k === tab ? 'tab active' : 'tab'} aria-selected={k === tab} data-tab={k}>{t(`gu.tab.${k}`)}</a>
        ))}
      </nav>
      {status.error.value && !s ? <p class="error">{t('common.error', { message: status.error.value })}</p> : null}
      {s ? (
        <div class="gu-head">
          <ZoneBadge zone={s.zone} />
          <span class="muted" id="greenup-meter-age">{t('gu.meterAge', { age: secs(s.meterAgeMs) })}</span>
          {s.failSafe ? <p class="error" id="greenup-failsafe">{t('gu.failSafe', { age: secs(s.meterAgeMs) })}</p> : null}
          {!s.enabled ? <p class="muted" id="greenup-off">{t('gu.off')}</p> : null}
        </div>
      ) : null}
      {s && tab === 'live' ? <PhaseBars s={s} /> : null}
      {s && showList ? (
        <div class="gu-split">
          <section class="gu-list">
            <div class="filters">
              <label class="field inline"><span>{t('gu.filterPriority')}</span>
                <select data-testid="gu-filter-priority" value={prioFilter.value} onChange={(e) => { prioFilter.value = e.currentTarget.value as typeof prioFilter.value; }}>
                  <option value="all">{t('gu.all')}</option>
                  <option value="priority">{t('gu.priority.priority')}</option>
                  <option value="normal">{t('gu.priority.normal')}</option>
                </select>
              </label>
              <label class="field inline"><span>{t('gu.filterGroup')}</span>
                <select data-testid="gu-filter-group" value={groupFilter.value} onChange={(e) => { groupFilter.value = e.currentTarget.value; }}>
                  <option value="all">{t('gu.allDevices')}</option>
                  {groups.value.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
                </select>
              </label>
            </div>
            {s.stations.length === 0 ? <p class="muted">{t('gu.noStations')}</p> : null}
            <div class="devices" id="gu-stations">
              {stations.map((x) => <StationButton key={x.deviceId} st={x} selected={x.deviceId === selected.value} onSelect={() => { selected.value = x.deviceId; }} />)}
            </div>
          </section>
          <section class="gu-detail">
            {tab === 'live' ? null : !current ? <p class="muted">{t('gu.select')}</p>
              : tab === 'management' ? <Management st={current} onChange={status.refresh} /> : <Details st={current} onChange={status.refresh} />}
          </section>
        </div>
      ) : null}
      {s && tab === 'priorities' ? <Priorities s={s} /> : null}
      {tab === 'settings' ? <SettingsForm stations={s?.stations ?? []} devices={devices.value} /> : null}
      {tab === 'decisions' ? <Decisions names={new Map((s?.stations ?? []).map((x) => [x.deviceId, x.name]))} /> : null}
      {tab === 'sessions' ? <Sessions names={new Map((s?.stations ?? []).map((x) => [x.deviceId, x.name]))} /> : null}
    </Page>
  );
}

function Management({ st, onChange }: { st: StationStatus; onChange: () => Promise<void> }) {
  const action = useAction();
  const set = (body: { start?: 'start' | 'wait'; priority?: 'normal' | 'priority' }) => action.run(async () => {
    await call('PUT /api/greenup/overrides/:deviceId', { params: { deviceId: st.deviceId }, body });
    await onChange();
    return t('gu.saved');
  });
  const startNow = st.override.start ?? (st.state === 'held' ? 'wait' : 'start');
  return (
    <div class="measure-section" data-testid="gu-management">
      <h2>{st.name} — {t('gu.currentProcess')}</h2>
      <p>{t(`gu.state.${st.state}` as MessageKey)} · {amps(st.currentA)} A</p>
      <div class="buttons">
        <button type="button" data-testid="gu-start" class={startNow === 'start' ? 'primary' : ''} disabled={action.state.value.busy} onClick={() => { void set({ start: 'start' }); }}>{t('gu.start')}</button>
        <button type="button" data-testid="gu-wait" class={startNow === 'wait' ? 'primary' : ''} disabled={action.state.value.busy} onClick={() => { void set({ start: 'wait' }); }}>{t('gu.wait')}</button>
      </div>
      <div class="buttons">
        <button type="button" data-testid="gu-normal" class={st.priority === 'normal' ? 'primary' : ''} onClick={() => { void set({ priority: 'normal' }); }}>{t('gu.priority.normal')}</button>
        <button type="button" data-testid="gu-prio" class={st.priority === 'priority' ? 'primary' : ''} onClick={() => { void set({ priority: 'priority' }); }}>{t('gu.priority.priority')}</button>
      </div>
      <p class="muted">{t('gu.overrideNote')}</p>
      <FormMessage action={action} />
    </div>
  );
}

function Row({ k, v, id }: { k: string; v: string; id?: string }) {
  return <tr><th scope="row">{k}</th><td data-testid={id}>{v}</td></tr>;
}

function Details({ st, onChange }: { st: StationStatus; onChange: () => Promise<void> }) {
  const action = useAction();
  const command = (body: { evPlug?: boolean; domesticPlug?: boolean }) => action.run(async () => {
    await call('POST /api/greenup/stations/:deviceId/commands', { params: { deviceId: st.deviceId }, body });
    await onChange();
    return t('gu.saved');
  });
  const onOff = (b: boolean | null) => (b === null ? '–' : b ? t('gu.enabled') : t('gu.disabled'));
  return (
    <div data-testid="gu-details">
      <div class="measure-section"><h2>{t('gu.section.station')}</h2><table class="measures"><tbody>
        <Row k={t('gu.online')} v={st.online ? t('gu.onlineYes', { age: secs(st.ageMs) }) : t('gu.onlineNo')} />
        <Row k={t('gu.stationState')} v={st.stationState ?? '–'} id="gu-station-state" />
        <Row k={t('gu.managed')} v={st.managed ? '✓' : '✗'} />
        <Row k={t('gu.phases')} v={st.phases.join(' ')} />
      </tbody></table></div>
      <div class="measure-section"><h2>{t('gu.section.charge')}</h2><table class="measures"><tbody>
        <Row k={t('gu.chargeState')} v={st.chargeState} id="gu-charge-state" />
        <Row k={t('gu.setpoint')} v={`${amps(st.setpointA)} A (${t(`gu.state.${st.state}` as MessageKey)})`} />
        <Row k={t('gu.current')} v={`${amps(st.currentA)} A`} />
        <Row k={t('gu.ah')} v={`${st.ahDelivered.toFixed(2)} Ah`} />
        <Row k={t('gu.energy')} v={`${(st.energyWh / 1000).toFixed(2)} kWh`} />
      </tbody></table></div>
      <div class="measure-section"><h2>{t('gu.section.about')}</h2><table class="measures"><tbody>
        <Row k={t('gu.rated')} v={`${st.ratedCurrentA} A`} />
        <Row k={t('gu.firmware')} v={st.firmwareVersion === null ? '–' : st.firmwareVersion.toFixed(2)} />
        <Row k={t('gu.hardware')} v={st.hardwareVersion === null ? '–' : String(st.hardwareVersion)} />
      </tbody></table></div>
      <div class="measure-section"><h2>{t('gu.section.errors')}</h2><table class="measures"><tbody>
        <Row k={t('gu.stationError')} v={st.stationError ?? '–'} id="gu-station-error" />
        <Row k={t('gu.chargeError')} v={st.chargeError ?? '–'} id="gu-charge-error" />
      </tbody></table></div>
      <div class="measure-section"><h2>{t('gu.section.commands')}</h2>
        <p>{t('gu.evPlug')}: <b data-testid="gu-evplug">{onOff(st.evPlug)}</b>{' '}
          <button type="button" data-testid="gu-evplug-toggle" onClick={() => { void command({ evPlug: !st.evPlug }); }}>{st.evPlug ? t('gu.disable') : t('gu.enable')}</button></p>
        {st.domesticPlug !== null ? (
          <p>{t('gu.domesticPlug')}: <b data-testid="gu-domestic">{onOff(st.domesticPlug)}</b>{' '}
            <button type="button" data-testid="gu-domestic-toggle" onClick={() => { void command({ domesticPlug: !st.domesticPlug }); }}>{st.domesticPlug ? t('gu.disable') : t('gu.enable')}</button></p>
        ) : null}
        <FormMessage action={action} />
      </div>
    </div>
  );
}

function Priorities({ s }: { s: GreenupStatus }) {
  const action = useAction();
  const toggle = (deviceId: number, priority: 'normal' | 'priority') => action.run(async () => {
    const settings = await call('GET /api/greenup/settings');
    const priorities = [...settings.priorities.filter((p) => p.deviceId !== deviceId), { deviceId, priority }];
    await call('PUT /api/greenup/settings', { body: { ...settings, priorities } });
    return t('gu.saved');
  });
  return (
    <div class="measure-section" data-testid="gu-priorities">
      <table class="measures"><tbody>
        {s.stations.map((x) => (
          <tr key={x.deviceId}>
            <th scope="row">{x.address}{x.side ? `-${x.side}` : ''} {x.name}{x.defaultPriority === 'priority' ? ' ①' : ''}</th>
            <td>
              <button type="button" class={x.defaultPriority === 'normal' ? 'primary' : ''} onClick={() => { void toggle(x.deviceId, 'normal'); }}>{t('gu.priority.normal')}</button>{' '}
              <button type="button" data-testid={`gu-default-prio-${x.deviceId}`} class={x.defaultPriority === 'priority' ? 'primary' : ''} onClick={() => { void toggle(x.deviceId, 'priority'); }}>{t('gu.priority.priority')}</button>
            </td>
          </tr>
        ))}
      </tbody></table>
      <FormMessage action={action} />
    </div>
  );
}

function SettingsForm({ devices }: { stations: StationStatus[]; devices: DeviceSummary[] }) {
  const form = useSignal<GreenupSettings | null>(null);
  const action = useAction();
  useEffect(() => { void call('GET /api/greenup/settings').then((v) => { form.value = v; }); }, []);
  const f = form.value;
  if (!f) return <p class="muted">{t('common.loading')}</p>;
  const set = (patch: Partial<GreenupSettings>) => { form.value = { ...f, ...patch }; };
  const errors = action.errors();
  const numField = (key: 'maxCurrentA' | 'maxChargingCurrentA' | 'hysteresisPct' | 'step1Pct' | 'step2Pct' | 'minGuaranteedAh', label: MessageKey) => (
    <Field label={t(label)} name={key} errors={errors}>
      <input name={key} inputMode="decimal" value={String(f[key])} onInput={(e) => set({ [key]: num(e.currentTarget.value) ?? Number.NaN } as Partial<GreenupSettings>)} />
    </Field>
  );
  const meters = devices.filter((d) => d.family !== 'evStation' && d.family !== 'pulseCounter');
  return (
    <form class="measure-section" data-testid="gu-settings" onSubmit={(e) => {
      e.preventDefault();
      void action.run(async () => { form.value = await call('PUT /api/greenup/settings', { body: f }); return t('gu.saved'); });
    }}>
      <Field label={t('gu.set.meter')} name="meterDeviceId" errors={errors}>
        <select name="meterDeviceId" value={f.meterDeviceId === null ? '' : String(f.meterDeviceId)} onChange={(e) => set({ meterDeviceId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
          <option value="">{t('gu.set.noMeter')}</option>
          {meters.map((d) => <option key={d.id} value={String(d.id)}>{d.addressLabel} {d.name}</option>)}
        </select>
      </Field>
      {numField('maxCurrentA', 'gu.set.maxCurrent')}
      {numField('maxChargingCurrentA', 'gu.set.maxCharging')}
      {numField('hysteresisPct', 'gu.set.hysteresis')}
      {numField('step1Pct', 'gu.set.step1')}
      {numField('step2Pct', 'gu.set.step2')}
      {numField('minGuaranteedAh', 'gu.set.minAh')}
      <Field label={t('gu.set.meterTimeout')} name="meterTimeoutMs" errors={errors}>
        <input name="meterTimeoutMs" inputMode="decimal" value={String(f.meterTimeoutMs / 1000)} onInput={(e) => set({ meterTimeoutMs: Math.round((num(e.currentTarget.value) ?? Number.NaN) * 1000) })} />
      </Field>
      <Field label={t('gu.set.failSafe')} name="failSafeCurrentA" errors={errors}>
        <input name="failSafeCurrentA" inputMode="decimal" value={f.failSafeCurrentA === null ? '' : String(f.failSafeCurrentA)} onInput={(e) => set({ failSafeCurrentA: e.currentTarget.value.trim() === '' ? null : num(e.currentTarget.value) ?? Number.NaN })} />
      </Field>
      <label class="field inline"><span>{t('gu.set.broadcast')}</span>
        <input type="checkbox" name="broadcastSetpoints" data-testid="gu-broadcast" checked={f.broadcastSetpoints} onChange={(e) => set({ broadcastSetpoints: e.currentTarget.checked })} />
      </label>
      <label class="field inline"><span>{t('gu.set.enabled')}</span>
        <input type="checkbox" name="enabled" data-testid="gu-enabled" checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
      </label>
      <div class="buttons"><button type="submit" class="primary" data-testid="gu-save" disabled={action.state.value.busy}>{t('gu.save')}</button></div>
      <FormMessage action={action} />
    </form>
  );
}

function Decisions({ names }: { names: Map<number, string> }) {
  const list = usePoll(() => call('GET /api/greenup/decisions', { query: { limit: 100 } }), 2000);
  const rows: Decision[] = list.data.value ?? [];
  if (list.data.value && rows.length === 0) return <p class="muted">{t('gu.dec.empty')}</p>;
  return (
    <div class="scroll"><table class="measures" id="gu-decisions"><thead><tr>
      <th>{t('gu.dec.at')}</th><th>{t('gu.zone')}</th><th>{t('gu.dec.rule')}</th><th>{t('gu.dec.station')}</th><th>{t('gu.dec.change')}</th><th>{t('gu.dec.currents')}</th><th>{t('gu.dec.reason')}</th>
    </tr></thead><tbody>
      {rows.map((d, i) => (
        <tr key={`${d.at}-${i}`} data-rule={d.rule}>
          <td>{timeOf(d.at)}</td><td><span class={`gu-dot gu-${d.zone}`} />{t(`gu.zone.${d.zone}`)}</td><td>{d.rule}</td>
          <td>{d.deviceId === undefined ? '' : names.get(d.deviceId) ?? `#${d.deviceId}`}</td>
          <td>{d.fromA === undefined ? '' : `${amps(d.fromA)} → ${amps(d.toA)} A`}</td>
          <td>{amps(d.currentsA.L1)} / {amps(d.currentsA.L2)} / {amps(d.currentsA.L3)}</td><td>{d.reason}</td>
        </tr>
      ))}
    </tbody></table></div>
  );
}

function Sessions({ names }: { names: Map<number, string> }) {
  const list = usePoll(() => call('GET /api/greenup/sessions', { query: { limit: 100 } }), 5000);
  const rows: ChargingSession[] = list.data.value ?? [];
  if (list.data.value && rows.length === 0) return <p class="muted">{t('gu.ses.empty')}</p>;
  return (
    <div class="scroll"><table class="measures" id="gu-sessions"><thead><tr>
      <th>{t('gu.dec.station')}</th><th>{t('gu.ses.start')}</th><th>{t('gu.ses.end')}</th><th>{t('gu.ses.energy')}</th><th>{t('gu.ses.ah')}</th><th>{t('gu.ses.cost')}</th>
    </tr></thead><tbody>
      {rows.map((x) => (
        <tr key={x.id}>
          <td>{names.get(x.deviceId) ?? `#${x.deviceId}`}</td><td>{timeOf(x.start)}</td><td>{x.end === null ? t('gu.ses.running') : timeOf(x.end)}</td>
          <td>{(x.energyWh / 1000).toFixed(2)}</td><td>{x.ah.toFixed(2)}</td><td>{x.cost === null ? '–' : `${x.cost.toFixed(2)} ${x.currency}`}</td>
        </tr>
      ))}
    </tbody></table></div>
  );
}
