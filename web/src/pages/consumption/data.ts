/**
 * The Consumptions pages' shared state (the period and the unit shown, kept while moving
 * between the pages) and the hook that fetches `GET /api/consumption` answers, refreshed every
 * 60 s while shown, every few seconds while costs are being recomputed (COST-5).
 */
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { CostSettings } from '@ews/shared';
import { api } from '../../api';
import type { ConsumptionQuery, ConsumptionResult, Period } from '@ews/shared';
import { problemOf } from '../../components/form';
import { startPolling } from '../../state/poll';
import { todayIn } from '../../state/consumption';
import type { DisplayUnit } from '../../state/costs-view';

export const CONSUMPTION_REFRESH_MS = 60_000;
/** While a recomputation of costs is under way: its progress, then the new costs at once. */
export const RECOMPUTE_REFRESH_MS = 3_000;

/** The installation's time zone, learned from the answers (the browser's until then). */
export const timezone = signal<string | undefined>(undefined);
/** Day, month, year or 10 years (CON-6). */
export const period = signal<Period>('day');
/** A day of the period shown, `YYYY-MM-DD`. */
export const date = signal<string>(todayIn());
/** Energy, gas in equivalent Wh, or the cost in currency (CON-1…6). */
export const unit = signal<DisplayUnit>('energy');
/** The configured currency, learned from the answers with costs or the cost settings (null until then). */
export const knownCurrency = signal<string | null>(null);

export interface Fetched {
  /** The answers, in the order of the queries; null until they are in. */
  results: ConsumptionResult[] | null;
  /** Why the last refresh failed (the last answers stay on screen). */
  error: string | null;
}

/**
 * Fetches `queries` (all or none) now, whenever they change and every `refreshMs` while the
 * tab is shown. `null` queries: nothing to fetch yet.
 */
export function useConsumption(queries: ConsumptionQuery[] | null, refreshMs = CONSUMPTION_REFRESH_MS): Fetched {
  const key = queries ? JSON.stringify(queries) : '';
  const state = useSignal<Fetched & { key: string }>({ key: '', results: null, error: null });
  useEffect(() => {
    if (!queries || queries.length === 0) {
      state.value = { key, results: queries ? [] : null, error: null };
      return undefined;
    }
    let live = true;
    let soon: ReturnType<typeof setTimeout> | undefined;
    state.value = { key, results: null, error: null };
    const load = async () => {
      clearTimeout(soon);
      try {
        const results = await Promise.all(queries.map((q) => api.consumption(q)));
        if (!live) return;
        if (results[0]) timezone.value = results[0].timezone;
        const currency = results.find((r) => r.currency)?.currency;
        if (currency) knownCurrency.value = currency;
        state.value = { key, results, error: null };
        // Costs being recomputed: follow the progress; the first answer without it has the new costs.
        if (results.some((r) => r.recompute)) {
          soon = setTimeout(() => { if (live && !document.hidden) load().catch(() => { /* shown by the state */ }); }, RECOMPUTE_REFRESH_MS);
        }
      } catch (e) {
        if (!live) return;
        state.value = { key, results: state.value.results, error: problemOf(e).message };
        throw e;
      }
    };
    const stop = startPolling(load, refreshMs);
    return () => { live = false; clearTimeout(soon); stop(); };
  }, [key]);
  const s = state.value;
  return s.key === key ? { results: s.results, error: s.error } : { results: null, error: null };
}

/** A configuration list (loads, groups, devices) fetched once when the page opens. */
export function useList<T>(load: () => Promise<T[]>): { list: T[] | null; error: string | null } {
  const state = useSignal<{ list: T[] | null; error: string | null }>({ list: null, error: null });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      load().then(
        (list) => { if (live) state.value = { list, error: null }; },
        (e) => {
          if (!live) return;
          state.value = { list: state.value.list, error: problemOf(e).message };
          timer = setTimeout(run, 5000); // the daemon may be restarting
        },
      );
    };
    run();
    return () => { live = false; clearTimeout(timer); };
  }, []);
  return state.value;
}

/**
 * The cost settings (currency, gas kWh/m³ for "equivalent Wh"), fetched when the page opens;
 * null while on the way or when this user may not read them (then gas shows in volume only).
 */
export function useCostSettings(): CostSettings | null {
  const state = useSignal<CostSettings | null>(null);
  useEffect(() => {
    let live = true;
    api.costSettings().then((s) => {
      if (!live) return;
      state.value = s;
      knownCurrency.value = s.currency;
    }, () => { /* volume only */ });
    return () => { live = false; };
  }, []);
  return state.value;
}

/** The configured currency for labels (the units switch): asked once when not known yet. */
export function useKnownCurrency(): string | null {
  useEffect(() => {
    if (knownCurrency.value) return;
    api.costSettings().then((s) => { knownCurrency.value = s.currency; }, () => { /* "Currency" meanwhile */ });
  }, []);
  return knownCurrency.value;
}
