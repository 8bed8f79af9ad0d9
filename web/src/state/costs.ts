/**
 * @module state/costs
 * Bill of consumptions (COST-1…4) as the configuration page edits it: cost settings, the
 * tariffs and the ordered cost rules of one energy type, and the background recomputation the
 * daemon runs after a rule change. The daemon validates every write; this model mirrors what it
 * answered. The pure helpers below (editor drafts, moving rules, summaries, field errors per
 * rule) carry the page's logic and are unit-tested.
 */
import { computed, createModel, effect, signal, untracked } from '@preact/signals';
import {
  WEEKDAYS, isCurrency,
  type CostRecompute, type CostRuleInput, type CostRulesView, type CostSettings, type CostType, type Price,
  type Tariff, type TariffInput, type UncoveredPeriod, type Weekday,
} from '@ews/shared';
import { api } from '../api';
import type { MessageKey } from '../i18n';
import { startPolling } from './poll';

/** `t` or a stand-in with the same shape (tests). */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
export type FieldErrors = Record<string, string[]>;

// #region Drafts of the editors (what the inputs hold, as strings)

export interface RuleDraft {
  tariffId: string;
  /** '' when not set. */
  from: string;
  to: string;
  repeatEveryYear: boolean;
  /** HH:MM; '' means the default (00:00 / 23:59). */
  timeFrom: string;
  timeTo: string;
  days: Weekday[];
}

/** A new rule: the first tariff, always, all day, every day (the user narrows it). */
export function newRuleDraft(tariffs: readonly Tariff[]): RuleDraft {
  return { tariffId: tariffs[0]?.id ?? '', from: '', to: '', repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: [...WEEKDAYS] };
}

export function ruleDraftOf(r: CostRuleInput): RuleDraft {
  return {
    tariffId: r.tariffId, from: r.from ?? '', to: r.to ?? '', repeatEveryYear: r.repeatEveryYear ?? false,
    timeFrom: r.timeFrom ?? '00:00', timeTo: r.timeTo ?? '23:59', days: sortDays(r.days ?? [...WEEKDAYS]),
  };
}

/** The rule the API receives: empty dates left out, days Monday first, empty times at their defaults. */
export function ruleInputOf(d: RuleDraft): CostRuleInput {
  const from = d.from.trim();
  const to = d.to.trim();
  return {
    tariffId: d.tariffId,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    repeatEveryYear: d.repeatEveryYear,
    timeFrom: d.timeFrom.trim() || '00:00',
    timeTo: d.timeTo.trim() || '23:59',
    days: sortDays(d.days),
  };
}

export function sortDays(days: readonly Weekday[]): Weekday[] {
  return WEEKDAYS.filter((w) => days.includes(w));
}

/** Ticks or unticks one day. */
export function toggleDay(days: readonly Weekday[], day: Weekday, on: boolean): Weekday[] {
  return sortDays(on ? [...days, day] : days.filter((d) => d !== day));
}

export interface PriceDraft { price: string; from: string }
export interface TariffDraft { name: string; color: string; prices: PriceDraft[] }

/** Colours offered to new tariffs, the first one not used yet. */
export const TARIFF_COLORS = ['#2f7fd1', '#f28c28', '#3aa655', '#c0392b', '#8e44ad', '#16a085', '#d4ac0d', '#7f8c8d'] as const;

export function nextColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return TARIFF_COLORS.find((c) => !taken.has(c)) ?? TARIFF_COLORS[used.length % TARIFF_COLORS.length];
}

export function tariffDraftOf(t: Tariff | undefined, others: readonly Tariff[]): TariffDraft {
  if (!t) return { name: '', color: nextColor(others.map((o) => o.color)), prices: [{ price: '', from: '' }] };
  return { name: t.name, color: t.color, prices: t.prices.map((p) => ({ price: String(p.price), from: p.from ?? '' })) };
}

/** "0,152" or "0.152" → 0.152; '' or not a number → NaN. */
export function parsePrice(s: string): number {
  const v = s.trim().replace(',', '.');
  if (v === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) return NaN;
  return Number(v);
}

/**
 * What the browser can tell before sending (a price that is not a number cannot even be sent
 * as JSON); the daemon checks the rest. Keys as the daemon's (`prices.1.price`).
 */
export function tariffDraftErrors(d: TariffDraft, message: string): FieldErrors {
  const out: FieldErrors = {};
  d.prices.forEach((p, i) => { if (Number.isNaN(parsePrice(p.price))) out[`prices.${i}.price`] = [message]; });
  return out;
}

