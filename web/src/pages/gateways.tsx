/**
 * Gateways and devices, gateway side (BUS-1, BUS-3, CFG-1): the manual's two-pane page, the
 * gateway list with status on the left, the selected gateway's settings on the right, with
 * Add, Save, Test, Devices, Scan, ON/OFF and Delete.
 */
import { useModel, useSignal } from '@preact/signals';
import type { GatewayInput, GatewayTestResult, GatewayView } from '@ews/shared';
import { api } from '../api';
import { ConfirmDialog } from '../components/dialog';
import { Field, FormMessage, OnOff, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { ListStatus, statusText } from '../components/status';
import { t } from '../i18n';
import { navigate, paths } from '../state/router';
import { SystemPoll, deviceList, gateways, modelOf, panelBoards, reload } from '../state/system';

export const LOCAL_ID = 'local';
const STATUS_REFRESH_MS = 3000;

export function GatewaysPage({ selected }: { selected?: string }) {
  const poll = useModel(() => new SystemPoll(['gateways', 'devices'], ['panelBoards', 'catalog'], STATUS_REFRESH_MS));
  const list = gateways.value;
  const row = selected && selected !== 'new' ? list?.find((g) => g.id === selected) : undefined;

  return (
    <Page id="gateways-page" title={t('system.gateways')} back={{ href: '#/system' }} wide>
      <div class="split">
        <section class="pane list-pane" aria-label={t('gw.list')}>
          <div class="pane-head">
            <h2>{t('gw.list')}</h2>
            <button type="button" data-testid="gateway-add" onClick={() => navigate(paths.gateways('new'))}>+ {t('cfg.add')}</button>
          </div>
          {!list ? <p class="muted">{poll.error.value ? t('common.error', { message: poll.error.value }) : t('common.loading')}</p> : (
            <ul class="items" data-testid="gateway-list">
              {list.map((g) => <GatewayItem key={g.id} g={g} active={g.id === selected} />)}
            </ul>
          )}
        </section>
        <section class="pane form-pane">
          {selected === 'new' ? <GatewayForm key="new" /> : row ? <GatewayForm key={row.id} row={row} /> : list && selected ? (
            <p class="error">{t('gw.notFound')}</p>
          ) : <p class="muted">{t('gw.choose')}</p>}
        </section>
      </div>
    </Page>
  );
}

function GatewayItem({ g, active }: { g: GatewayView; active: boolean }) {
  const count = deviceList.value?.filter((d) => d.gatewayId === g.id).length;
  return (
    <li>
      <a
        class={`item status-${g.status}${active ? ' active' : ''}`} href={`#${paths.gateways(g.id)}`}
        data-testid="gateway-item" data-id={g.id} data-status={g.status} aria-current={active ? 'true' : undefined}
      >
        <span class="item-main"><b>{g.name}</b><small class="muted">{g.kind === 'local' ? g.host : `${g.host}:${g.port}`}</small></span>
        <span class="item-side">
          <ListStatus status={g.status} reason={g.statusReason} />
          {count !== undefined ? <small class="muted">{t('gw.devices', { count: count })}</small> : null}
        </span>
      </a>
    </li>
  );
}

interface Draft { name: string; host: string; port: string; description: string; panelBoardId: string; timeoutMs: string; eqDeviceId: string }

function draftOf(row?: GatewayView): Draft {
  return row
    ? { name: row.name, host: row.host, port: String(row.port), description: row.description, panelBoardId: row.panelBoardId ?? '', timeoutMs: String(row.timeoutMs), eqDeviceId: row.eqDeviceId ? String(row.eqDeviceId) : '' }
    : { name: '', host: '', port: '502', description: '', panelBoardId: '', timeoutMs: '1000', eqDeviceId: '' };
}

function bodyOf(d: Draft, local: boolean, enabled: boolean): GatewayInput {
  return {
    name: d.name,
    host: local ? '127.0.0.1' : d.host.trim(),
    port: num(d.port),
    description: d.description,
    panelBoardId: d.panelBoardId || null,
    enabled,
    timeoutMs: num(d.timeoutMs),
    eqDeviceId: d.eqDeviceId ? Number(d.eqDeviceId) : null,
  } as GatewayInput;
}

const FIELDS = ['name', 'host', 'port', 'description', 'panelBoardId', 'timeoutMs', 'enabled', 'eqDeviceId'];

function GatewayForm({ row }: { row?: GatewayView }) {
  const draft = useSignal<Draft>(draftOf(row));
  const save = useAction();
  const act = useAction();
  const test = useSignal<GatewayTestResult | null>(null);
  const testing = useSignal(false);
  const confirmDelete = useSignal(false);
  const deleteError = useSignal<string | null>(null);
  const local = row?.kind === 'local';
  const d = draft.value;
  const set = (patch: Partial<Draft>) => { draft.value = { ...draft.value, ...patch }; };
  const errors = save.errors();
  const boards = panelBoards.value ?? [];

  async function onSave(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      if (!row) {
        const g = await api.createGateway(bodyOf(draft.value, false, true));
        await reload('gateways');
        navigate(paths.gateways(g.id));
        return;
      }
      await api.updateGateway(row.id, bodyOf(draft.value, local, row.enabled));
      await reload('gateways');
      return t('cfg.saved');
    });
  }

  async function onTest() {
    if (!row) return;
    testing.value = true;
    test.value = null;
    try { test.value = await api.testGateway(row.id); } catch (e) { test.value = { ok: false, reason: problemOf(e).message }; }
    testing.value = false;
  }

  async function onToggle() {
    if (!row) return;
    await act.run(async () => {
      await api.updateGateway(row.id, bodyOf(draftOf(row), local, !row.enabled));
      await reload('gateways', 'devices');
    });
  }

  async function onDelete() {
    if (!row) return;
    deleteError.value = null;
    try {
      await api.deleteGateway(row.id);
      confirmDelete.value = false;
      await reload('gateways');
      navigate(paths.gateways());
    } catch (e) {
      deleteError.value = problemOf(e).message;
    }
  }

  return (
    <form class="card form" onSubmit={onSave} data-testid="gateway-form" data-id={row?.id ?? 'new'} noValidate>
      <div class="form-head">
        <h2>{row ? row.name : t('gw.new')}</h2>
        {row ? (
          <span class={`status-pill status-${row.status}`} data-testid="gateway-status" data-status={row.status}>
            {statusText(row.status, row.statusReason)}
          </span>
        ) : null}
        {row ? <OnOff on={row.enabled} onToggle={() => { void onToggle(); }} disabled={act.state.value.busy} /> : null}
      </div>
      {local ? <p class="muted note-small">{t('gw.localNote')}</p> : null}
      <Field label={t('cfg.name')} name="name" errors={errors}>
        <input data-testid="gateway-name" value={d.name} maxLength={40} required onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <div class="row">
        <Field label={t('gw.host')} name="host" errors={errors} class="grow">
          <input
            data-testid="gateway-host" value={local ? '127.0.0.1' : d.host} disabled={local} required placeholder="192.168.1.20"
            inputMode="decimal" onInput={(e) => set({ host: e.currentTarget.value })}
          />
        </Field>
        {local ? null : (
          <Field label={t('gw.port')} name="port" errors={errors} class="short">
            <input data-testid="gateway-port" value={d.port} inputMode="numeric" onInput={(e) => set({ port: e.currentTarget.value })} />
          </Field>
        )}
      </div>
      <Field label={t('cfg.description')} name="description" errors={errors}>
        <input data-testid="gateway-description" value={d.description} maxLength={200} onInput={(e) => set({ description: e.currentTarget.value })} />
      </Field>
      <Field label={t('gw.panelBoard')} name="panelBoardId" errors={errors}>
        <select data-testid="gateway-panelboard" value={d.panelBoardId} onChange={(e) => set({ panelBoardId: e.currentTarget.value })}>
          <option value="">{t('gw.noPanelBoard')}</option>
          {boards.map((b) => <option key={b.id} value={b.id}>{b.name}{b.enabled ? '' : ` (${t('cfg.disabled')})`}</option>)}
        </select>
      </Field>
      {row ? (
        <Field label={t('gw.eqDevice')} name="eqDeviceId" errors={errors}>
          <select data-testid="gateway-eq" value={d.eqDeviceId} onChange={(e) => set({ eqDeviceId: e.currentTarget.value })}>
            <option value="">{t('gw.noEqDevice')}</option>
            {(deviceList.value ?? []).filter((x) => x.gatewayId === row.id && modelOf(x.family, x.model)?.measures.some((m) => m.group === 'thd'))
              .map((x) => <option key={x.id} value={String(x.id)}>{x.addressLabel} · {x.name}</option>)}
          </select>
        </Field>
      ) : null}
      {local ? null : (
        <Field label={t('gw.timeout')} name="timeoutMs" errors={errors} hint="ms" class="short">
          <input data-testid="gateway-timeout" value={d.timeoutMs} inputMode="numeric" onInput={(e) => set({ timeoutMs: e.currentTarget.value })} />
        </Field>
      )}
      <FormMessage action={save} shown={FIELDS} />
      <FormMessage action={act} testid="toggle-message" />
      {test.value ? (
        <p class={test.value.ok ? 'ok-msg' : 'banner error'} role="status" data-testid="gateway-test-result" data-ok={test.value.ok}>
          {test.value.ok ? t('gw.testOk') : t('gw.testFailed', { reason: test.value.reason ?? '' })}
        </p>
      ) : null}
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="gateway-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
        {row ? (
          <>
            <button type="button" data-testid="gateway-test" disabled={testing.value} onClick={() => { void onTest(); }}>
              {testing.value ? t('cfg.testing') : t('cfg.test')}
            </button>
            <a class="button" href={`#${paths.devices(row.id)}`} data-testid="gateway-devices">{t('gw.devicesButton')}</a>
            <a class="button" href={`#${paths.scan(row.id)}`} data-testid="gateway-scan">{t('scan.button')}</a>
            {local ? null : (
              <button type="button" class="danger-outline" data-testid="gateway-delete" onClick={() => { deleteError.value = null; confirmDelete.value = true; }}>
                {t('cfg.delete')}
              </button>
            )}
          </>
        ) : (
          <a class="button" href={`#${paths.gateways()}`}>{t('cfg.cancel')}</a>
        )}
      </div>
      {confirmDelete.value && row ? (
        <ConfirmDialog
          title={t('gw.deleteTitle')} confirmLabel={t('cfg.delete')} danger error={deleteError.value}
          onCancel={() => { confirmDelete.value = false; }} onConfirm={() => { void onDelete(); }}
        >
          <p>{t('gw.deleteConfirm', { name: row.name })}</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
