/**
 * Panel boards (CFG-1), loads (CFG-2) and measure groups (CFG-3) in the two-pane way: list,
 * add, edit, enable/disable (CFG-4), erase with confirmation. Loads and groups show their
 * Remote ID (MS-2); predefined loads can only be disabled, Water/Gas/Others are fixed.
 */
import { useModel, useSignal } from '@preact/signals';
import type { Group, Load, PanelBoard } from '@ews/shared';
import { api } from '../api';
import { ConfirmDialog } from '../components/dialog';
import { Field, FormMessage, OnOff, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { loadName, t, type MessageKey } from '../i18n';
import type { StructureKind } from '../state/router';
import { SystemPoll, gateways, groups, loads, panelBoards, reload, remoteId } from '../state/system';

type Item = PanelBoard | Load | Group;

interface KindDef {
  list: () => Item[] | null;
  part: 'panelBoards' | 'loads' | 'groups';
  hasDescription: boolean;
  remote?: (i: Item) => number;
  create: (b: { name: string; description: string; enabled: boolean }) => Promise<Item>;
  update: (id: string, b: { name: string; description: string; enabled: boolean }) => Promise<Item>;
  remove: (id: string) => Promise<unknown>;
}

const KINDS: Record<StructureKind, KindDef> = {
  panelboards: {
    list: () => panelBoards.value, part: 'panelBoards', hasDescription: true,
    create: (b) => api.createPanelBoard(b), update: (id, b) => api.updatePanelBoard(id, b), remove: (id) => api.deletePanelBoard(id),
  },
  loads: {
    list: () => loads.value, part: 'loads', hasDescription: false, remote: (i) => remoteId.load((i as Load).remoteId),
    create: (b) => api.createLoad({ name: b.name, enabled: b.enabled }),
    update: (id, b) => api.updateLoad(id, { name: b.name, enabled: b.enabled }),
    remove: (id) => api.deleteLoad(id),
  },
  groups: {
    list: () => groups.value, part: 'groups', hasDescription: true, remote: (i) => remoteId.group((i as Group).remoteId),
    create: (b) => api.createGroup(b), update: (id, b) => api.updateGroup(id, b), remove: (id) => api.deleteGroup(id),
  },
};

const kindOf = (i: Item): Load['kind'] | undefined => ('kind' in i ? i.kind : undefined);
/** Predefined loads keep their name; Water, Gas and Others cannot even be disabled. */
const nameFixed = (i?: Item) => !!i && kindOf(i) !== undefined && kindOf(i) !== 'user';
const enableFixed = (i?: Item) => !!i && (kindOf(i) === 'water' || kindOf(i) === 'gas' || kindOf(i) === 'others');
const erasable = (i?: Item) => !!i && (kindOf(i) === undefined || kindOf(i) === 'user');

export function StructurePage({ kind }: { kind: StructureKind }) {
  const def = KINDS[kind];
  const poll = useModel(() => new SystemPoll([], [def.part, 'gateways'], 60_000));
  const selected = useSignal<string | null>(null);
  const list = def.list();
  const item = list?.find((i) => i.id === selected.value);

  return (
    <Page id={`${kind}-page`} title={t(`system.${kind}`)} back={{ href: '#/system' }} wide>
      <div class="split" data-kind={kind}>
        <section class="pane list-pane">
          <div class="pane-head">
            <h2>{t(`system.${kind}`)}</h2>
            <button type="button" data-testid="structure-add" onClick={() => { selected.value = 'new'; }}>+ {t('cfg.add')}</button>
          </div>
          {!list ? <p class="muted">{poll.error.value ? t('common.error', { message: poll.error.value }) : t('common.loading')}</p> : list.length === 0 ? (
            <p class="muted">{t('structure.none')}</p>
          ) : (
            <ul class="items" data-testid="structure-list">
              {list.map((i) => (
                <li key={i.id}>
                  <button
                    type="button" class={`item${i.enabled ? '' : ' disabled-item'}${i.id === selected.value ? ' active' : ''}`}
                    data-testid="structure-item" data-id={i.id} data-name={i.name} data-enabled={i.enabled}
                    aria-current={i.id === selected.value ? 'true' : undefined} onClick={() => { selected.value = i.id; }}
                  >
                    <span class="item-main">
                      <b>{def.part === 'loads' ? loadName(i) : i.name}</b>
                      <small class="muted">
                        {def.remote ? `${t('cfg.remoteId')} ${def.remote(i)}` : ''}
                        {kindOf(i) && kindOf(i) !== 'user' ? `${def.remote ? ' · ' : ''}${t(`load.kind.${kindOf(i)}` as MessageKey)}` : ''}
                        {'description' in i && i.description ? `${def.remote ? ' · ' : ''}${i.description}` : ''}
                      </small>
                    </span>
                    {!i.enabled ? <span class="tag off" data-testid="disabled-mark">{t('cfg.disabled')}</span> : null}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="pane form-pane">
          {selected.value === 'new' ? (
            <ItemForm key="new" kind={kind} onDone={(id) => { selected.value = id; }} />
          ) : item ? (
            <ItemForm key={item.id} kind={kind} item={item} onDone={(id) => { selected.value = id; }} />
          ) : <p class="muted">{t('structure.choose')}</p>}
        </section>
      </div>
    </Page>
  );
}

function ItemForm({ kind, item, onDone }: { kind: StructureKind; item?: Item; onDone: (id: string | null) => void }) {
  const def = KINDS[kind];
  const name = useSignal(item?.name ?? '');
  const description = useSignal(item && 'description' in item ? item.description : '');
  const save = useAction();
  const act = useAction();
  const confirmDelete = useSignal(false);
  const deleteError = useSignal<string | null>(null);
  const errors = save.errors();
  const assigned = kind === 'panelboards' && item ? (gateways.value ?? []).filter((g) => g.panelBoardId === item.id) : [];

  const body = (enabled: boolean) => ({ name: name.value.trim(), description: description.value.trim(), enabled });

  async function onSave(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      if (!item) {
        const created = await def.create(body(true));
        await reload(def.part);
        onDone(created.id);
        return;
      }
      await def.update(item.id, body(item.enabled));
      await reload(def.part);
      return t('cfg.saved');
    });
  }

  async function onToggle() {
    if (!item) return;
    await act.run(async () => {
      await def.update(item.id, { name: item.name, description: 'description' in item ? item.description : '', enabled: !item.enabled });
      await reload(def.part);
    });
  }

  async function onDelete() {
    if (!item) return;
    deleteError.value = null;
    try {
      await def.remove(item.id);
      confirmDelete.value = false;
      await reload(def.part, 'gateways');
      onDone(null);
    } catch (e) {
      deleteError.value = problemOf(e).message;
    }
  }

  return (
    <form class="card form" onSubmit={onSave} data-testid="structure-form" data-id={item?.id ?? 'new'} noValidate>
      <div class="form-head">
        <h2>{item ? item.name : t(`structure.new.${kind}` as MessageKey)}</h2>
        {item && !enableFixed(item) ? <OnOff on={item.enabled} onToggle={() => { void onToggle(); }} disabled={act.state.value.busy} /> : null}
      </div>
      {item && def.remote ? (
        <p class="ids"><span>{t('cfg.remoteId')} <b data-testid="structure-remote-id">{def.remote(item)}</b></span></p>
      ) : null}
      {nameFixed(item) ? <p class="muted note-small">{t(enableFixed(item) ? 'load.fixedNote' : 'load.predefinedNote')}</p> : null}
      <Field label={t('cfg.name')} name="name" errors={errors}>
        <input data-testid="structure-name" value={name.value} maxLength={40} disabled={nameFixed(item)} onInput={(e) => { name.value = e.currentTarget.value; }} />
      </Field>
      {def.hasDescription ? (
        <Field label={t('cfg.description')} name="description" errors={errors}>
          <input data-testid="structure-description" value={description.value} maxLength={200} onInput={(e) => { description.value = e.currentTarget.value; }} />
        </Field>
      ) : null}
      {kind === 'panelboards' && item ? (
        <p class="muted note-small" data-testid="panelboard-gateways">
          {assigned.length ? t('pb.gateways', { names: assigned.map((g) => g.name).join(', ') }) : t('pb.noGateway')}
        </p>
      ) : null}
      <FormMessage action={save} shown={['name', 'description']} />
      <FormMessage action={act} testid="toggle-message" />
      <div class="buttons">
        {nameFixed(item) && !def.hasDescription ? null : (
          <button type="submit" class="primary-inline" data-testid="structure-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
        )}
        {erasable(item) ? (
          <button type="button" class="danger-outline" data-testid="structure-delete" onClick={() => { deleteError.value = null; confirmDelete.value = true; }}>
            {t('cfg.delete')}
          </button>
        ) : null}
        {!item ? <button type="button" onClick={() => onDone(null)}>{t('cfg.cancel')}</button> : null}
      </div>
      {confirmDelete.value && item ? (
        <ConfirmDialog
          title={t('structure.deleteTitle')} confirmLabel={t('cfg.delete')} danger error={deleteError.value}
          onCancel={() => { confirmDelete.value = false; }} onConfirm={() => { void onDelete(); }}
        >
          <p>{t(`structure.deleteConfirm.${kind}` as MessageKey, { name: item.name })}</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
