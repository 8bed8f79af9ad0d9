/**
 * Costs in the consumption views (CON-1…6, COST-5): the units switch (kWh | m³ | kWh eq. | €),
 * the notice of a recomputation under way, and what is shown instead of empty cost charts
 * (no tariff for the energy type, an export counter, a server without costs).
 */
import type { ComponentChildren } from 'preact';
import type { CostType } from '@ews/shared';
import type { ConsumptionResult } from '@ews/shared';
import { lang, t, type MessageKey } from '../../i18n';
import { sessionModel } from '../../state/session';
import {
  costStateOf, costTypeOfCounter, currencySymbol, recomputeOf, type CostState, type DisplayUnit,
} from '../../state/costs-view';
import type { EnergyUnit } from '../../state/consumption';
import { useKnownCurrency } from './data';

const UNIT_LABEL: Record<EnergyUnit, string> = { Wh: 'kWh', dm3: 'm³' };

/**
 * The units switch (`data-testid="unit-switch"`, buttons `unit-energy`, `unit-equivalent`,
 * `unit-cost`). `units`: the buttons; `offered`: those that may be chosen now, the others are
 * disabled with `why` as their tooltip (CON-4: different kinds compare in currency only).
 */
export function UnitSwitch({ units, offered = units, value, onChange, energyUnit, why }: {
  units: readonly DisplayUnit[]; offered?: readonly DisplayUnit[]; value: DisplayUnit; onChange: (u: DisplayUnit) => void;
  energyUnit: EnergyUnit; why?: string;
}) {
  const currency = useKnownCurrency();
  const label = (u: DisplayUnit) => (u === 'energy' ? UNIT_LABEL[energyUnit]
    : u === 'equivalent' ? t('cons.cost.kwhEq')
    : currency ? currencySymbol(currency, lang.value) : t('cons.cost.currency'));
  const title = (u: DisplayUnit) => (u === 'energy' ? t('cons.cost.showEnergy')
    : u === 'equivalent' ? t('cons.cost.showEquivalent') : t('cons.cost.showCost'));
  return (
    <div class="seg unit-switch" role="group" aria-label={t('cons.cost.unit')} data-testid="unit-switch" data-unit={value}>
      {units.map((u) => {
        const ok = offered.includes(u);
        return (
          <button
            key={u} type="button" class={u === value ? 'seg-btn active' : 'seg-btn'} aria-pressed={u === value} disabled={!ok}
            data-testid={`unit-${u}`} title={ok ? title(u) : why} onClick={() => onChange(u)}
          >{label(u)}</button>
        );
      })}
    </div>
  );
}

/** "Costs are being recomputed: 42 %" while the daemon recomputes the history (COST-5). */
export function RecomputeNotice({ results }: { results: ReadonlyArray<ConsumptionResult> | null | undefined }) {
  const rc = recomputeOf(results);
  if (!rc) return null;
  const pct = Math.max(0, Math.min(100, Math.round(rc.percent)));
  return (
    <div class="banner info recompute-notice" role="status" data-testid="recompute-notice" data-percent={pct}>
      <span>{t('cons.cost.recompute', { percent: pct })}</span>
      <span class="recompute-bar" aria-hidden="true"><span style={{ width: `${pct}%` }} /></span>
      <small class="muted">{t('cons.cost.recomputeHint', { types: rc.types.map((x) => t(`energy.${x}` as MessageKey)).join(', ') })}</small>
    </div>
  );
}

/** The first answer whose costs cannot be shown, and why; null when all can. */
export function blockingCosts(results: ReadonlyArray<ConsumptionResult>): { state: Exclude<CostState, 'ok'>; type: CostType | null } | null {
  for (const r of results) {
    const state = costStateOf(r);
    if (state !== 'ok') return { state, type: costTypeOfCounter(r.counter) };
  }
  return null;
}

/** A link to the Bill of consumptions of `type` for users with the System configuration right. */
export function TariffsLink({ type }: { type: CostType }) {
  const canConfigure = !!sessionModel.user.value?.pages.includes('systemConfig');
  return canConfigure ? (
    <a href={`#/system/costs/${type}`} data-testid="to-costs" data-type={type}>{t('cons.cost.configure', { energy: t(`energy.${type}` as MessageKey) })} →</a>
  ) : <span class="muted">{t('cons.cost.askInstaller')}</span>;
}

/** Why there is no cost to show, instead of an empty chart. */
export function CostNotice({ state, type }: { state: Exclude<CostState, 'ok'>; type: CostType | null }) {
  if (state === 'export') return <p class="muted chart-pending" data-testid="costs-export">{t('cons.cost.noExportCost')}</p>;
  if (state === 'unsupported') return <p class="muted chart-pending" data-testid="costs-unavailable">{t('cons.cost.unavailable')}</p>;
  return (
    <div class="chart-pending no-tariffs" data-testid="no-tariffs" data-type={type ?? ''}>
      <p>{t('cons.cost.noTariffs', { energy: type ? t(`energy.${type}` as MessageKey) : '' })}</p>
      {type ? <p><TariffsLink type={type} /></p> : null}
    </div>
  );
}

/**
 * In currency: the recomputation notice, then `children` (the cost chart or table), or why
 * there is no cost to show. In energy: `children` alone.
 */
export function CostGate({ results, cost, children }: { results: ReadonlyArray<ConsumptionResult>; cost: boolean; children: ComponentChildren }) {
  if (!cost) return <>{children}</>;
  const blocked = blockingCosts(results);
  return (
    <>
      <RecomputeNotice results={results} />
      {blocked ? <CostNotice state={blocked.state} type={blocked.type} /> : children}
    </>
  );
}
