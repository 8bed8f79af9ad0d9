/**
 * Wall-tablet kiosk (BEY-1): `#/kiosk?token=…&views=total-day,total-month,overall&every=20`.
 * Rotates the chosen charts full screen with big text, re-fetches every 60 s and on each
 * rotation, keeps the screen awake (Screen Wake Lock, re-acquired when the page is shown
 * again), and never shows a login prompt: a read-only kiosk token authenticates every GET
 * (kept in localStorage so a reload keeps working). While the daemon is away (restart,
 * network) the last charts stay and it retries quietly.
 */
import { computed, signal, useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { api, isApiClientError, setBearer } from '../../api';
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import { lang, LANGS, showLang, t, type Lang, type MessageKey } from '../../i18n';
import {
  overallQueries, parseKioskEvery, parseKioskViews, periodTitle, stackedChart, todayIn, type KioskView,
} from '../../state/consumption';
import { BarChart } from './chart';
import { OverallTableView, seriesLabel } from './total';

export const KIOSK_TOKEN_KEY = 'ews.kioskToken';
export const KIOSK_REFRESH_MS = 60_000;
/** Quiet retries while the daemon is unreachable. */
export const KIOSK_RETRY_MS = 5_000;

type KioskStatus = 'loading' | 'ok' | 'retrying' | 'unauthorized' | 'noToken';

function queriesOf(v: KioskView, date: string): ConsumptionQuery[] {
  if (v.what === 'overall') return overallQueries(v.period, date);
  return [{ scope: v.what === 'total' ? 'total' : v.scope!, period: v.period, date }];
}

function viewTitle(v: KioskView, results: ConsumptionResult[] | undefined): string {
  if (v.what === 'total') return t('cons.totalTitle');
  if (v.what === 'overall') return t('cons.overallTitle');
  const s = results?.[0]?.series;
  return s && s.length === 1 ? seriesLabel(s[0].key, s[0].label) : v.scope!;
}

/** The token from the URL (remembered) or the one remembered earlier. */
function kioskToken(fromUrl: string | undefined): string | null {
  try {
    if (fromUrl) { localStorage.setItem(KIOSK_TOKEN_KEY, fromUrl); return fromUrl; }
    return localStorage.getItem(KIOSK_TOKEN_KEY);
  } catch {
    return fromUrl ?? null;
  }
}

function createKiosk(query: Record<string, string>) {
  const views = parseKioskViews(query.views);
  const everyMs = parseKioskEvery(query.every) * 1000;
  const index = signal(0);
  const cache = signal<Record<string, ConsumptionResult[]>>({});
  /** Views whose scope this installation does not have (404): their id → the scope named in the link. */
  const unknown = signal<Record<string, string>>({});
  const status = signal<KioskStatus>('loading');
  /** Successful fetches since the page opened (tests and the status line). */
  const fetches = signal(0);
  const lastOk = signal<Date | null>(null);
  const timezone = signal<string | undefined>(undefined);
  const current = computed(() => views[index.value % views.length]);
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let inFlight = 0;

  async function fetchView(v: KioskView): Promise<void> {
    if (stopped || status.value === 'unauthorized') return;
    clearTimeout(retry);
    const mine = ++inFlight;
    try {
      const results = await Promise.all(queriesOf(v, todayIn(timezone.value)).map((q) => api.consumption(q)));
      if (stopped) return;
      if (results[0]) timezone.value = results[0].timezone;
      cache.value = { ...cache.value, [v.id]: results };
      fetches.value++;
      lastOk.value = new Date();
      status.value = 'ok';
    } catch (e) {
      if (stopped || mine !== inFlight) return;
      if (isApiClientError(e) && (e.status === 401 || e.status === 403)) {
        status.value = 'unauthorized';
        return;
      }
      if (isApiClientError(e) && e.status === 404) {
        // A scope removed since, or mistyped in the link: said on its turn, the others rotate on.
        unknown.value = { ...unknown.value, [v.id]: v.scope ?? v.id };
        status.value = 'ok';
        return;
      }
      status.value = 'retrying';
      retry = setTimeout(() => { void fetchView(current.value); }, KIOSK_RETRY_MS);
    }
  }

  return {
    views, everyMs, index, cache, unknown, status, fetches, lastOk, current, timezone,
    start(): () => void {
      void fetchView(current.value);
      const rotate = views.length > 1
        ? setInterval(() => { index.value = (index.value + 1) % views.length; void fetchView(current.value); }, everyMs)
        : undefined;
      const refresh = setInterval(() => { void fetchView(current.value); }, KIOSK_REFRESH_MS);
      const onVisible = () => { if (!document.hidden) void fetchView(current.value); };
      document.addEventListener('visibilitychange', onVisible);
      return () => {
        stopped = true;
        clearInterval(rotate);
        clearInterval(refresh);
        clearTimeout(retry);
        document.removeEventListener('visibilitychange', onVisible);
      };
    },
  };
}

type WakeState = 'pending' | 'active' | 'released' | 'unsupported' | 'refused';

/** Screen Wake Lock, re-acquired whenever the page becomes visible again (the browser drops it when hidden). */
function useWakeLock(): WakeState {
  const state = useSignal<WakeState>('pending');
  useEffect(() => {
    const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinel> } };
    if (!nav.wakeLock) { state.value = 'unsupported'; return undefined; }
    let lock: WakeLockSentinel | null = null;
    let alive = true;
    const acquire = async () => {
      if (document.visibilityState !== 'visible' || (lock && !lock.released)) return;
      try {
        lock = await nav.wakeLock!.request('screen');
        if (!alive) { void lock.release(); return; }
        state.value = 'active';
        lock.addEventListener('release', () => { if (alive) state.value = 'released'; });
      } catch {
        state.value = 'refused';
      }
    };
    const onVisibility = () => { void acquire(); };
    void acquire();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      alive = false;
      document.removeEventListener('visibilitychange', onVisibility);
      if (lock && !lock.released) void lock.release();
    };
  }, []);
  return state.value;
}

