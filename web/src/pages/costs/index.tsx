/**
 * Bill of consumptions (COST-1…4) for one energy type (tabs Electricity / Gas / Water): the
 * currency and the gas conversion factor, up to 5 tariffs with dated prices, and the ordered
 * cost rules (first true rule gives the tariff) with the active one flashing, the periods of the
 * coming week no rule covers, and the recomputation of the history after a change. Each change
 * to the rules is saved at once as the whole ordered list; the daemon's field errors `<index>.<field>`
 * come back on the editor's fields.
 */
import { useSignal } from '@preact/signals';
import { COST_TYPES, CURRENCIES, type CostSettings, type CostType, type Tariff } from '@ews/shared';
import { ConfirmDialog } from '../../components/dialog';
import { Field, FormMessage, num, useAction } from '../../components/form';
import { Page } from '../../components/layout';
import { lang, t } from '../../i18n';
import { normalizeCurrency, removeRule, ruleSummary, type FieldErrors } from '../../state/costs';
import { useCosts, type Costs, typeName, tariffName } from './shared';
import { TariffsCard, TariffDialog } from './tariffs';
import { RulesCard, RuleDialog } from './rules';

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
