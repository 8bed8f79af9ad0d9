/**
 * Advanced display (CON-6): Day / Month / Year / 10 years, a date picker, ◀ ▶ to step periods,
 * the `datalogger.csv` of the period shown, and full screen in and out (Fullscreen API, or a
 * fixed full-window mode where the API is missing or refused; the exit button stays visible).
 */
import type { ComponentChildren } from 'preact';
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { consumptionCsvUrl } from '../../api';
import type { ConsumptionQuery } from '@ews/shared';
import { lang, t, type MessageKey } from '../../i18n';
import { CONSUMPTION_VIEWS, type ConsumptionView } from '../../state/router';
import { PERIODS, containsToday, isAfterToday, isLocalDate, stepDate } from '@ews/shared';
import { periodTitle, todayIn } from '../../state/consumption';
import { date, period, timezone } from './data';

/** The five ways of showing consumptions (the manual's order; Tariffs come with costs). */
export function ConsumptionTabs({ view }: { view: ConsumptionView }) {
  return (
    <nav class="tabs cons-tabs" role="tablist" data-testid="cons-tabs">
      {CONSUMPTION_VIEWS.map((v) => (
        <a
          key={v} href={`#/consumption/${v}`} role="tab" class={v === view ? 'tab active' : 'tab'} aria-selected={v === view}
          data-testid={`cons-tab-${v}`}
        >{t(`cons.view.${v}` as MessageKey)}</a>
      ))}
    </nav>
  );
}

export function PeriodBar({ csv }: { csv?: Array<{ label: string; query: ConsumptionQuery }> }) {
  const p = period.value;
  const d = date.value;
  const today = todayIn(timezone.value);
  const next = stepDate(d, p, 1);
  return (
    <div class="period-bar" data-testid="period-bar" data-period={p} data-date={d}>
      <div class="seg" role="group" aria-label={t('cons.period')}>
        {PERIODS.map((x) => (
          <button
            key={x} type="button" class={x === p ? 'seg-btn active' : 'seg-btn'} aria-pressed={x === p}
            data-testid={`period-${x}`} onClick={() => { period.value = x; }}
          >{t(`cons.period.${x}` as MessageKey)}</button>
        ))}
      </div>
      <div class="date-nav">
        <button type="button" data-testid="period-prev" title={t('cons.prev')} aria-label={t('cons.prev')} onClick={() => { date.value = stepDate(d, p, -1); }}>◀</button>
        <input
          type="date" data-testid="period-date" aria-label={t('cons.date')} value={d} max={today}
          onChange={(e) => { const v = e.currentTarget.value; if (isLocalDate(v)) date.value = v; }}
        />
        <button
          type="button" data-testid="period-next" title={t('cons.next')} aria-label={t('cons.next')} disabled={isAfterToday(next, p, today)}
          onClick={() => { date.value = next; }}
        >▶</button>
        {containsToday(d, p, today) ? null : (
          <button type="button" data-testid="period-today" onClick={() => { date.value = today; }}>{t('cons.today')}</button>
        )}
      </div>
      <b class="period-title" data-testid="period-title">{periodTitle(d, p, lang.value)}</b>
      {csv && csv.length ? (
        <span class="csv-links">
          {csv.map((c, i) => (
            <a
              key={i} class="button csv" href={consumptionCsvUrl(c.query)} download="datalogger.csv" data-testid="csv-link"
              title={t('cons.csvHint')}
            >⤓ datalogger.csv{csv.length > 1 ? ` (${c.label})` : ''}</a>
          ))}
        </span>
      ) : null}
    </div>
  );
}

type FsMode = 'off' | 'api' | 'css';
interface FsElement extends HTMLElement { webkitRequestFullscreen?: () => void }
interface FsDocument extends Document { webkitFullscreenElement?: Element | null; webkitExitFullscreen?: () => void }

const fullscreenElement = () => document.fullscreenElement ?? (document as FsDocument).webkitFullscreenElement ?? null;

/**
 * A card that can go full screen (CON-6: wall tablets, public screens). The exit button is
 * always on screen while full screen; Escape leaves the fallback mode too.
 */