/** A tap anywhere puts the kiosk full screen (the Fullscreen API needs a user gesture). */
function useTapFullscreen(): void {
  useEffect(() => {
    const el = document.documentElement as HTMLElement & { webkitRequestFullscreen?: () => void };
    const onTap = () => {
      if (document.fullscreenElement) return;
      try {
        if (el.requestFullscreen) el.requestFullscreen().catch(() => { /* the page already fills the screen */ });
        else el.webkitRequestFullscreen?.();
      } catch { /* idem */ }
    };
    document.addEventListener('pointerdown', onTap);
    return () => document.removeEventListener('pointerdown', onTap);
  }, []);
}

function Clock() {
  const now = useSignal(new Date());
  useEffect(() => {
    const id = setInterval(() => { now.value = new Date(); }, 10_000);
    return () => clearInterval(id);
  }, []);
  return <span class="kiosk-clock">{now.value.toLocaleTimeString(lang.value, { hour: '2-digit', minute: '2-digit' })}</span>;
}

export function KioskPage({ query }: { query: Record<string, string> }) {
  // The bearer must be in place before any child fetches: set during the first render.
  const token = useMemo(() => {
    if (query.lang && (LANGS as string[]).includes(query.lang) && query.lang !== lang.value) void showLang(query.lang as Lang);
    const tk = kioskToken(query.token);
    setBearer(tk);
    return tk;
  }, []);
  const k = useMemo(() => createKiosk(query), []);
  useEffect(() => {
    document.documentElement.classList.add('kiosk-mode');
    if (!token) { k.status.value = 'noToken'; return () => { setBearer(null); }; }
    // Again here: a previous kiosk (another link in the same tab) may have cleared it on its way out.
    setBearer(token);
    const stop = k.start();
    return () => { stop(); setBearer(null); document.documentElement.classList.remove('kiosk-mode'); };
  }, []);
  const wake = useWakeLock();
  useTapFullscreen();

  const v = k.current.value;
  const results = k.cache.value[v.id];
  const unknownScope = results ? undefined : k.unknown.value[v.id];
  const status = k.status.value;
  const date = results?.[0]?.date ?? todayIn(k.timezone.value);
  const chart = useMemo(() => (results && v.what !== 'overall' ? stackedChart(results[0], seriesLabel) : null), [results]);

  return (
    <div
      class="kiosk" data-testid="kiosk" data-status={status} data-view={v.id} data-fetches={k.fetches.value} data-wakelock={wake}
      data-every={k.everyMs / 1000}
    >
      <header class="kiosk-head">
        <h1 class="kiosk-title" data-testid="kiosk-title">{viewTitle(v, results)}</h1>
        <span class="kiosk-period">{periodTitle(date, v.period, lang.value)}</span>
        <span class={`kiosk-state kiosk-${status}`} data-testid="kiosk-state" role="status">
          <i class="dot" aria-hidden="true" />
          {status === 'ok' ? t('kiosk.live') : status === 'retrying' ? t('kiosk.retrying') : status === 'loading' ? t('common.loading') : ''}
        </span>
        <Clock />
      </header>
      <main class="kiosk-body">
        {status === 'noToken' || status === 'unauthorized' ? (
          <p class="kiosk-message" data-testid="kiosk-denied">{t(status === 'noToken' ? 'kiosk.noToken' : 'kiosk.unauthorized')}</p>
        ) : unknownScope !== undefined ? (
          <p class="kiosk-message" role="alert" data-testid="kiosk-unknown" data-scope={unknownScope}>{t('kiosk.unknownScope', { scope: unknownScope })}</p>
        ) : !results ? (
          <p class="kiosk-message muted">{status === 'retrying' ? t('kiosk.retrying') : t('common.loading')}</p>
        ) : v.what === 'overall' ? (
          <OverallTableView results={results} big />
        ) : chart ? (
          <BarChart key={v.id} data={chart} testid={`chart-${v.what === 'total' ? 'total' : 'scope'}`} big />
        ) : null}
      </main>
      <footer class="kiosk-foot">
        {k.views.length > 1 ? (
          <span class="kiosk-dots" aria-hidden="true">
            {k.views.map((x, i) => <i key={x.id} class={i === k.index.value % k.views.length ? 'on' : ''} />)}
          </span>
        ) : null}
        <span class="muted">{t(`cons.period.${v.period}` as MessageKey)}</span>
        {wake === 'unsupported' || wake === 'refused' ? <span class="muted kiosk-wake">{t('kiosk.noWakeLock')}</span> : null}
      </footer>
    </div>
  );
}
