/**
 * @module i18n
 * `t(key, params)` over per-language dictionaries. The display language is per browser
 * (SYS-3): chosen on the login page, remembered in localStorage.
 */
import { signal } from '@preact/signals';
import { en, type Dictionary, type MessageKey } from './en';
import { fr, frLabelPhrases, frLabelWords } from './fr';

export type { MessageKey } from './en';

const DICTIONARIES = { en, fr } satisfies Record<string, Dictionary>;
export type Lang = keyof typeof DICTIONARIES;
export const LANGS = Object.keys(DICTIONARIES) as Lang[];

const STORAGE_KEY = 'ews.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && saved in DICTIONARIES) return saved as Lang;
  } catch { /* storage disabled: fall through */ }
  const nav = (typeof navigator !== 'undefined' ? navigator.language : 'en').slice(0, 2);
  return nav in DICTIONARIES ? (nav as Lang) : 'en';
}

/** The display language; reading it inside a component subscribes the component to changes. */
export const lang = signal<Lang>(initialLang());

export function setLang(next: Lang): void {
  lang.value = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* not persisted */ }
  document.documentElement.lang = next;
}

/** Translates `key`, replacing `{name}` placeholders with `params.name`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[lang.value][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Name of a language in that language, for the language picker. */
export function langName(l: Lang): string {
  return DICTIONARIES[l]['lang.name'];
}

/** Translates a catalogue quantity label (English data) into the display language when known. */
export function tLabel(label: string): string {
  if (lang.value !== 'fr') return label;
  let out = label;
  for (const [re, fr] of frLabelPhrases) {
    if (re.test(out)) { out = out.replace(re, fr); break; }
  }
  for (const [re, fr] of frLabelWords) out = out.replace(re, fr);
  return out;
}

/** Time of day in the display language. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(lang.value);
}

/** Date and time in the display language. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang.value);
}

/** A wait in seconds as "45 s" or "2 min 05 s". */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
