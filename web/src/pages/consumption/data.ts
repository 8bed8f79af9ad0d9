/**
 * The Consumptions pages' shared state (the period shown, kept while moving between the pages)
 * and the hook that fetches `GET /api/consumption` answers, refreshed every 60 s while shown.
 */
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type ConsumptionQuery, type ConsumptionResult, type Period } from '../../api';
import { problemOf } from '../../components/form';
import { startPolling } from '../../state/poll';
import { todayIn } from '../../state/consumption';

export const CONSUMPTION_REFRESH_MS = 60_000;

/** The installation's time zone, learned from the answers (the browser's until then). */
export const timezone = signal<string | undefined>(undefined);
/** Day, month, year or 10 years (CON-6). */
export const period = signal<Period>('day');
/** A day of the period shown, `YYYY-MM-DD`. */
export const date = signal<string>(todayIn());

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
    state.value = { key, results: null, error: null };
    const load = async () => {
      try {
        const results = await Promise.all(queries.map((q) => api.consumption(q)));
        if (!live) return;
        if (results[0]) timezone.value = results[0].timezone;
        state.value = { key, results, error: null };
      } catch (e) {
        if (!live) return;
        state.value = { key, results: state.value.results, error: problemOf(e).message };
        throw e;
      }
    };
    const stop = startPolling(load, refreshMs);
    return () => { live = false; stop(); };
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
