/**
 * Users (AUTH-3, administrator and greenUp only): add a user, edit its codes and pages, disable
 * it without erasing. Change the default codes (AUTH-5): the page an administrator is led to
 * after logging in while factory codes are still in use.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ROLE_PAGES, type Page as PageName, type Role, type UserSummary } from '@ews/shared';
import { api } from '../api';
import type { KioskToken, NewKioskToken, UserInput } from '@ews/shared';
import { ConfirmDialog } from '../components/dialog';
import { Check, Field, FormMessage, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { formatDateTime, t, type MessageKey } from '../i18n';
import { sessionModel } from '../state/session';

const ROLES: Role[] = ['administrator', 'greenUp', 'installer', 'user'];
const PAGES: PageName[] = ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp'];
/** AUTH-2 defaults preset the pages when a role is chosen for a new user. */

function useUsers() {
  const users = useSignal<UserSummary[] | null>(null);
  const error = useSignal<string | null>(null);
  const load = () => api.users().then((u) => { users.value = u; error.value = null; }, (e) => { error.value = problemOf(e).message; });
  useEffect(() => { void load(); }, []);
  return { users, error, load };
}

export function UsersPage() {
  const { users, error, load } = useUsers();
  const selected = useSignal<string | null>(null);
  const list = users.value;
  const user = list?.find((u) => u.id === selected.value);
  return (
    <Page id="users-page" title={t('settings.users')} back={{ href: '#/settings' }} wide>
      <div class="split">
        <section class="pane list-pane">
          <div class="pane-head">
            <h2>{t('settings.users')}</h2>
            <button type="button" data-testid="user-add" onClick={() => { selected.value = 'new'; }}>+ {t('cfg.add')}</button>
          </div>
          {error.value ? <p class="error" role="alert">{error.value}</p> : null}
          {!list ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : (
            <ul class="items" data-testid="user-list">
              {list.map((u) => (
                <li key={u.id}>
                  <button
                    type="button" class={`item${u.enabled ? '' : ' disabled-item'}${u.id === selected.value ? ' active' : ''}`}
                    data-testid="user-item" data-id={u.id} data-enabled={u.enabled} onClick={() => { selected.value = u.id; }}
                  >
                    <span class="item-main"><b>{u.name}</b><small class="muted">{t(`role.${u.role}` as MessageKey)}</small></span>
                    <span class="item-side">
                      {u.defaultCodes ? <span class="tag warn">{t('users.defaultCodes')}</span> : null}
                      {!u.enabled ? <span class="tag off">{t('cfg.disabled')}</span> : null}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="pane form-pane">
          {selected.value === 'new' ? (
            <UserForm key="new" onSaved={(u) => { void load().then(() => { selected.value = u.id; }); }} onCancel={() => { selected.value = null; }} />
          ) : user ? (
            <UserForm key={user.id} user={user} onSaved={() => { void load(); void sessionModel.check(); }} />
          ) : <p class="muted">{t('users.choose')}</p>}
        </section>
      </div>
      <KioskTokens />
    </Page>
  );
}

/**
 * BEY-1: kiosk tokens for wall tablets (create, show the URL once with a copy button, list,
 * revoke). The daemon keeps only a hash of each token.
 */
function KioskTokens() {
  const tokens = useSignal<KioskToken[] | null>(null);
  const listError = useSignal<string | null>(null);
  const name = useSignal('');
  const created = useSignal<NewKioskToken | null>(null);
  const copied = useSignal(false);
  const revoking = useSignal<KioskToken | null>(null);
  const create = useAction();
  const revoke = useAction();
  const load = () => api.kioskTokens().then((k) => { tokens.value = k; listError.value = null; }, (e) => { listError.value = problemOf(e).message; });
  useEffect(() => { void load(); }, []);
  const url = created.value ? `${location.origin}${created.value.url}` : '';

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard API (plain http on a LAN address): select the text and copy it the old way.
      const input = document.querySelector<HTMLInputElement>('[data-testid=kiosk-url]');
      input?.select();
      try { document.execCommand('copy'); } catch { /* the URL stays selected for a manual copy */ }
    }
    copied.value = true;
  }

  return (
    <section class="card kiosk-tokens" data-testid="kiosk-tokens">
      <h2>{t('kiosk.tokens')}</h2>
      <p class="muted note-small">{t('kiosk.tokensHint')}</p>
      <form
        class="row" noValidate autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const k = await api.createKioskToken(name.value.trim());
            created.value = k;
            copied.value = false;
            name.value = '';
            await load();
          });
        }}
      >
        <Field label={t('kiosk.name')} name="name" errors={create.errors()} hint={t('kiosk.nameHint')} class="grow">
          <input data-testid="kiosk-name" value={name.value} maxLength={40} onInput={(e) => { name.value = e.currentTarget.value; }} />
        </Field>
        <div class="buttons bottom">
          <button type="submit" class="primary-inline" data-testid="kiosk-create" disabled={create.state.value.busy || !name.value.trim()}>{t('kiosk.create')}</button>
        </div>
      </form>
      <FormMessage action={create} shown={['name']} testid="kiosk-message" />
      {created.value ? (
        <div class="banner warn kiosk-created" data-testid="kiosk-created" role="status">
          <p>{t('kiosk.created', { name: created.value.name })}</p>
          <div class="row">
            <input class="inline-input grow" readOnly data-testid="kiosk-url" value={url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" data-testid="kiosk-copy" onClick={() => { void copy(); }}>{copied.value ? t('kiosk.copied') : t('kiosk.copy')}</button>
            <a class="button" href={url} target="_blank" rel="noopener" data-testid="kiosk-open">{t('kiosk.open')}</a>
          </div>
          <p class="note-small">{t('kiosk.options')} <a href="#/settings/kiosk" data-testid="kiosk-setup-link">{t('kioskSetup.title')} →</a></p>
        </div>
      ) : null}
      {listError.value ? <p class="error" role="alert">{listError.value}</p> : null}
      {!tokens.value ? (listError.value ? null : <p class="muted">{t('common.loading')}</p>) : tokens.value.length === 0 ? (
        <p class="muted" data-testid="kiosk-none">{t('kiosk.none')}</p>
      ) : (
        <ul class="items" data-testid="kiosk-list">
          {tokens.value.map((k) => (
            <li key={k.id} class="item kiosk-item" data-testid="kiosk-item" data-id={k.id}>
              <span class="item-main"><b>{k.name}</b><small class="muted">{t('kiosk.createdBy', { date: formatDateTime(k.created), user: k.createdBy })}</small></span>
              <button type="button" class="danger-outline" data-testid="kiosk-revoke" onClick={() => { revoke.clear(); revoking.value = k; }}>{t('kiosk.revoke')}</button>
            </li>
          ))}
        </ul>
      )}
      {revoking.value ? (
        <ConfirmDialog
          title={t('kiosk.revokeTitle')} confirmLabel={t('kiosk.revoke')} danger busy={revoke.state.value.busy}
          error={revoke.state.value.problem?.message ?? null}
          onCancel={() => { revoking.value = null; }}
          onConfirm={() => {
            const k = revoking.value!;
            void revoke.run(async () => {
              await api.revokeKioskToken(k.id);
              if (created.value?.id === k.id) created.value = null;
              revoking.value = null;
              await load();
            });
          }}
        >
          <p>{t('kiosk.revokeConfirm', { name: revoking.value.name })}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function UserForm({ user, onSaved, onCancel }: { user?: UserSummary; onSaved: (u: UserSummary) => void; onCancel?: () => void }) {
  const v = useSignal({
    name: user?.name ?? '', role: user?.role ?? ('user' as Role), pages: user?.pages ?? ROLE_PAGES.user,
    enabled: user?.enabled ?? true, pin: '', puk: '',
  });
  const save = useAction();
  const errors = save.errors();
  const set = (patch: Partial<typeof v.value>) => { v.value = { ...v.value, ...patch }; };
  const x = v.value;

  async function onSubmit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body: UserInput = { name: x.name.trim(), role: x.role, pages: x.pages, enabled: x.enabled };
      if (x.pin) body.pin = x.pin;
      if (x.puk) body.puk = x.puk;
      const saved = user ? await api.updateUser(user.id, body) : await api.createUser(body);
      set({ pin: '', puk: '' });
      onSaved(saved);
      return t('cfg.saved');
    });
  }

  return (
    <form class="card form" onSubmit={onSubmit} data-testid="user-form" data-id={user?.id ?? 'new'} noValidate autocomplete="off">
      <div class="form-head"><h2>{user ? user.name : t('users.new')}</h2></div>
      <Field label={t('cfg.name')} name="name" errors={errors}>
        <input data-testid="user-name" value={x.name} maxLength={40} onInput={(e) => set({ name: e.currentTarget.value })} />
      </Field>
      <Field label={t('users.role')} name="role" errors={errors}>
        <select
          data-testid="user-role" value={x.role}
          onChange={(e) => { const role = e.currentTarget.value as Role; set(user ? { role } : { role, pages: ROLE_PAGES[role] }); }}
        >
          {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
        </select>
      </Field>
      <div class="row">
        <Field label={t('login.pin')} name="pin" errors={errors} hint={user ? t('users.keep') : t('login.pinHint')} class="grow">
          <input type="password" data-testid="user-pin" value={x.pin} inputMode="numeric" maxLength={5} autocomplete="new-password" onInput={(e) => set({ pin: e.currentTarget.value })} />
        </Field>
        <Field label={t('login.puk')} name="puk" errors={errors} hint={user ? t('users.keep') : t('login.pukHint')} class="grow">
          <input type="password" data-testid="user-puk" value={x.puk} inputMode="numeric" maxLength={20} autocomplete="new-password" onInput={(e) => set({ puk: e.currentTarget.value })} />
        </Field>
      </div>
      <fieldset class="group" data-field="pages">
        <legend>{t('users.pages')}</legend>
        <div class="checks">
          {PAGES.map((p) => (
            <Check
              key={p} label={t(`page.${p}` as MessageKey)} testid={`user-page-${p}`} checked={x.pages.includes(p)}
              onChange={(c) => set({ pages: c ? PAGES.filter((q) => q === p || x.pages.includes(q)) : x.pages.filter((q) => q !== p) })}
            />
          ))}
        </div>
        {errors.pages ? <span class="field-error" role="alert">{errors.pages.join(' ')}</span> : null}
      </fieldset>
      <Check label={t('users.enabled')} checked={x.enabled} testid="user-enabled" name="enabled" errors={errors} onChange={(c) => set({ enabled: c })} />
      <FormMessage action={save} shown={['name', 'role', 'pin', 'puk', 'pages', 'enabled']} />
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="user-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
        {onCancel ? <button type="button" onClick={onCancel}>{t('cfg.cancel')}</button> : null}
      </div>
    </form>
  );
}

/** AUTH-5: new codes for the users that still have the factory ones; "Later" goes home. */
export function ChangeCodesPage() {
  const { users, error, load } = useUsers();
  const list = users.value?.filter((u) => u.defaultCodes);
  const changed = useSignal<string[]>([]);
  return (
    <Page id="change-codes-page" title={t('codes.title')} hideCodesWarning>
      <p class="banner warn">{t('codes.intro')}</p>
      {error.value ? <p class="error" role="alert">{error.value}</p> : null}
      {changed.value.length ? <p class="ok-msg" data-testid="codes-changed">{t('codes.changed', { names: changed.value.join(', ') })}</p> : null}
      {!list ? (error.value ? null : <p class="muted">{t('common.loading')}</p>) : list.length === 0 ? (
        <p data-testid="codes-none">{t('codes.none')}</p>
      ) : (
        <div class="code-cards">
          {list.map((u) => (
            <CodesForm
              key={u.id} user={u}
              onSaved={() => { changed.value = [...changed.value, u.name]; void load(); void sessionModel.check(); }}
            />
          ))}
        </div>
      )}
      <div class="buttons">
        <a class="button" href="#/" data-testid="change-codes-later">{list && list.length === 0 ? t('codes.continue') : t('codes.later')}</a>
      </div>
    </Page>
  );
}

function CodesForm({ user, onSaved }: { user: UserSummary; onSaved: () => void }) {
  const pin = useSignal('');
  const puk = useSignal('');
  const save = useAction();
  const errors = save.errors();
  return (
    <form
      class="card form" data-testid="codes-form" data-user={user.id} noValidate autocomplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(async () => {
          await api.updateUser(user.id, { pin: pin.value, puk: puk.value });
          onSaved();
        });
      }}
    >
      <h2>{user.name} <small class="muted">{t(`role.${user.role}` as MessageKey)}</small></h2>
      <div class="row">
        <Field label={t('codes.newPin')} name="pin" errors={errors} hint={t('login.pinHint')} class="grow">
          <input type="password" data-testid="codes-pin" value={pin.value} inputMode="numeric" maxLength={5} autocomplete="new-password" onInput={(e) => { pin.value = e.currentTarget.value; }} />
        </Field>
        <Field label={t('codes.newPuk')} name="puk" errors={errors} hint={t('login.pukHint')} class="grow">
          <input type="password" data-testid="codes-puk" value={puk.value} inputMode="numeric" maxLength={20} autocomplete="new-password" onInput={(e) => { puk.value = e.currentTarget.value; }} />
        </Field>
      </div>
      <FormMessage action={save} shown={['pin', 'puk']} />
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="codes-save" disabled={save.state.value.busy || !pin.value || !puk.value}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}