export function tariffInputOf(type: CostType, d: TariffDraft): TariffInput {
  return {
    type, name: d.name.trim(), color: d.color.toLowerCase(),
    prices: d.prices.map((p) => {
      const from = p.from.trim();
      return { price: parsePrice(p.price), ...(from ? { from } : {}) };
    }),
  };
}

/** Currency as typed → the code the API expects, and whether it is a known ISO 4217 code. */
export function normalizeCurrency(s: string): { code: string; known: boolean } {
  const code = s.trim().toUpperCase();
  return { code, known: isCurrency(code) };
}
// #endregion

// #region The ordered list of rules

/** The list with the rule at `index` moved by `delta` places (unchanged when it cannot move). */
export function moveRule<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length || delta === 0) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

/** The list with the rule at `index` replaced, or appended when `index` is the list's length. */
export function putRule<T>(list: readonly T[], index: number, rule: T): T[] {
  const out = [...list];
  if (index >= out.length) out.push(rule);
  else out[index] = rule;
  return out;
}

export function removeRule<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** The daemon's field errors of one rule (`2.timeTo` → `timeTo`; `2.days.0` → `days`). */
export function ruleFieldErrors(fields: FieldErrors, index: number): FieldErrors {
  const out: FieldErrors = {};
  const prefix = `${index}.`;
  for (const [k, msgs] of Object.entries(fields)) {
    if (!k.startsWith(prefix)) continue;
    const field = k.slice(prefix.length).split('.')[0] || '(rule)';
    (out[field] ??= []).push(...msgs);
  }
  return out;
}

/** Every field error of a list answer, per rule, in order; `index` null for the list itself. */
export function listFieldErrors(fields: FieldErrors): Array<{ index: number | null; field: string; messages: string[] }> {
  const out: Array<{ index: number | null; field: string; messages: string[] }> = [];
  for (const [k, messages] of Object.entries(fields)) {
    const m = /^(\d+)(?:\.([^.]+))?/.exec(k);
    if (m) out.push({ index: Number(m[1]), field: m[2] ?? '', messages });
    else out.push({ index: null, field: k, messages });
  }
  return out.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
}
// #endregion

// #region Summaries

/** Monday-first index (0–6) of a calendar date `YYYY-MM-DD`. */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}

/** "Mon–Fri", "Mon, Wed, Sat–Sun", "Every day" (runs of 3 days or more are shortened). */
export function daysSummary(days: readonly Weekday[], tr: Translate): string {
  const idx = sortDays(days).map((d) => WEEKDAYS.indexOf(d));
  if (idx.length === 7) return tr('costs.days.every');
  if (idx.length === 0) return tr('costs.days.none');
  const parts: string[] = [];
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    const name = (k: number) => tr(`costs.day.${WEEKDAYS[idx[k]]}` as MessageKey);
    if (j - i >= 2) parts.push(`${name(i)}–${name(j)}`);
    else for (let k = i; k <= j; k++) parts.push(name(k));
    i = j + 1;
  }
  return parts.join(', ');
}

/** "All day", "19:00–23:59", "22:00–05:59 (over midnight)"; the end minute is included. */
export function timeSummary(from: string, to: string, tr: Translate): string {
  if (from === '00:00' && to === '23:59') return tr('costs.time.allDay');
  if (to < from) return tr('costs.time.overMidnight', { from, to });
  return tr('costs.time.range', { from, to });
}

/** A date of a yearly rule without its year ("25 December"), in the display language. */
export function dayOfYear(date: string, lang: string): string {
  const [y, m, d] = date.split('-').map(Number);
  try {
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang, { day: 'numeric', month: 'long', timeZone: 'UTC' });
  } catch {
    return date.slice(5);
  }
}

/** "Always", "2020-12-25", "2020-03-01 → 2020-03-31", "25 December, every year"… */
export function validitySummary(r: CostRuleInput, tr: Translate, lang: string): string {
  if (!r.from) return tr('costs.validity.always');
  const show = (d: string) => (r.repeatEveryYear ? dayOfYear(d, lang) : d);
  const period = r.to && r.to !== r.from
    ? tr('costs.validity.period', { from: show(r.from), to: show(r.to) })
    : tr('costs.validity.day', { date: show(r.from) });
  return r.repeatEveryYear ? tr('costs.validity.everyYear', { period }) : period;
}

export interface RuleSummary { validity: string; time: string; days: string }

export function ruleSummary(r: CostRuleInput, tr: Translate, lang: string): RuleSummary {
  return {
    validity: validitySummary(r, tr, lang),
    time: timeSummary(r.timeFrom ?? '00:00', r.timeTo ?? '23:59', tr),
    days: daysSummary(r.days ?? [...WEEKDAYS], tr),
  };
}