export function ChartPanel({ title, testid = 'cons-panel', children }: { title: string; testid?: string; children: ComponentChildren }) {
  const ref = useRef<HTMLElement>(null);
  const mode = useSignal<FsMode>('off');

  useEffect(() => {
    const onChange = () => {
      if (fullscreenElement() === ref.current) mode.value = 'api';
      else if (mode.value === 'api') mode.value = 'off';
    };
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && mode.value === 'css') mode.value = 'off'; };
    document.addEventListener('fullscreenchange', onChange);
    document.addEventListener('webkitfullscreenchange', onChange);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      document.removeEventListener('webkitfullscreenchange', onChange);
      document.removeEventListener('keydown', onKey);
      if (fullscreenElement() === ref.current) void exitApi();
      document.documentElement.classList.remove('fs-lock');
    };
  }, []);
  useEffect(() => { document.documentElement.classList.toggle('fs-lock', mode.value === 'css'); }, [mode.value]);

  async function enter() {
    const el = ref.current as FsElement | null;
    if (!el) return;
    try {
      if (el.requestFullscreen) {
        await el.requestFullscreen();
        mode.value = 'api';
        return;
      }
      if (el.webkitRequestFullscreen) {
        el.webkitRequestFullscreen();
        mode.value = 'api';
        // Older WebKit says nothing when it refuses: fall back if nothing happened.
        setTimeout(() => { if (mode.value === 'api' && fullscreenElement() !== el) mode.value = 'css'; }, 600);
        return;
      }
    } catch { /* refused (no user gesture, iframe, policy): the fallback */ }
    mode.value = 'css';
  }

  async function exit() {
    if (mode.value === 'api' && fullscreenElement()) await exitApi();
    mode.value = 'off';
  }

  const on = mode.value !== 'off';
  return (
    <section
      ref={ref} class={`card chart-panel${on ? ' is-fullscreen' : ''}${mode.value === 'css' ? ' fs-fallback' : ''}`}
      data-testid={testid} data-fullscreen={mode.value}
    >
      <div class="panel-head">
        <h2 data-testid="panel-title">{title}</h2>
        {on ? (
          <button type="button" class="fs-exit" data-testid="fs-exit" title={t('cons.fsExit')} aria-label={t('cons.fsExit')} onClick={() => { void exit(); }}><FsIcon exit /> <span class="fs-label">{t('cons.fsExit')}</span></button>
        ) : (
          <button type="button" class="fs-enter" data-testid="fs-enter" title={t('cons.fsHint')} onClick={() => { void enter(); }}><FsIcon /> {t('cons.fsEnter')}</button>
        )}
      </div>
      {children}
    </section>
  );
}

/** Four corners pointing out (enter) or in (exit). */
function FsIcon({ exit }: { exit?: boolean }) {
  const d = exit
    ? 'M6 2v4H2M10 2v4h4M6 14v-4H2M10 14v-4h4'
    : 'M2 6V2h4M14 6V2h-4M2 10v4h4M14 10v4h-4';
  return (
    <svg class="icon inline-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

async function exitApi(): Promise<void> {
  const doc = document as FsDocument;
  try {
    if (document.exitFullscreen) await document.exitFullscreen();
    else doc.webkitExitFullscreen?.();
  } catch { /* already out */ }
}

/** A labelled select of the toolbars. */
export function Select({ label, value, testid, onChange, children, cls }: {
  label: string; value: string; testid: string; onChange: (v: string) => void; children: ComponentChildren;
  /** More classes of the field (`only-narrow`…). */
  cls?: string;
}) {
  return (
    <label class={cls ? `field inline ${cls}` : 'field inline'}>
      <span>{label}</span>
      <select data-testid={testid} value={value} onChange={(e) => onChange(e.currentTarget.value)}>{children}</select>
    </label>
  );
}

/** A two- or three-way switch (Total / Details, Groups / Loads…). */
export function Switch<T extends string>({ options, value, onChange, testid }: {
  options: Array<{ value: T; label: string }>; value: T; onChange: (v: T) => void; testid: string;
}) {
  return (
    <div class="seg" role="group" data-testid={testid}>
      {options.map((o) => (
        <button
          key={o.value} type="button" class={o.value === value ? 'seg-btn active' : 'seg-btn'} aria-pressed={o.value === value}
          data-testid={`${testid}-${o.value}`} onClick={() => onChange(o.value)}
        >{o.label}</button>
      ))}
    </div>
  );
}

/** What a page shows while its answers are on the way, or why they are not. */
export function Pending({ error }: { error: string | null }) {
  return error
    ? <p class="error chart-pending" role="alert" data-testid="cons-error">{t('common.error', { message: error })}</p>
    : <p class="muted chart-pending">{t('common.loading')}</p>;
}

/** The Consumptions pages' id of a view, for `Page`. */
export const viewTitle = (v: ConsumptionView) => t(`cons.view.${v}` as MessageKey);
