/**
 * Form helpers for the configuration pages (CFG-6): the daemon validates every write and
 * answers `{error, code, fields}`; its field messages are shown next to the inputs, the rest
 * above the buttons. No validation schema runs in the browser.
 */
import type { ComponentChildren } from 'preact';
import { useSignal, type Signal } from '@preact/signals';
import { isApiClientError } from '../api';
import { t } from '../i18n';

export interface Problem { message: string; fields: Record<string, string[]> }

export function problemOf(e: unknown): Problem {
  if (isApiClientError(e)) {
    if (e.code === 'network') return { message: t('net.unreachable'), fields: {} };
    return { message: e.message, fields: e.fields ?? {} };
  }
  return { message: e instanceof Error ? e.message : String(e), fields: {} };
}

export interface ActionState { busy: boolean; problem: Problem | null; done: string | null }

export interface Action {
  state: Signal<ActionState>;
  /** Runs `fn`; its string result is shown as the success message. False when it failed. */
  run(fn: () => Promise<string | void>): Promise<boolean>;
  clear(): void;
  errors(): Record<string, string[]>;
}

export function useAction(): Action {
  const state = useSignal<ActionState>({ busy: false, problem: null, done: null });
  return {
    state,
    async run(fn) {
      state.value = { busy: true, problem: null, done: null };
      try {
        const done = await fn();
        state.value = { busy: false, problem: null, done: done ?? null };
        return true;
      } catch (e) {
        state.value = { busy: false, problem: problemOf(e), done: null };
        return false;
      }
    },
    clear() { state.value = { busy: false, problem: null, done: null }; },
    errors() { return state.value.problem?.fields ?? {}; },
  };
}

interface FieldProps {
  label: string;
  /** The API field name (as in the daemon's `fields`), e.g. `address` or `generic.address`. */
  name: string;
  errors?: Record<string, string[]>;
  hint?: string;
  class?: string;
  children: ComponentChildren;
}

export function Field({ label, name, errors, hint, class: cls, children }: FieldProps) {
  const msgs = errors?.[name];
  return (
    <label class={`field${msgs ? ' invalid' : ''}${cls ? ` ${cls}` : ''}`} data-field={name}>
      <span>{label}{hint ? <small> ({hint})</small> : null}</span>
      {children}
      {msgs ? <span class="field-error" role="alert" data-testid={`error-${name}`}>{msgs.join(' ')}</span> : null}
    </label>
  );
}

/** A checkbox with its label on the right. */
export function Check({ label, checked, onChange, testid, disabled, name, errors }: {
  label: string; checked: boolean; onChange: (v: boolean) => void; testid?: string; disabled?: boolean;
  name?: string; errors?: Record<string, string[]>;
}) {
  const msgs = name ? errors?.[name] : undefined;
  return (
    <label class={`check${msgs ? ' invalid' : ''}`} data-field={name}>
      <input type="checkbox" checked={checked} disabled={disabled} data-testid={testid} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{label}</span>
      {msgs ? <span class="field-error" role="alert">{msgs.join(' ')}</span> : null}
    </label>
  );
}

/**
 * The outcome of the last action: the success message, or the error with the field messages
 * that have no input on this form (`shown` lists the fields that do).
 */
export function FormMessage({ action, shown = [], testid = 'form-message' }: { action: Action; shown?: string[]; testid?: string }) {
  const s = action.state.value;
  if (s.done) return <p class="ok-msg" role="status" data-testid={testid} data-ok="true">{s.done}</p>;
  if (!s.problem) return null;
  const others = Object.entries(s.problem.fields).filter(([k]) => !shown.includes(k));
  return (
    <div class="banner error" role="alert" data-testid={testid} data-ok="false">
      {s.problem.message}
      {others.length ? <ul>{others.map(([k, v]) => <li key={k}><b>{k}</b>: {v.join(' ')}</li>)}</ul> : null}
    </div>
  );
}

/** Number input value → number, or undefined when empty (the daemon says what is missing). */
export function num(v: string): number | undefined {
  const s = v.trim().replace(',', '.');
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : (NaN as number);
}

/** The ON/OFF switch of the manual (a gateway, a device, a load…). */
export function OnOff({ on, onToggle, disabled, testid = 'toggle-enabled' }: { on: boolean; onToggle: () => void; disabled?: boolean; testid?: string }) {
  return (
    <button
      type="button" class={on ? 'onoff on' : 'onoff off'} aria-pressed={on} data-testid={testid} data-on={on}
      disabled={disabled} onClick={onToggle} title={on ? t('cfg.switchOff') : t('cfg.switchOn')}
    >{on ? t('cfg.on') : t('cfg.off')}</button>
  );
}
