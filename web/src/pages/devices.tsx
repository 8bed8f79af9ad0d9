/**
 * Gateways and devices, device side (CAT-2, CFG-2, CFG-3, MS-2): the devices of one gateway in
 * the same two-pane way, with Add, Save, Test (values or reason), ON/OFF, Delete and Advanced.
 * The form shows the fields the model's parameters call for.
 */
import { useModel, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { CatalogModel, DeviceDetail, DeviceInput, DeviceSummary, DeviceTestResult, Family, MeasureDef } from '@ews/shared';
import { MAX_GROUPS_PER_DEVICE, SLAVE_UNIT_ID, TOTAL_REMOTE_ID, formatQuantity, type CatalogLabel } from '@ews/shared';
import { api } from '../api';
import { ConfirmDialog } from '../components/dialog';
import { Check, Field, FormMessage, OnOff, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { ListStatus, reasonText } from '../components/status';
import { formatNumber, loadName, t, tLabel, type MessageKey } from '../i18n';
import { ioPoints, labelOf, testRows } from '../state/catalog';
import { formatHex, parseHex } from '../state/hex';
import { navigate, paths } from '../state/router';
import { SystemPoll, catalog, deviceList, gateways, groups, loads, modelOf, reload, remoteId } from '../state/system';

const STATUS_REFRESH_MS = 3000;
/** CFG-3: a device belongs to at most 5 measure groups. */
/** Families whose alerts can be excluded (EMS, breakers, RCD modules). */
const ALERT_FAMILIES: readonly Family[] = ['ems', 'breaker', 'rcd'];
/** Families with inputs/outputs the user may name (M7TIC/IO, M7TICPROG, F80BVS, F80BC). */
const LABEL_FAMILIES: readonly Family[] = ['powerSupervision', 'ems'];

export function DevicesPage({ gatewayId, selected }: { gatewayId: string; selected?: number | 'new' }) {
  const poll = useModel(() => new SystemPoll(['devices'], ['gateways', 'catalog', 'loads', 'groups'], STATUS_REFRESH_MS));
  const gw = gateways.value?.find((g) => g.id === gatewayId);
  const list = deviceList.value?.filter((d) => d.gatewayId === gatewayId);
  const title = gw ? t('dev.title', { gateway: gw.name }) : t('gw.devicesButton');

  return (
    <Page id="devices-page" title={title} back={{ href: `#${paths.gateways(gatewayId)}` }} wide>
      {gateways.value && !gw ? <p class="error">{t('gw.notFound')}</p> : null}
      <div class="split">
        <section class="pane list-pane" aria-label={t('dev.list')}>
          <div class="pane-head">
            <h2>{t('dev.list')}</h2>
            <button type="button" data-testid="device-add" onClick={() => navigate(paths.devices(gatewayId, 'new'))}>+ {t('cfg.add')}</button>
            <a class="button" href={`#${paths.scan(gatewayId)}`} data-testid="devices-scan">{t('scan.button')}</a>
          </div>
          {!list ? <p class="muted">{poll.error.value ? t('common.error', { message: poll.error.value }) : t('common.loading')}</p> : list.length === 0 ? (
            <p class="muted" data-testid="device-list-empty">{t('dev.none')}</p>
          ) : (
            <ul class="items" data-testid="device-list">
              {list.map((d) => <DeviceItem key={d.id} d={d} gatewayId={gatewayId} active={d.id === selected} />)}
            </ul>
          )}
        </section>
        <section class="pane form-pane">
          {selected === 'new' ? <DeviceForm key="new" gatewayId={gatewayId} /> : typeof selected === 'number' ? (
            <DeviceEditor key={selected} id={selected} gatewayId={gatewayId} />
          ) : <p class="muted">{t('dev.choose')}</p>}
        </section>
      </div>
    </Page>
  );
}

function DeviceItem({ d, gatewayId, active }: { d: DeviceSummary; gatewayId: string; active: boolean }) {
  return (
    <li>
      <a
        class={`item status-${d.status}${active ? ' active' : ''}`} href={`#${paths.devices(gatewayId, d.id)}`}
        data-testid="device-item" data-id={d.id} data-status={d.status} data-address={d.addressLabel} aria-current={active ? 'true' : undefined}
      >
        <span class="item-addr">{d.addressLabel}</span>
        <span class="item-main"><b>{d.name}</b><small class="muted">{d.modelLabel}</small></span>
        <span class="item-side"><ListStatus status={d.status} reason={d.statusReason} detail={d.statusDetail} /></span>
      </a>
    </li>
  );
}

/** Loads the device's whole configuration, then shows its form. */
function DeviceEditor({ id, gatewayId }: { id: number; gatewayId: string }) {
  const detail = useSignal<DeviceDetail | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    api.device(id).then((d) => { detail.value = d; }, (e) => { error.value = problemOf(e).message; });
  }, [id]);
  if (error.value) return <p class="error" role="alert">{error.value}</p>;
  if (!detail.value) return <p class="muted">{t('common.loading')}</p>;
  // An old link may name another gateway: the device's own one wins.
  return <DeviceForm gatewayId={detail.value.gatewayId ?? gatewayId} detail={detail.value} onSaved={(d) => { detail.value = d; }} />;
}

