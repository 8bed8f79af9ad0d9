/**
 * @module i18n
 * `t(key, params)` over one dictionary per language (SYS-3), named by its BCP 47 code. English
 * is the reference and ships in the first load; every other language is its own chunk, loaded
 * on demand (`import()`) before the display switches to it. A regional variant (`fr-BE`,
 * `nl-BE`) holds only its differences and falls back to its parent (`fr`, `nl`), then English.
 *
 * The display language is per browser: the one chosen with the picker (login and home pages,
 * remembered in localStorage), else the box's "Default language" setting (CSV settings, sent by
 * the public `GET /api/health`), else English.
 *
 * A message is a string with `{name}` placeholders, or plural forms (`{one, few, many, other}`,
 * chosen by `Intl.PluralRules` of the display language on the `count` parameter).
 */
import { signal } from '@preact/signals';
import { LANGUAGES, DEFAULT_LOAD_NAMES, type CatalogLabel } from '@ews/shared';
import { en, type MessageKey, type Message, type PartialDictionary } from './en';

export type { MessageKey, Message, PluralMessage, Dictionary, PartialDictionary } from './en';

export type Lang = (typeof LANGUAGES)[number];
export const LANGS: readonly Lang[] = LANGUAGES;

/** Each language's name in that language, for the picker (known before its dictionary loads). */
export const LANG_NAMES: Record<Lang, string> = {
  zh: '中文', de: 'Deutsch', en: 'English', es: 'Español', fr: 'Français', 'fr-BE': 'Français (Belgique)',
  el: 'Ελληνικά', it: 'Italiano', 'nl-BE': 'Nederlands (België)', nl: 'Nederlands', pl: 'Polski', pt: 'Português', ru: 'Русский',
};

/** Regional variants: only their differences, the rest from the parent. */
export const LANG_PARENT: Partial<Record<Lang, Lang>> = { 'fr-BE': 'fr', 'nl-BE': 'nl' };

type Loader = () => Promise<{ default: PartialDictionary }>;
/** One chunk per language (esbuild splits each `import()` into its own file). */
const LOADERS: Record<Exclude<Lang, 'en'>, Loader> = {
  zh: () => import('./zh'), de: () => import('./de'), es: () => import('./es'), fr: () => import('./fr'),
  'fr-BE': () => import('./fr-BE'), el: () => import('./el'), it: () => import('./it'), 'nl-BE': () => import('./nl-BE'),
  nl: () => import('./nl'), pl: () => import('./pl'), pt: () => import('./pt'), ru: () => import('./ru'),
};

const STORAGE_KEY = 'ews.lang';
/** `localStorage['ews.i18n.strict'] = '1'` shows a missing translation as `⟦key⟧` instead of English (browser tests). */
const STRICT_KEY = 'ews.i18n.strict';

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

const loaded = new Map<Lang, PartialDictionary>([['en', en]]);

async function loadOne(l: Lang): Promise<void> {
  if (loaded.has(l) || l === 'en') return;
  const mod = await LOADERS[l]();
  loaded.set(l, mod.default);
}

/** Loads a language's dictionary (and its parent's); resolves when `t` can use it. */
export async function loadLang(l: Lang): Promise<void> {
  const parent = LANG_PARENT[l];
  await Promise.all([loadOne(l), parent ? loadOne(parent) : Promise.resolve()]);
}

/** The display language; reading it inside a component subscribes the component to changes. */
export const lang = signal<Lang>('en');

function storedLang(): Lang | undefined {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isLang(saved) ? saved : undefined;
  } catch { return undefined; }
}

function strict(): boolean {
  try { return localStorage.getItem(STRICT_KEY) === '1'; } catch { return false; }
}

let strictMode = false;

function apply(l: Lang): void {
  lang.value = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

/** The browser's choice (picker): loads the language, switches to it and remembers it. */
export async function setLang(next: Lang): Promise<void> {
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* not persisted */ }
  await loadLang(next);
  apply(next);
}

/** Switches without remembering (kiosk links carry their own `&lang=`). */
export async function showLang(next: Lang): Promise<void> {
  await loadLang(next);
  apply(next);
}

/**
 * Before the first render: the browser's remembered choice, else the box's default language
 * (`defaultLanguage` of `GET /api/health`, asked with `fetchDefault`), else English.
 */
export async function initLang(fetchDefault: () => Promise<unknown>): Promise<void> {
  strictMode = strict();
  let l = storedLang();
  if (!l) {
    try {
      const d = await fetchDefault();
      if (isLang(d)) l = d;
    } catch { /* unreachable server: English */ }
  }
  if (!l || l === 'en') { apply('en'); return; }
  try { await loadLang(l); apply(l); } catch { apply('en'); }
}

/** The message of `key` in `l`: its own dictionary, then its parent's, then English. */
function messageOf(key: MessageKey, l: Lang): Message | undefined {
  if (l === 'en') return en[key];
  const own = loaded.get(l)?.[key];
  if (own !== undefined) return own;
  const parent = LANG_PARENT[l];
  const inherited = parent ? loaded.get(parent)?.[key] : undefined;
  if (inherited !== undefined) return inherited;
  return strictMode ? undefined : en[key];
}

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralCategory(l: Lang, n: number): Intl.LDMLPluralRule {
  let r = pluralRules.get(l);
  if (!r) { r = new Intl.PluralRules(l); pluralRules.set(l, r); }
  return r.select(n);
}

/** Fills `{name}` placeholders; a plural message picks its form by `params.count`. */
export function format(message: Message, l: Lang, params?: Record<string, string | number>): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const count = Number(params?.count ?? 0);
    text = message[pluralCategory(l, count)] ?? message.other;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Translates `key` into the display language, replacing `{name}` placeholders with `params.name`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const l = lang.value;
  const message = messageOf(key, l);
  if (message === undefined) return `⟦${key}⟧`;
  return format(message, l, params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Name of a language in that language, for the language picker. */
export function langName(l: Lang): string {
  return LANG_NAMES[l];
}

/**
 * A catalogue label (quantity, command) in the display language, by the key the catalogue
 * carries (`labelKey` → message `q.<labelKey>` with `{phase}` and `{n}`); the catalogue's own
 * English text when it has no key.
 */
export function tLabel(c: CatalogLabel): string {
  const key = c.labelKey ? `q.${c.labelKey}` : '';
  if (!key || !isMessageKey(key)) return c.label;
  const l = lang.value;
  const message = messageOf(key, l);
  if (message === undefined) return `⟦${key}⟧`;
  const params = c.labelParams ?? {};
  // A parameter left empty drops its placeholder: a row named without its phase ("Voltage {phase}-N" → "Voltage").
  let text = typeof message === 'string' ? message : message.other;
  for (const [name, v] of Object.entries(params)) {
    if (v === '') text = text.split(`{${name}}-N`).join('').split(`{${name}}`).join('');
  }
  return format(text, l, params).replace(/\s{2,}/g, ' ').trim();
}

/** A load's name: the default loads (Lighting, Heating…, Others, Water, Gas) in the display language while not renamed. */
export function loadName(l: { id: string; name: string }): string {
  const key = `load.${l.id}`;
  if (DEFAULT_LOAD_NAMES[l.id] !== l.name || !isMessageKey(key)) return l.name;
  return t(key);
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

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A number with `digits` decimals in the display language's notation (decimal comma…), no grouping. */
export function formatNumber(value: number, digits: number): string {
  const id = `${lang.value}/${digits}`;
  let f = numberFormats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(lang.value, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
    numberFormats.set(id, f);
  }
  return f.format(value);
}

/** A wait in seconds as "45 s" or "2 min 05 s". */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