/** `2026-11-21 00:00` → "Sat 2026-11-21 00:00". */
export function formatLocalMinute(s: string, tr: Translate): string {
  const date = s.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return s;
  return `${tr(`costs.day.${weekdayOf(date)}` as MessageKey)} ${s}`;
}

/** "Sat 2026-11-21 00:00 – Sun 2026-11-22 23:59". */
export function uncoveredSummary(p: UncoveredPeriod, tr: Translate): string {
  return `${formatLocalMinute(p.from, tr)} – ${formatLocalMinute(p.to, tr)}`;
}

/** The price in force on `today` (the last that started), and the next one if any. */
export function currentPrice(t: Pick<Tariff, 'prices'>, today: string): { now: Price | null; next: Price | null } {
  const sorted = [...t.prices].sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
  let now: Price | null = null;
  let next: Price | null = null;
  for (const p of sorted) {
    if (!p.from || p.from <= today) now = p;
    else if (!next) next = p;
  }
  return { now, next };
}

/** "0.152", "0,1520"…: up to 6 decimals, at least 2, in the display language. */
export function formatPrice(price: number, lang: string): string {
  try {
    return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(price);
  } catch {
    return String(price);
  }
}

/** "EUR/kWh" for electricity, "EUR/m³" for gas and water (COST-2). */
export function priceUnit(type: CostType, currency: string): string {
  return `${currency}/${type === 'electricity' ? 'kWh' : 'm³'}`;
}

/** Today in the browser's zone, `YYYY-MM-DD` (close enough to the installation's to pick a price). */
export function todayLocal(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
// #endregion

// #region The page's model

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * One energy type's settings, tariffs and rules, loaded when the page opens. While the daemon
 * recomputes the history (`recompute` set), `/api/costs/status` is polled every second; when it
 * ends the rules view is fetched again.
 */
export const CostsModel = createModel((type: CostType) => {
  const settings = signal<CostSettings | null>(null);
  const tariffs = signal<Tariff[] | null>(null);
  const view = signal<CostRulesView | null>(null);
  const recompute = signal<CostRecompute | null>(null);
  /** Message of the last failed load; null after a good one. */
  const loadError = signal<string | null>(null);
  const recomputing = computed(() => recompute.value !== null);

  const noteRecompute = (r: CostRecompute | null) => { if (r) recompute.value = r; };
  const loadTariffs = async () => { tariffs.value = await api.tariffs(type); };
  const loadRules = async () => { const v = await api.costRules(type); view.value = v; noteRecompute(v.recompute); };
  const checkStatus = async () => { noteRecompute((await api.costStatus()).recompute); };

  async function load(): Promise<void> {
    const results = await Promise.allSettled([
      api.costSettings().then((s) => { settings.value = s; }), loadTariffs(), loadRules(), checkStatus(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    loadError.value = failed ? messageOf(failed.reason) : null;
  }

  effect(() => untracked(() => { void load(); }));
  effect(() => {
    if (!recomputing.value) return undefined;
    return startPolling(async () => {
      const s = await api.costStatus();
      if (s.recompute) { recompute.value = s.recompute; return; }
      recompute.value = null; // ends this polling
      try { await loadRules(); } catch (e) { loadError.value = messageOf(e); }
    }, 1000);
  });

  return {
    settings, tariffs, view, recompute, loadError,
    load,
    tariffOf: (id: string) => tariffs.value?.find((t) => t.id === id),
    /** The rules as the list the API takes back (PUT of the whole list). */
    rules: (): CostRuleInput[] => (view.value?.rules ?? []).map((r) => ({ ...r, days: [...r.days] })),
    async saveSettings(s: CostSettings): Promise<void> { settings.value = await api.setCostSettings(s); },
    async saveTariff(id: string | null, input: TariffInput): Promise<Tariff> {
      const saved = id ? await api.updateTariff(id, input) : await api.createTariff(input);
      await loadTariffs();
      await checkStatus().catch(() => { /* the next load tells */ });
      return saved;
    },
    async deleteTariff(id: string): Promise<void> { await api.deleteTariff(id); await loadTariffs(); },
    /** PUT of the whole ordered list; the answer is the new view (active rule, uncovered, recompute). */
    async saveRules(rules: CostRuleInput[]): Promise<void> {
      const v = await api.setCostRules(type, rules);
      view.value = v;
      noteRecompute(v.recompute);
    },
  };
});
// #endregion