interface Draft {
  family: string; model: string; address: string; position: string; side: string; phase: string; supply: string;
  name: string; enabled: boolean; genFn: string; genAddress: string; genWords: string; genFactor: string;
  loadId: string; groupIds: string[]; excludeFromTotals: boolean; excludeAlerts: boolean; labels: Record<string, string>;
  /** WSMEASURE: the Remote ID read on the slave web server. */
  remoteAddress: string;
}

function draftOf(d?: DeviceDetail): Draft {
  return {
    family: d?.family ?? '', model: d?.model ?? '', address: d ? String(d.address) : '',
    position: d?.position !== undefined ? String(d.position) : '', side: d?.side ?? '', phase: d?.phase ?? '',
    supply: d?.supply ?? 'upstream', name: d?.name ?? '', enabled: d?.enabled ?? true,
    genFn: String(d?.generic?.fn ?? 3), genAddress: d?.generic ? formatHex(d.generic.address) : '',
    genWords: String(d?.generic?.words ?? 2), genFactor: String(d?.generic?.factor ?? 1),
    loadId: d?.loadId ?? '', groupIds: d?.groupIds ?? [], excludeFromTotals: d?.excludeFromTotals ?? false,
    excludeAlerts: d?.excludeAlerts ?? false, labels: { ...(d?.labels ?? {}) },
    remoteAddress: d?.remoteAddress !== undefined ? String(d.remoteAddress) : '',
  };
}

function bodyOf(gatewayId: string, d: Draft): DeviceInput {
  const params = modelOf(d.family, d.model)?.parameters ?? [];
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.labels)) if (v.trim()) labels[k] = v.trim();
  return {
    gatewayId, family: d.family as Family, model: d.model,
    // WSMEASURE: the Modbus address is fixed (the slave function's unit 247).
    address: params.includes('remoteAddress') ? SLAVE_UNIT_ID : num(d.address) as number,
    ...(params.includes('remoteAddress') ? { remoteAddress: num(d.remoteAddress) } : {}),
    ...(params.includes('position') ? { position: num(d.position) } : {}),
    // an EMS module addressed through its interface (remote addressing): `module-interface`
    ...(params.includes('module') && d.position ? { position: num(d.position) } : {}),
    ...(params.includes('side') && d.side ? { side: d.side as 'A' | 'B' } : {}),
    ...(params.includes('phase') && d.phase ? { phase: d.phase as 'L1' | 'L2' | 'L3' } : {}),
    supply: params.includes('supply') ? (d.supply as 'upstream' | 'downstream') : 'upstream',
    name: d.name.trim(),
    enabled: d.enabled,
    ...(params.includes('genericRegister') ? {
      generic: { fn: Number(d.genFn) as 3 | 4, address: parseHex(d.genAddress), words: Number(d.genWords) as 1 | 2 | 4, factor: num(d.genFactor) as number },
    } : {}),
    loadId: d.loadId || null,
    groupIds: d.groupIds,
    excludeFromTotals: d.excludeFromTotals,
    excludeAlerts: d.excludeAlerts,
    labels,
  };
}

/** The configuration body of a saved device (what PUT takes back). */
function bodyOfDetail(d: DeviceDetail): DeviceInput {
  const { id: _id, addressLabel: _a, remoteId: _r, ...body } = d;
  return body;
}

const FIELDS = [
  'gatewayId', 'family', 'model', 'address', 'position', 'side', 'phase', 'supply', 'name', 'enabled', 'generic',
  'generic.fn', 'generic.address', 'generic.words', 'generic.factor', 'loadId', 'groupIds', 'excludeFromTotals', 'excludeAlerts', 'labels', 'remoteAddress',
];

