/**
 * Bill of consumptions (COST-1…4) for one energy type (tabs Electricity / Gas / Water): the
 * currency and the gas conversion factor, up to 5 tariffs with dated prices, and the ordered
 * cost rules (first true rule gives the tariff) with the active one flashing, the periods of the
 * coming week no rule covers, and the recomputation of the history after a change. Each change
 * to the rules is saved at once as the whole ordered list; the daemon's field errors `<index>.<field>`
 * come back on the editor's fields.
 */
import type { ComponentChildren } from 'preact';
import { useModel, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import {
  COST_TYPES, CURRENCIES, MAX_PRICES_PER_TARIFF, MAX_RULES_PER_TYPE, MAX_TARIFFS_PER_TYPE, WEEKDAYS,
  type CostRuleInput, type CostSettings, type CostType, type Tariff,
} from '@ews/shared';
import { ConfirmDialog } from '../components/dialog';
import { Check, Field, FormMessage, num, type Action, useAction } from '../components/form';
import { Page } from '../components/layout';
import { lang, t, type MessageKey } from '../i18n';
import {
  CostsModel, currentPrice, formatPrice, listFieldErrors, moveRule, newRuleDraft, normalizeCurrency, priceUnit, putRule,
  removeRule, ruleDraftOf, ruleFieldErrors, ruleInputOf, ruleSummary, tariffDraftErrors, tariffDraftOf, tariffInputOf,
  todayLocal, toggleDay, uncoveredSummary, type FieldErrors, type RuleDraft, type TariffDraft,
} from '../state/costs';

const useCosts = (type: CostType) => useModel(() => new CostsModel(type));
type Costs = ReturnType<typeof useCosts>;

const typeName = (type: CostType) => t(`energy.${type}` as MessageKey);
const currencyOf = (m: Costs) => m.settings.value?.currency ?? '…';

export function CostsPage({ type }: { type: CostType }) {
  const m = useCosts(type);
  const editTariff = useSignal<Tariff | 'new' | null>(null);
  const deleteTariff = useSignal<Tariff | null>(null);
  /** Index of the rule being edited; the list's length for a new rule. */
  const editRule = useSignal<number | null>(null);
  const deleteRule = useSignal<number | null>(null);
  const del = useAction();

  return (
    <Page id="costs-page" title={t('system.costs')} back={{ href: '#/system' }} wide>
      <nav class="tabs" role="tablist" aria-label={t('costs.types')} data-testid="costs-tabs">
        {COST_TYPES.map((k) => (
          <a
            key={k} href={`#/system/costs/${k}`} role="tab" class={k === type ? 'tab active' : 'tab'} aria-selected={k === type}
            data-testid={`costs-tab-${k}`}
          >{typeName(k)}</a>
        ))}
      </nav>
      {m.loadError.value ? (
        <p class="banner error" role="alert" data-testid="costs-load-error">
          {t('common.error', { message: m.loadError.value })}{' '}
          <button type="button" onClick={() => { void m.load(); }}>{t('costs.retry')}</button>
        </p>
      ) : null}
      <RecomputeBar m={m} />
      <div class="costs-top">
        <section class="card costs-card" aria-labelledby="costs-settings-title" data-testid="cost-settings">
          <h2 id="costs-settings-title" class="costs-h2">{t('costs.settings')}</h2>
          {m.settings.value ? <SettingsForm m={m} type={type} initial={m.settings.value} /> : <p class="muted">{t('common.loading')}</p>}
        </section>
        <TariffsCard
          m={m} type={type} onEdit={(x) => { editTariff.value = x; }}
          onDelete={(x) => { del.clear(); deleteTariff.value = x; }}
        />
      </div>
      <RulesCard
        m={m} type={type} onEdit={(i) => { editRule.value = i; }}
        onDelete={(i) => { del.clear(); deleteRule.value = i; }}
      />
      {editTariff.value ? (
        <TariffDialog m={m} type={type} tariff={editTariff.value === 'new' ? undefined : editTariff.value} onClose={() => { editTariff.value = null; }} />
      ) : null}
      {editRule.value !== null ? <RuleDialog m={m} type={type} index={editRule.value} onClose={() => { editRule.value = null; }} /> : null}
      {deleteTariff.value ? (
        <ConfirmDialog
          title={t('costs.tariffDeleteTitle')} confirmLabel={t('cfg.delete')} danger busy={del.state.value.busy}
          error={del.state.value.problem?.message ?? null} onCancel={() => { deleteTariff.value = null; }}
          onConfirm={() => {
            const x = deleteTariff.value!;
            void del.run(async () => { await m.deleteTariff(x.id); deleteTariff.value = null; });
          }}
        >
          <p>{t('costs.tariffDeleteConfirm', { name: deleteTariff.value.name })}</p>
        </ConfirmDialog>
      ) : null}
      {deleteRule.value !== null ? (
        <ConfirmDialog
          title={t('costs.ruleDeleteTitle')} confirmLabel={t('cfg.delete')} danger busy={del.state.value.busy}
          error={del.state.value.problem?.message ?? null} onCancel={() => { deleteRule.value = null; }}
          onConfirm={() => {
            const i = deleteRule.value!;
            void del.run(async () => { await m.saveRules(removeRule(m.rules(), i)); deleteRule.value = null; });
          }}
        >
          <p>{describeRule(m, deleteRule.value)}</p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}

function describeRule(m: Costs, i: number): string {
  const r = m.rules()[i];
  if (!r) return '';
  return t('costs.ruleDeleteConfirm', { n: i + 1, tariff: tariffName(m, r.tariffId), ...ruleSummary(r, t, lang.value) });
}

const tariffName = (m: Costs, id: string) => m.tariffOf(id)?.name ?? t('costs.unknownTariff', { id });

// #region Recomputation, settings
function RecomputeBar({ m }: { m: Costs }) {
  const r = m.recompute.value;
  if (!r) return null;
  const percent = Math.max(0, Math.min(100, Math.round(r.percent)));
  return (
    <div class="banner cost-recompute" role="status" data-testid="recompute" data-percent={percent}>
      <span>{t('costs.recompute', { types: r.types.map(typeName).join(', ') })}</span>
      <progress data-testid="recompute-progress" value={percent} max={100} aria-label={t('costs.recomputeLabel')} />
      <b>{t('costs.percent', { n: percent })}</b>
    </div>
  );
}

function SettingsForm({ m, type, initial }: { m: Costs; type: CostType; initial: CostSettings }) {
  const currency = useSignal(initial.currency);
  const factor = useSignal(String(initial.gasKwhPerM3));
  const local = useSignal<FieldErrors>({});
  const save = useAction();
  const errors = { ...save.errors(), ...local.value };
  const gas = type === 'gas';
  const typed = normalizeCurrency(currency.value);

  function onSubmit(e: Event) {
    e.preventDefault();
    const c = normalizeCurrency(currency.value);
    const f = gas ? num(factor.value) : (m.settings.value ?? initial).gasKwhPerM3;
    const bad: FieldErrors = {};
    if (!c.known) bad.currency = [t('costs.currencyUnknown', { code: c.code })];
    if (f === undefined || !Number.isFinite(f)) bad.gasKwhPerM3 = [t('costs.gasFactorNumber')];
    local.value = bad;
    if (Object.keys(bad).length) { save.clear(); return; }
    void save.run(async () => {
      await m.saveSettings({ currency: c.code, gasKwhPerM3: f as number });
      const saved = m.settings.value;
      if (saved) { currency.value = saved.currency; factor.value = String(saved.gasKwhPerM3); }
      return t('cfg.saved');
    });
  }

  return (
    <form class="form" noValidate onSubmit={onSubmit} data-testid="cost-settings-form">
      <Field label={t('costs.currency')} name="currency" errors={errors} hint={t('costs.currencyHint')}>
        <input
          data-testid="currency" list="costs-currencies" value={currency.value} maxLength={3} autocomplete="off" spellcheck={false}
          aria-invalid={typed.code.length === 3 && !typed.known ? 'true' : undefined}
          onInput={(e) => { currency.value = e.currentTarget.value.toUpperCase(); local.value = {}; }}
        />
      </Field>
      <datalist id="costs-currencies">{CURRENCIES.map((c) => <option key={c} value={c} />)}</datalist>
      {gas ? (
        <>
          <Field label={t('costs.gasFactor')} name="gasKwhPerM3" errors={errors} hint={t('costs.gasFactorHint')}>
            <input
              data-testid="gas-factor" value={factor.value} inputMode="decimal" autocomplete="off"
              onInput={(e) => { factor.value = e.currentTarget.value; local.value = {}; }}
            />
          </Field>
          <p class="muted note-small">{t('costs.gasFactorNote')}</p>
        </>
      ) : <p class="muted note-small">{t('costs.gasFactorElsewhere')}</p>}
      <FormMessage action={save} shown={['currency', 'gasKwhPerM3']} testid="settings-message" />
      <div class="buttons">
        <button type="submit" class="primary-inline" data-testid="save-settings" disabled={save.state.value.busy}>{t('cfg.save')}</button>
      </div>
    </form>
  );
}
// #endregion

// #region Tariffs
function TariffsCard({ m, type, onEdit, onDelete }: { m: Costs; type: CostType; onEdit: (x: Tariff | 'new') => void; onDelete: (x: Tariff) => void }) {
  const list = m.tariffs.value;
  const full = (list?.length ?? 0) >= MAX_TARIFFS_PER_TYPE;
  const unit = priceUnit(type, currencyOf(m));
  const today = todayLocal();
  return (
    <section class="card costs-card" aria-labelledby="costs-tariffs-title" data-testid="tariffs">
      <div class="pane-head">
        <h2 id="costs-tariffs-title">
          {t('costs.tariffs')} — {typeName(type)}{' '}
          {list ? <small class="muted">({t('costs.tariffCount', { n: list.length, max: MAX_TARIFFS_PER_TYPE })})</small> : null}
        </h2>
        <button type="button" data-testid="tariff-add" disabled={!list || full} onClick={() => onEdit('new')}>+ {t('costs.tariffAdd')}</button>
      </div>
      {full ? <p class="muted note-small">{t('costs.tariffMax', { max: MAX_TARIFFS_PER_TYPE })}</p> : null}
      {!list ? <p class="muted">{t('common.loading')}</p> : list.length === 0 ? (
        <p class="muted" data-testid="tariffs-none">{t('costs.noTariff')}</p>
      ) : (
        <ul class="items" data-testid="tariff-list">
          {list.map((x) => {
            const { now, next } = currentPrice(x, today);
            const price = (p: number) => formatPrice(p, lang.value);
            const parts: string[] = [];
            if (now) {
              parts.push(t('costs.priceNow', { price: price(now.price), unit }));
              if (now.from && x.prices.length > 1) parts.push(t('costs.priceSince', { date: now.from }));
              if (next?.from) parts.push(t('costs.priceNext', { price: price(next.price), date: next.from }));
            } else if (next?.from) {
              parts.push(t('costs.priceNotYet', { price: price(next.price), unit, date: next.from }));
            }
            if (x.prices.length > 1) parts.push(t('costs.priceCount', { n: x.prices.length }));
            return (
              <li key={x.id} class="item cost-tariff" data-testid="tariff-row" data-id={x.id} data-name={x.name} style={{ borderLeftColor: x.color }}>
                <span class="cost-swatch" style={{ background: x.color }} data-testid="tariff-swatch" data-color={x.color} aria-hidden="true" />
                <span class="item-main">
                  <b data-testid="tariff-row-name">{x.name}</b>
                  <small class="muted" data-testid="tariff-price">{parts.join(' · ')}</small>
                </span>
                <span class="buttons small">
                  <button type="button" data-testid="tariff-edit" aria-label={t('costs.editTariff', { name: x.name })} onClick={() => onEdit(x)}>{t('costs.edit')}</button>
                  <button type="button" class="danger-outline" data-testid="tariff-delete" aria-label={t('costs.deleteTariff', { name: x.name })} onClick={() => onDelete(x)}>
                    {t('cfg.delete')}
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function TariffDialog({ m, type, tariff, onClose }: { m: Costs; type: CostType; tariff?: Tariff; onClose: () => void }) {
  const d = useSignal<TariffDraft>(tariffDraftOf(tariff, (m.tariffs.value ?? []).filter((x) => x.id !== tariff?.id)));
  const local = useSignal<FieldErrors>({});
  const save = useAction();
  const errors = { ...save.errors(), ...local.value };
  const unit = priceUnit(type, currencyOf(m));
  const x = d.value;
  const set = (patch: Partial<TariffDraft>) => { d.value = { ...d.value, ...patch }; };
  const setPrice = (i: number, patch: Partial<TariffDraft['prices'][number]>) => {
    set({ prices: d.value.prices.map((p, k) => (k === i ? { ...p, ...patch } : p)) });
  };
  const priceKeys = x.prices.flatMap((_, i) => [`prices.${i}.price`, `prices.${i}.from`]);

  function onSubmit(e: Event) {
    e.preventDefault();
    local.value = tariffDraftErrors(d.value, t('costs.priceNumber'));
    if (Object.keys(local.value).length) { save.clear(); return; }
    void save.run(async () => { await m.saveTariff(tariff?.id ?? null, tariffInputOf(type, d.value)); onClose(); });
  }

  return (
    <Modal title={tariff ? t('costs.tariffTitle', { name: tariff.name }) : t('costs.tariffNew', { type: typeName(type) })} testid="tariff-dialog" onClose={onClose}>
      <form class="form" noValidate autocomplete="off" onSubmit={onSubmit} data-testid="tariff-form" data-id={tariff?.id ?? 'new'}>
        <div class="row">
          <Field label={t('costs.tariffName')} name="name" errors={errors} class="grow">
            <input data-testid="tariff-name" value={x.name} maxLength={32} onInput={(e) => set({ name: e.currentTarget.value })} />
          </Field>
          <Field label={t('costs.tariffColor')} name="color" errors={errors} hint={t('costs.tariffColorHint')} class="short">
            <input type="color" class="cost-color" data-testid="tariff-color" value={x.color} onInput={(e) => set({ color: e.currentTarget.value })} />
          </Field>
        </div>
        <fieldset class="group" data-field="prices">
          <legend>{t('costs.prices')} ({unit})</legend>
          <p class="muted note-small">{t('costs.pricesNote')}</p>
          {x.prices.map((p, i) => (
            <div key={i} class="cost-price-row" data-testid="price-row" data-index={i}>
              <Field label={t('costs.price', { unit })} name={`prices.${i}.price`} errors={errors}>
                <input data-testid="price" value={p.price} inputMode="decimal" onInput={(e) => { setPrice(i, { price: e.currentTarget.value }); local.value = {}; }} />
              </Field>
              <Field label={t('costs.priceFrom')} name={`prices.${i}.from`} errors={errors} hint={x.prices.length === 1 ? t('costs.priceFromOne') : undefined}>
                <input type="date" data-testid="price-from" value={p.from} onInput={(e) => setPrice(i, { from: e.currentTarget.value })} />
              </Field>
              <button
                type="button" class="cost-remove" data-testid="price-remove" disabled={x.prices.length === 1}
                aria-label={t('costs.priceRemove', { n: i + 1 })} title={t('costs.priceRemove', { n: i + 1 })}
                onClick={() => { set({ prices: x.prices.filter((_, k) => k !== i) }); local.value = {}; }}
              >×</button>
            </div>
          ))}
          {errors.prices ? <span class="field-error" role="alert" data-testid="error-prices">{errors.prices.join(' ')}</span> : null}
          <div class="buttons small">
            <button
              type="button" data-testid="price-add" disabled={x.prices.length >= MAX_PRICES_PER_TARIFF}
              onClick={() => set({ prices: [...x.prices, { price: '', from: '' }] })}
            >+ {t('costs.priceAdd')}</button>
            {x.prices.length >= MAX_PRICES_PER_TARIFF ? <small class="muted">{t('costs.priceMax', { max: MAX_PRICES_PER_TARIFF })}</small> : null}
          </div>
        </fieldset>
        <FormMessage action={save} shown={['name', 'color', 'prices', ...priceKeys]} testid="tariff-message" />
        <div class="buttons">
          <button type="submit" class="primary-inline" data-testid="tariff-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
          <button type="button" data-testid="tariff-cancel" onClick={onClose}>{t('cfg.cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
// #endregion

// #region Cost rules
function RulesCard({ m, type, onEdit, onDelete }: { m: Costs; type: CostType; onEdit: (i: number) => void; onDelete: (i: number) => void }) {
  const move = useAction();
  const v = m.view.value;
  const tariffs = m.tariffs.value ?? [];
  const rules = v?.rules ?? [];
  const full = rules.length >= MAX_RULES_PER_TYPE;

  async function onMove(i: number, delta: number) {
    const ok = await move.run(() => m.saveRules(moveRule(m.rules(), i, delta)));
    if (!ok) return;
    // Keep the focus on the rule that moved (the rows are in list order).
    const row = document.querySelector(`[data-testid=rule-row][data-index="${i + delta}"]`);
    const button = row?.querySelector<HTMLButtonElement>(`[data-testid=rule-${delta < 0 ? 'up' : 'down'}]:not(:disabled)`)
      ?? row?.querySelector<HTMLButtonElement>('[data-testid=rule-edit]');
    button?.focus();
  }

  return (
    <section class="card costs-card" aria-labelledby="costs-rules-title" data-testid="rules">
      <div class="pane-head">
        <h2 id="costs-rules-title">{t('costs.rules')} — {typeName(type)}</h2>
        <button type="button" data-testid="rule-add" disabled={!v || tariffs.length === 0 || full} onClick={() => onEdit(rules.length)}>
          + {t('costs.ruleAdd')}
        </button>
      </div>
      <p class="muted note-small">{t('costs.rulesHint')}</p>
      {m.tariffs.value && tariffs.length === 0 ? <p class="banner warn" data-testid="rules-need-tariff">{t('costs.ruleNeedsTariff')}</p> : null}
      {full ? <p class="muted note-small">{t('costs.ruleMax', { max: MAX_RULES_PER_TYPE })}</p> : null}
      {v && v.uncovered.length ? (
        <div class="banner warn" role="status" data-testid="rules-uncovered">
          <b>{t('costs.uncovered')}</b>
          <ul>{v.uncovered.map((p) => <li key={`${p.from}/${p.to}`} data-from={p.from} data-to={p.to}>{uncoveredSummary(p, t)}</li>)}</ul>
          <p class="note-small">{t('costs.uncoveredNoCost')}</p>
        </div>
      ) : null}
      <RulesProblem m={m} action={move} testid="rules-message" />
      {!v ? <p class="muted">{t('common.loading')}</p> : rules.length === 0 ? (
        <p class="muted" data-testid="rules-none">{t('costs.noRule')}</p>
      ) : (
        <div class="scroll">
          <table class="list-table cost-rules" data-testid="rule-list">
            <thead>
              <tr>
                <th scope="col">{t('costs.col.position')}</th>
                <th scope="col">{t('costs.col.tariff')}</th>
                <th scope="col">{t('costs.col.validity')}</th>
                <th scope="col">{t('costs.col.time')}</th>
                <th scope="col">{t('costs.col.days')}</th>
                <th scope="col"><span class="cost-sr">{t('costs.col.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r, i) => (
                <RuleRow
                  key={i} m={m} rule={r} index={i} last={i === rules.length - 1} active={v.activeRule === i} busy={move.state.value.busy}
                  onMove={(delta) => { void onMove(i, delta); }} onEdit={() => onEdit(i)} onDelete={() => onDelete(i)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RuleRow({ m, rule, index, last, active, busy, onMove, onEdit, onDelete }: {
  m: Costs; rule: CostRuleInput; index: number; last: boolean; active: boolean; busy: boolean;
  onMove: (delta: number) => void; onEdit: () => void; onDelete: () => void;
}) {
  const n = index + 1;
  const s = ruleSummary(rule, t, lang.value);
  const tariff = m.tariffOf(rule.tariffId);
  return (
    <tr data-testid="rule-row" data-index={index} data-active={active ? 'true' : 'false'} class={active ? 'cost-rule-active' : undefined}>
      <td class="num">{n}</td>
      <th scope="row" class="cost-rule-tariff">
        <span class="cost-active-slot">
          {active ? <span class="cost-active-mark" data-testid="rule-active" title={t('costs.activeTitle')} aria-hidden="true">►</span> : null}
        </span>
        <span class="cost-swatch" style={{ background: tariff?.color ?? 'transparent' }} aria-hidden="true" />
        <span data-testid="rule-tariff-name">{tariffName(m, rule.tariffId)}</span>
        {active ? <span class="tag ok" title={t('costs.activeTitle')}>{t('costs.active')}</span> : null}
      </th>
      <td data-testid="rule-validity">{s.validity}</td>
      <td data-testid="rule-time">{s.time}</td>
      <td data-testid="rule-days">{s.days}</td>
      <td class="cost-actions">
        <span class="buttons small">
          <button type="button" data-testid="rule-up" disabled={busy || index === 0} aria-label={t('costs.moveUpRule', { n })} title={t('costs.moveUp')} onClick={() => onMove(-1)}>▲</button>
          <button type="button" data-testid="rule-down" disabled={busy || last} aria-label={t('costs.moveDownRule', { n })} title={t('costs.moveDown')} onClick={() => onMove(1)}>▼</button>
          <button type="button" data-testid="rule-edit" aria-label={t('costs.editRule', { n })} onClick={onEdit}>{t('costs.edit')}</button>
          <button type="button" class="danger-outline" data-testid="rule-delete" aria-label={t('costs.deleteRule', { n })} onClick={onDelete}>{t('cfg.delete')}</button>
        </span>
      </td>
    </tr>
  );
}

const RULE_FIELDS: Record<string, MessageKey> = {
  tariffId: 'costs.ruleTariff', from: 'costs.ruleFrom', to: 'costs.ruleTo', repeatEveryYear: 'costs.ruleRepeat',
  timeFrom: 'costs.ruleTimeFrom', timeTo: 'costs.ruleTimeTo', days: 'costs.ruleDays',
};

/**
 * The outcome of a list change: the message, then the field errors as "Rule 3 · To (time): …",
 * except those of rule `shownIndex`, which its editor shows at its inputs.
 */
function RulesProblem({ m, action, shownIndex, testid }: { m: Costs; action: Action; shownIndex?: number; testid: string }) {
  const p = action.state.value.problem;
  if (!p) return null;
  const rest = listFieldErrors(p.fields).filter((e) => e.index !== shownIndex || !(e.field in RULE_FIELDS));
  return (
    <div class="banner error" role="alert" data-testid={testid}>
      {p.message}
      {rest.length ? (
        <ul>
          {rest.map((e) => (
            <li key={`${e.index}.${e.field}`} data-index={e.index ?? undefined} data-field={e.field}>
              <b>
                {e.index !== null ? t('costs.ruleAt', { n: e.index + 1 }) : ''}
                {e.index !== null && e.index !== shownIndex && m.rules()[e.index] ? ` (${tariffName(m, m.rules()[e.index].tariffId)})` : ''}
                {e.field ? `${e.index !== null ? ' · ' : ''}${RULE_FIELDS[e.field] ? t(RULE_FIELDS[e.field]) : e.field}` : ''}
              </b>: {e.messages.join(' ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RuleDialog({ m, type, index, onClose }: { m: Costs; type: CostType; index: number; onClose: () => void }) {
  const rules = m.rules();
  const isNew = index >= rules.length;
  const tariffs = m.tariffs.value ?? [];
  const d = useSignal<RuleDraft>(isNew ? newRuleDraft(tariffs) : ruleDraftOf(rules[index]));
  const save = useAction();
  const errors = ruleFieldErrors(save.errors(), index);
  const x = d.value;
  const set = (patch: Partial<RuleDraft>) => { d.value = { ...d.value, ...patch }; };
  const all = x.days.length === WEEKDAYS.length;
  const preview = ruleSummary(ruleInputOf(x), t, lang.value);
  const chosen = tariffs.find((tf) => tf.id === x.tariffId);

  function onSubmit(e: Event) {
    e.preventDefault();
    void save.run(async () => { await m.saveRules(putRule(m.rules(), index, ruleInputOf(d.value))); onClose(); });
  }

  return (
    <Modal title={isNew ? t('costs.ruleNew', { type: typeName(type) }) : t('costs.ruleTitle', { n: index + 1 })} testid="rule-dialog" onClose={onClose}>
      <form class="form" noValidate autocomplete="off" onSubmit={onSubmit} data-testid="rule-form" data-index={index}>
        <p class="muted note-small">{isNew ? t('costs.ruleAtEnd') : t('costs.rulePosition', { n: index + 1, total: rules.length })}</p>
        <Field label={t('costs.ruleTariff')} name="tariffId" errors={errors}>
          <span class="cost-select">
            <span class="cost-swatch" style={{ background: chosen?.color ?? 'transparent' }} aria-hidden="true" />
            <select data-testid="rule-tariff" value={x.tariffId} onChange={(e) => set({ tariffId: e.currentTarget.value })}>
              {chosen ? null : <option value={x.tariffId}>{x.tariffId ? t('costs.unknownTariff', { id: x.tariffId }) : '—'}</option>}
              {tariffs.map((tf) => <option key={tf.id} value={tf.id}>{tf.name}</option>)}
            </select>
          </span>
        </Field>
        <fieldset class="group">
          <legend>{t('costs.ruleValidity')}</legend>
          <div class="row">
            <Field label={t('costs.ruleFrom')} name="from" errors={errors}>
              <input type="date" data-testid="rule-from" value={x.from} onInput={(e) => set({ from: e.currentTarget.value })} />
            </Field>
            <Field label={t('costs.ruleTo')} name="to" errors={errors}>
              <input type="date" data-testid="rule-to" value={x.to} onInput={(e) => set({ to: e.currentTarget.value })} />
            </Field>
          </div>
          <p class="muted note-small">{t('costs.ruleDatesHint')}</p>
          <div class="row cost-inline">
            <Check label={t('costs.ruleRepeat')} checked={x.repeatEveryYear} testid="rule-repeat" name="repeatEveryYear" errors={errors} onChange={(c) => set({ repeatEveryYear: c })} />
            <button type="button" class="cost-small" data-testid="rule-dates-clear" disabled={!x.from && !x.to} onClick={() => set({ from: '', to: '' })}>
              {t('costs.ruleDatesClear')}
            </button>
          </div>
          <p class="muted note-small">{t('costs.ruleRepeatHint')}</p>
        </fieldset>
        <fieldset class="group">
          <legend>{t('costs.ruleTime')}</legend>
          <div class="row">
            <Field label={t('costs.ruleTimeFrom')} name="timeFrom" errors={errors}>
              <input type="time" step={60} data-testid="rule-time-from" value={x.timeFrom} onInput={(e) => set({ timeFrom: e.currentTarget.value })} />
            </Field>
            <Field label={t('costs.ruleTimeTo')} name="timeTo" errors={errors}>
              <input type="time" step={60} data-testid="rule-time-to" value={x.timeTo} onInput={(e) => set({ timeTo: e.currentTarget.value })} />
            </Field>
          </div>
          <p class="muted note-small">{t('costs.ruleTimeHint')}</p>
        </fieldset>
        <fieldset class={`group${errors.days ? ' invalid' : ''}`} data-field="days">
          <legend>{t('costs.ruleDays')}</legend>
          <Check label={t('costs.everyDay')} checked={all} testid="rule-day-all" onChange={(c) => set({ days: c ? [...WEEKDAYS] : [] })} />
          <div class="cost-days">
            {WEEKDAYS.map((w) => (
              <Check
                key={w} label={t(`costs.dayLong.${w}` as MessageKey)} checked={x.days.includes(w)} testid={`rule-day-${w}`}
                onChange={(c) => set({ days: toggleDay(x.days, w, c) })}
              />
            ))}
          </div>
          {errors.days ? <span class="field-error" role="alert" data-testid="error-days">{errors.days.join(' ')}</span> : null}
        </fieldset>
        <p class="cost-preview" data-testid="rule-preview">
          {t('costs.rulePreview', { summary: [chosen?.name ?? '—', preview.validity, preview.time, preview.days].join(' · ') })}
        </p>
        <RulesProblem m={m} action={save} shownIndex={index} testid="rule-message" />
        <div class="buttons">
          <button type="submit" class="primary-inline" data-testid="rule-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
          <button type="button" data-testid="rule-cancel" onClick={onClose}>{t('cfg.cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
// #endregion

/** An editor over the page: Escape or Cancel closes it (a click outside does not: edits would be lost). */
function Modal({ title, testid, onClose, children }: { title: string; testid: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !document.querySelector('[data-testid=confirm-dialog]')) onClose(); };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);
  return (
    <div class="overlay">
      <div ref={ref} class="card dialog cost-dialog" role="dialog" aria-modal="true" aria-labelledby={`${testid}-title`} data-testid={testid}>
        <h2 id={`${testid}-title`}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
