/** Bill of consumptions: the ordered cost rules of a type, moved up and down, and their editor (COST-3). */
import { useSignal } from '@preact/signals';
import { MAX_RULES_PER_TYPE, WEEKDAYS, type CostRuleInput, type CostType } from '@ews/shared';
import { Check, Field, num, type Action, useAction } from '../../components/form';
import { lang, t, type MessageKey } from '../../i18n';
import { listFieldErrors, moveRule, newRuleDraft, putRule, ruleDraftOf, ruleFieldErrors, ruleInputOf, ruleSummary, toggleDay, uncoveredSummary, type RuleDraft } from '../../state/costs';
import { EditorDialog } from '../../components/dialog';
import { type Costs, typeName, tariffName } from './shared';


export function RulesCard({ m, type, onEdit, onDelete }: { m: Costs; type: CostType; onEdit: (i: number) => void; onDelete: (i: number) => void }) {
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

export function RuleDialog({ m, type, index, onClose }: { m: Costs; type: CostType; index: number; onClose: () => void }) {
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
    <EditorDialog title={isNew ? t('costs.ruleNew', { type: typeName(type) }) : t('costs.ruleTitle', { n: index + 1 })} testid="rule-dialog" onClose={onClose}>
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
    </EditorDialog>
  );
}