function DeviceForm({ gatewayId, detail, onSaved }: { gatewayId: string; detail?: DeviceDetail; onSaved?: (d: DeviceDetail) => void }) {
  const draft = useSignal<Draft>(draftOf(detail));
  const save = useAction();
  const act = useAction();
  const advanced = useSignal(false);
  const test = useSignal<DeviceTestResult | { ok: false; message: string } | null>(null);
  const testing = useSignal(false);
  const confirmDelete = useSignal(false);
  const deleteError = useSignal<string | null>(null);
  const d = draft.value;
  const set = (patch: Partial<Draft>) => { draft.value = { ...draft.value, ...patch }; };
  const errors = save.errors();
  const models = catalog.value ?? [];
  const families = [...new Set(models.map((m) => m.family))];
  const familyModels = models.filter((m) => m.family === d.family);
  const model = modelOf(d.family, d.model);
  const params = model?.parameters ?? [];
  const fixedLoad = model?.energyType === 'water' || model?.energyType === 'gas' ? model.energyType : null;
  const allGroups = groups.value ?? [];
  const loadChoices = (loads.value ?? []).filter((l) => l.kind !== 'water' && l.kind !== 'gas' && l.kind !== 'others');

  function onModel(family: string, modelName: string) {
    // A position the new model does not have is cleared rather than kept out of range.
    const n = modelOf(family, modelName)?.positions;
    const p = num(draft.value.position);
    set({ family, model: modelName, ...(n && p !== undefined && !(p >= 1 && p <= n) ? { position: '' } : {}) });
  }

  function onFamily(family: string) {
    const ms = models.filter((m) => m.family === family);
    onModel(family, ms.length === 1 ? ms[0]!.model : '');
  }

  async function onSave(e: Event) {
    e.preventDefault();
    const cur = draft.value;
    if (params.includes('genericRegister') && Number.isNaN(parseHex(cur.genAddress))) {
      save.state.value = { busy: false, done: null, problem: { message: t('dev.hexInvalid'), fields: { 'generic.address': [t('dev.hexInvalid')] } } };
      return;
    }
    await save.run(async () => {
      if (!detail) {
        const created = await api.createDevice(bodyOf(gatewayId, cur));
        await reload('devices');
        navigate(paths.devices(gatewayId, created.id));
        return;
      }
      await api.updateDevice(detail.id, bodyOf(gatewayId, cur));
      const fresh = await api.device(detail.id);
      onSaved?.(fresh);
      draft.value = draftOf(fresh);
      await reload('devices');
      return t('cfg.saved');
    });
  }

  async function onTest() {
    const cur = draft.value;
    if (params.includes('genericRegister') && Number.isNaN(parseHex(cur.genAddress))) {
      test.value = { ok: false, message: t('dev.hexInvalid') };
      return;
    }
    testing.value = true;
    test.value = null;
    // A saved device as it is: read through its poller (its status follows); otherwise the form's content, nothing saved.
    const unchanged = !!detail && JSON.stringify(draftOf(detail)) === JSON.stringify(cur);
    try {
      test.value = unchanged ? await api.testDevice(detail.id) : await api.probeDevice(bodyOf(gatewayId, cur));
    } catch (e) {
      const p = problemOf(e);
      const fields = Object.entries(p.fields).map(([k, v]) => `${k}: ${v.join(' ')}`);
      test.value = { ok: false, message: fields.length ? fields.join('; ') : p.message };
    }
    testing.value = false;
  }

  async function onToggle() {
    if (!detail) return;
    await act.run(async () => {
      await api.updateDevice(detail.id, { ...bodyOfDetail(detail), enabled: !detail.enabled });
      const fresh = await api.device(detail.id);
      onSaved?.(fresh);
      set({ enabled: fresh.enabled });
      await reload('devices');
    });
  }

  async function onDelete() {
    if (!detail) return;
    deleteError.value = null;
    try {
      await api.deleteDevice(detail.id);
      confirmDelete.value = false;
      await reload('devices');
      navigate(paths.devices(gatewayId));
    } catch (e) {
      deleteError.value = problemOf(e).message;
    }
  }

  return (
    <form class="card form" onSubmit={onSave} data-testid="device-form" data-id={detail?.id ?? 'new'} noValidate>
      <div class="form-head">
        <h2>{detail ? `${detail.addressLabel} · ${detail.name}` : t('dev.new')}</h2>
        {detail ? <OnOff on={detail.enabled} onToggle={() => { void onToggle(); }} disabled={act.state.value.busy} /> : null}
      </div>
      {detail ? (
        <p class="ids" data-testid="device-ids">
          <span>{t('dev.id')} <b data-testid="device-id">{detail.id}</b></span>
          <span>{t('cfg.remoteId')} <b data-testid="device-remote-id">{detail.remoteId ?? remoteId.device(detail.id)}</b></span>
        </p>
      ) : null}
      <div class="row">
        <Field label={t('dev.family')} name="family" errors={errors} class="grow">
          <select data-testid="device-family" value={d.family} onChange={(e) => onFamily(e.currentTarget.value)}>
            <option value="">{t('dev.chooseFamily')}</option>
            {families.map((f) => <option key={f} value={f}>{t(`family.${f}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field label={t('dev.model')} name="model" errors={errors} class="grow model-field">
          <select data-testid="device-model" value={d.model} disabled={!d.family} onChange={(e) => onModel(d.family, e.currentTarget.value)}>
            <option value="">{t('dev.chooseModel')}</option>
            {familyModels.map((m) => <option key={m.model} value={m.model}>{m.label}</option>)}
          </select>
          {/* A select shows its text on one line: the whole name of the model chosen, wrapped, below it. */}
          {model ? <small class="model-label" data-testid="device-model-label">{model.label}</small> : null}
        </Field>
      </div>
      <div class="row">
        <Field label={params.includes('position') ? t('dev.concentratorAddress') : params.includes('module') ? t('dev.interfaceAddress') : t('dev.address')} name="address" errors={errors} hint={params.includes('remoteAddress') ? undefined : '1–247'} class="short">
          <input
            data-testid="device-address" value={params.includes('remoteAddress') ? String(SLAVE_UNIT_ID) : d.address} inputMode="numeric"
            disabled={params.includes('remoteAddress')} onInput={(e) => set({ address: e.currentTarget.value })}
          />
        </Field>
        {params.includes('remoteAddress') ? (
          <Field label={t('dev.remoteAddress')} name="remoteAddress" errors={errors} hint={t('dev.remoteAddressHint')}>
            <span class="row">
              <input data-testid="device-remote-address" value={d.remoteAddress} inputMode="numeric" onInput={(e) => set({ remoteAddress: e.currentTarget.value })} />
              <button type="button" data-testid="device-remote-all" onClick={() => set({ remoteAddress: String(TOTAL_REMOTE_ID) })}>{t('dev.remoteAll')}</button>
            </span>
          </Field>
        ) : null}
        {params.includes('position') ? (
          <Field label={t('dev.position')} name="position" errors={errors} hint={model?.positions ? t('dev.positionHint', { max: model.positions }) : undefined} class="short">
            {model?.positions ? (
              <select data-testid="device-position" value={d.position} onChange={(e) => set({ position: e.currentTarget.value })}>
                <option value="">—</option>
                {Array.from({ length: model.positions }, (_, i) => String(i + 1)).map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            ) : (
              <input data-testid="device-position" value={d.position} inputMode="numeric" onInput={(e) => set({ position: e.currentTarget.value })} />
            )}
          </Field>
        ) : null}
        {params.includes('module') ? (
          <Field label={t('dev.module')} name="position" errors={errors} hint={t('dev.moduleHint')} class="short">
            <input data-testid="device-module" value={d.position} inputMode="numeric" onInput={(e) => set({ position: e.currentTarget.value })} />
          </Field>
        ) : null}
        {params.includes('side') ? (
          <Field label={t('dev.side')} name="side" errors={errors} class="short">
            <select data-testid="device-side" value={d.side} onChange={(e) => set({ side: e.currentTarget.value })}>
              <option value="">—</option><option value="A">A</option><option value="B">B</option>
            </select>
          </Field>
        ) : null}
        {params.includes('phase') ? (
          <Field label={t('dev.phase')} name="phase" errors={errors} class="short">
            <select data-testid="device-phase" value={d.phase} onChange={(e) => set({ phase: e.currentTarget.value })}>
              <option value="">—</option><option value="L1">L1</option><option value="L2">L2</option><option value="L3">L3</option>
            </select>
          </Field>
        ) : null}
        {params.includes('supply') ? (
          <Field label={t('dev.supply')} name="supply" errors={errors}>
            <select data-testid="device-supply" value={d.supply} onChange={(e) => set({ supply: e.currentTarget.value })}>
              <option value="upstream">{t('dev.upstream')}</option><option value="downstream">{t('dev.downstream')}</option>
            </select>
          </Field>
        ) : null}
      </div>
      {params.includes('genericRegister') ? (
        <fieldset class="group" data-testid="device-generic">
          <legend>{t('dev.generic')}</legend>
          {errors.generic ? <span class="field-error" role="alert">{errors.generic.join(' ')}</span> : null}
          <div class="row">
            <Field label={t('dev.genFn')} name="generic.fn" errors={errors} class="short">
              <select data-testid="device-gen-fn" value={d.genFn} onChange={(e) => set({ genFn: e.currentTarget.value })}>
                <option value="3">3</option><option value="4">4</option>
              </select>
            </Field>
            <Field label={t('dev.genAddress')} name="generic.address" errors={errors} hint="hex" class="short">
              <input data-testid="device-gen-address" value={d.genAddress} placeholder="0x0000" autocapitalize="characters" onInput={(e) => set({ genAddress: e.currentTarget.value })} />
            </Field>
            <Field label={t('dev.genWords')} name="generic.words" errors={errors} class="short">
              <select data-testid="device-gen-words" value={d.genWords} onChange={(e) => set({ genWords: e.currentTarget.value })}>
                <option value="1">1</option><option value="2">2</option><option value="4">4</option>
              </select>
            </Field>
            <Field label={t('dev.genFactor')} name="generic.factor" errors={errors} hint={t('dev.genFactorHint')} class="short">
              <input data-testid="device-gen-factor" value={d.genFactor} inputMode="decimal" onInput={(e) => set({ genFactor: e.currentTarget.value })} />
            </Field>
          </div>
        </fieldset>
      ) : null}
      <Field label={t('cfg.name')} name="name" errors={errors} hint={t('dev.nameHint')}>
        <input data-testid="device-name" value={d.name} maxLength={40} placeholder={defaultName(d, params.includes('position'))} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Field label={t('dev.load')} name="loadId" errors={errors}>
        {fixedLoad ? (
          <input value={t(fixedLoad === 'water' ? 'dev.loadWater' : 'dev.loadGas')} disabled data-testid="device-load-fixed" />
        ) : (
          <select data-testid="device-load" value={d.loadId} onChange={(e) => set({ loadId: e.currentTarget.value })}>
            <option value="">{t('dev.noLoad')}</option>
            {loadChoices.map((l) => <option key={l.id} value={l.id}>{loadName(l)}{l.enabled ? '' : ` (${t('cfg.disabled')})`}</option>)}
          </select>
        )}
      </Field>
      <fieldset class="group" data-field="groupIds">
        <legend>{t('dev.groups', { max: MAX_GROUPS_PER_DEVICE })}</legend>
        {allGroups.length === 0 ? <p class="muted">{t('dev.noGroups')} <a href="#/system/groups">{t('system.groups')}</a></p> : (
          <div class="checks" data-testid="device-groups">
            {allGroups.map((g) => {
              const on = d.groupIds.includes(g.id);
              return (
                <Check
                  key={g.id} testid={`device-group-${g.id}`} checked={on}
                  disabled={!on && d.groupIds.length >= MAX_GROUPS_PER_DEVICE}
                  label={`${g.name}${g.enabled ? '' : ` (${t('cfg.disabled')})`}`}
                  onChange={(v) => set({ groupIds: v ? [...d.groupIds, g.id] : d.groupIds.filter((x) => x !== g.id) })}
                />
              );
            })}
          </div>
        )}
        {errors.groupIds ? <span class="field-error" role="alert">{errors.groupIds.join(' ')}</span> : null}
      </fieldset>
      {advanced.value ? (
        <Advanced draft={d} set={set} errors={errors} family={d.family as Family} model={model} />
      ) : null}
      <FormMessage action={save} shown={FIELDS} />
      <FormMessage action={act} testid="toggle-message" />
      {test.value ? <TestResult result={test.value} measures={model?.measures ?? []} /> : null}
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="device-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
        <button
          type="button" data-testid="device-test" disabled={testing.value || !model} title={detail ? undefined : t('dev.testBeforeSave')}
          onClick={() => { void onTest(); }}
        >
          {testing.value ? t('cfg.testing') : t('cfg.test')}
        </button>
        <button type="button" data-testid="device-advanced" aria-expanded={advanced.value} onClick={() => { advanced.value = !advanced.value; }}>
          {t('dev.advanced')} {advanced.value ? '▴' : '▾'}
        </button>
        {detail ? (
          <button type="button" class="danger-outline" data-testid="device-delete" onClick={() => { deleteError.value = null; confirmDelete.value = true; }}>
            {t('cfg.delete')}
          </button>
        ) : <a class="button" href={`#${paths.devices(gatewayId)}`}>{t('cfg.cancel')}</a>}
      </div>
      {confirmDelete.value && detail ? (
        <ConfirmDialog
          title={t('dev.deleteTitle')} confirmLabel={t('cfg.delete')} danger error={deleteError.value}
          onCancel={() => { confirmDelete.value = false; }} onConfirm={() => { void onDelete(); }}
        >
          <p>{t('dev.deleteConfirm', { name: detail.name, address: detail.addressLabel })}</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

function defaultName(d: Draft, positional: boolean): string {
  if (!d.address.trim()) return '';
  return positional && d.position.trim() ? `${d.address.trim()}-${d.position.trim()}` : d.side ? `${d.address.trim()}-${d.side}` : d.address.trim();
}

/** Advanced (manual §7.15.1.4): exclude from totals, exclude alerts, names of inputs and outputs. */
function Advanced({ draft: d, set, errors, family, model }: {
  draft: Draft; set: (p: Partial<Draft>) => void; errors: Record<string, string[]>; family: Family; model: CatalogModel | undefined;
}) {
  const withLabels = LABEL_FAMILIES.includes(family);
  return (
    <fieldset class="group advanced" data-testid="device-advanced-panel">
      <legend>{t('dev.advanced')}</legend>
      <Check
        label={t('dev.excludeFromTotals')} checked={d.excludeFromTotals} testid="device-exclude-totals"
        name="excludeFromTotals" errors={errors} onChange={(v) => set({ excludeFromTotals: v })}
      />
      <p class="muted note-small">{t('dev.excludeFromTotalsHint')}</p>
      {ALERT_FAMILIES.includes(family) ? (
        <Check
          label={t('dev.excludeAlerts')} checked={d.excludeAlerts} testid="device-exclude-alerts"
          name="excludeAlerts" errors={errors} onChange={(v) => set({ excludeAlerts: v })}
        />
      ) : null}
      {withLabels ? <IoLabels draft={d} set={set} errors={errors} measures={model?.measures ?? []} /> : null}
    </fieldset>
  );
}

/** Custom labels of inputs and outputs, by register key; the keys come from the model's measures. */
function IoLabels({ draft: d, set, errors, measures }: {
  draft: Draft; set: (p: Partial<Draft>) => void; errors: Record<string, string[]>; measures: readonly MeasureDef[];
}) {
  const ios = ioPoints(measures);
  // Labels saved before, whose key the model does not list (kept, editable).
  const known = new Set(ios.map((x) => x.key));
  const rows: Array<CatalogLabel & { key: string }> = [...ios.map((m) => ({ key: m.key, ...labelOf(m) })), ...Object.keys(d.labels).filter((k) => !known.has(k)).map((k) => ({ key: k, label: k }))];
  return (
    <div class="io-labels" data-testid="device-labels">
      <h3>{t('dev.labels')}</h3>
      {rows.map((r) => (
        <Field key={r.key} label={tLabel(r)} name={`labels.${r.key}`} errors={errors}>
          <input
            data-testid={`device-label-${r.key}`} value={d.labels[r.key] ?? ''} maxLength={40} placeholder={tLabel(r)}
            onInput={(e) => set({ labels: { ...d.labels, [r.key]: e.currentTarget.value } })}
          />
        </Field>
      ))}
    </div>
  );
}

function TestResult({ result, measures }: { result: DeviceTestResult | { ok: false; message: string }; measures: readonly MeasureDef[] }) {
  if (!result.ok) {
    const text = 'message' in result ? result.message : reasonText(result.reason, result.detail);
    return <p class="banner error" role="status" data-testid="device-test-result" data-ok="false">{t('dev.testFailed', { reason: text })}</p>;
  }
  const values = testRows(result.values ?? {}, measures);
  return (
    <div class="test-values" role="status" data-testid="device-test-result" data-ok="true">
      <p class="ok-msg">{t('dev.testOk', { count: values.length })}</p>
      {values.length ? (
        <div class="scroll test-scroll">
          <table class="measures">
            <tbody>
              {values.map((r) => (
                <tr key={r.key}><th scope="row">{tLabel(r)}</th><td class="num" data-key={r.key} data-value={String(r.value)}>{formatQuantity(r.value, r.unit, 2, formatNumber)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
