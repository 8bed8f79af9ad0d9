/**
 * @module config/costs
 * Rules of the Bill of consumptions (COST-1…4) on a draft document: at most 5 tariffs per type
 * with distinct names, rules that name a tariff of their own type; and COST-4, the older
 * single-price scheme turned into one always-valid rule with a tariff named "DEFAULT".
 */
import { COST_TYPES, MAX_TARIFFS_PER_TYPE, type CostRule, type CostType, type Price, type Tariff } from '@ews/shared';
import { defaultCosts, type ConfigDocument, type StoredCosts } from './document';
import { fail } from './rules';
import { compareText } from '../util/compare';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Prices in date order, the undated one (a single price, or "since always") first. */
export function sortPrices(prices: Price[]): Price[] {
  return [...prices].sort((a, b) => compareText(a.from ?? '', b.from ?? ''));
}

export function checkCosts(doc: ConfigDocument): void {
  const { tariffs, rules } = doc.costs;
  for (const type of COST_TYPES) {
    const mine = tariffs.filter((t) => t.type === type);
    if (mine.length > MAX_TARIFFS_PER_TYPE) fail('limit', 'type', `at most ${MAX_TARIFFS_PER_TYPE} ${type} tariffs`);
    mine.forEach((t, i) => {
      if (mine.some((o, j) => j < i && same(o.name, t.name))) fail('conflict', 'name', `the ${type} tariff name "${t.name}" is already used`);
    });
    rules[type].forEach((r, i) => {
      const t = tariffs.find((x) => x.id === r.tariffId);
      if (!t) fail('invalid', `${i}.tariffId`, `rule ${i + 1}: no tariff ${r.tariffId}`);
      if (t.type !== type) fail('invalid', `${i}.tariffId`, `rule ${i + 1}: "${t.name}" is a ${t.type} tariff, not a ${type} one`);
    });
  }
}

/** Positions (1-based) of the rules of `type` that use tariff `id`. */
export function rulesUsing(costs: StoredCosts, id: string): Array<{ type: CostType; positions: number[] }> {
  return COST_TYPES.map((type) => ({ type, positions: costs.rules[type].flatMap((r, i) => (r.tariffId === id ? [i + 1] : [])) }))
    .filter((u) => u.positions.length > 0);
}

/** The always-valid rule of a tariff (COST-4's DEFAULT rule). */
export const alwaysRule = (tariffId: string): CostRule => ({
  tariffId, repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
});

export const DEFAULT_TARIFF_COLORS: Record<CostType, string> = { electricity: '#f28c28', gas: '#3aa655', water: '#2f7fd1' };

/**
 * COST-4: one average price per type (the older scheme) becomes, per type that has one, a tariff
 * named DEFAULT with that price and one always-valid rule. Types that already have tariffs or
 * rules are left alone.
 */
export function importAveragePrices(costs: StoredCosts, averagePrices: Partial<Record<CostType, number>>): StoredCosts {
  const out: StoredCosts = structuredClone(costs);
  for (const type of COST_TYPES) {
    const price = averagePrices[type];
    if (price === undefined || !Number.isFinite(price) || price < 0) continue;
    if (out.tariffs.some((t) => t.type === type) || out.rules[type].length > 0) continue;
    const id = `default-${type}`;
    const tariff: Tariff = { id, type, name: 'DEFAULT', color: DEFAULT_TARIFF_COLORS[type], prices: [{ price }] };
    out.tariffs.push(tariff);
    out.rules[type] = [alwaysRule(id)];
  }
  return out;
}

/**
 * The stored costs part, whatever its age: absent (before costs existed) gives the defaults; the
 * older scheme `{currency, gasKwhPerM3, averagePrices}` becomes DEFAULT rules (COST-4).
 */
export function migrateCosts(stored: unknown): StoredCosts {
  const fresh = defaultCosts();
  if (!stored || typeof stored !== 'object') return fresh;
  const s = stored as Partial<StoredCosts> & { currency?: string; gasKwhPerM3?: number; averagePrices?: Partial<Record<CostType, number>> };
  if (Array.isArray(s.tariffs) && s.settings && s.rules) {
    return { settings: s.settings, tariffs: s.tariffs, rules: Object.fromEntries(COST_TYPES.map((t) => [t, s.rules?.[t] ?? []])) as StoredCosts['rules'] };
  }
  const settings = { ...fresh.settings, ...(s.currency ? { currency: s.currency } : {}), ...(s.gasKwhPerM3 ? { gasKwhPerM3: s.gasKwhPerM3 } : {}) };
  return importAveragePrices({ ...fresh, settings }, s.averagePrices ?? {});
}
