/**
 * SYS-3: every language file has every key of the English reference (a regional variant through
 * its parent), the same placeholders in every message, and the plural forms its language needs
 * (Intl.PluralRules); catalogue labels render by key in every language.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, resolveRegisters, commandLabelKey, registerLabel, modelSchema, DEFAULT_LOAD_NAMES } from '@ews/shared';
import { en, type Message, type MessageKey, type PartialDictionary } from './en';
import { LANG_PARENT, format, lang, loadLang, loadName, t, tLabel, type Lang } from './index';

const dir = fileURLToPath(new URL('.', import.meta.url));
const catalogDir = fileURLToPath(new URL('../../../daemon/catalog', import.meta.url));

async function dictionary(l: Lang): Promise<PartialDictionary> {
  if (l === 'en') return en;
  return ((await import(`./${l}.ts`)) as { default: PartialDictionary }).default;
}

function placeholders(m: Message): string[] {
  const forms = typeof m === 'string' ? [m] : Object.values(m);
  return [...new Set(forms.flatMap((f) => [...f.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)))].sort();
}

/** Plural categories a language uses for whole counts 0…1000 (fractions are never counted here). */
function integerCategories(l: Lang): string[] {
  const r = new Intl.PluralRules(l);
  const out = new Set<string>();
  for (let n = 0; n <= 1000; n++) out.add(r.select(n));
  return [...out].sort();
}

const KEYS = Object.keys(en) as MessageKey[];

test('there is one language file per SYS-3 language, named by its BCP 47 code', () => {
  const files = readdirSync(dir).filter((f) => /^[a-z]{2}(-[A-Z]{2})?\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
  assert.deepEqual(files, [...LANGUAGES].sort());
});

for (const l of LANGUAGES) {
  test(`${l}: no key missing, no unknown key, same placeholders as English, the plural forms ${l} needs`, async () => {
    const own = await dictionary(l);
    const parent = LANG_PARENT[l];
    const merged: PartialDictionary = { ...(parent ? await dictionary(parent) : {}), ...own };
    const missing = KEYS.filter((k) => merged[k] === undefined);
    assert.deepEqual(missing, [], `${l}: ${missing.length} keys missing`);
    const unknown = Object.keys(own).filter((k) => !(k in en));
    assert.deepEqual(unknown, [], `${l}: keys English does not have`);
    const needed = integerCategories(l);
    const problems: string[] = [];
    for (const k of KEYS) {
      const m = merged[k]!;
      const want = placeholders(en[k]);
      const got = placeholders(m);
      if (want.join() !== got.join()) problems.push(`${k}: placeholders {${got.join('}, {')}} instead of {${want.join('}, {')}}`);
      if (typeof en[k] !== 'string' && typeof m === 'string') problems.push(`${k}: plural forms expected`);
      if (typeof m !== 'string') {
        if (m.other === undefined) problems.push(`${k}: no "other" form`);
        const absent = needed.filter((c) => !(c in m));
        if (absent.length) problems.push(`${k}: plural forms ${absent.join(', ')} missing (${l} needs ${needed.join(', ')})`);
        for (const [form, text] of Object.entries(m)) {
          if (!text.includes('{count}') && l !== 'en' && form !== 'one' && form !== 'zero' && form !== 'two') problems.push(`${k}.${form}: no {count}`);
        }
      }
      if (typeof m === 'string' && m.trim() === '' && en[k] !== '') problems.push(`${k}: empty`);
    }
    assert.deepEqual(problems, [], `${l}: ${problems.length} problems`);
  });
}

test('a regional variant holds only differences from its parent', async () => {
  for (const [variant, parent] of Object.entries(LANG_PARENT) as Array<[Lang, Lang]>) {
    const own = await dictionary(variant);
    const base = await dictionary(parent);
    const same = Object.keys(own).filter((k) => JSON.stringify(own[k as MessageKey]) === JSON.stringify(base[k as MessageKey]));
    assert.deepEqual(same, [], `${variant} repeats ${parent}`);
  }
});

test('plural forms follow Intl.PluralRules of the display language', async () => {
  await loadLang('ru');
  await loadLang('pl');
  await loadLang('fr');
  try {
    lang.value = 'en';
    assert.equal(t('scan.found', { count: 1 }), '1 device found');
    assert.equal(t('scan.found', { count: 3 }), '3 devices found');
    lang.value = 'fr';
    assert.equal(t('scan.found', { count: 0 }), '0 appareil trouvé');
    assert.equal(t('scan.found', { count: 2 }), '2 appareils trouvés');
    lang.value = 'ru';
    const ru = [1, 3, 5, 21, 22, 25].map((count) => t('gw.devices', { count }));
    assert.equal(new Set(ru.map((s) => s.replace(/^\d+ /, ''))).size, 3, `Russian has three integer forms: ${ru.join(' / ')}`);
    lang.value = 'pl';
    const pl = [1, 2, 5, 22].map((count) => t('gw.devices', { count }));
    assert.notEqual(pl[1]!.replace(/^\d+ /, ''), pl[2]!.replace(/^\d+ /, ''), `Polish 2 ≠ 5: ${pl.join(' / ')}`);
  } finally { lang.value = 'en'; }
  assert.equal(format({ one: '{count} x', other: '{count} xs' }, 'en', { count: 1 }), '1 x');
});

function catalogModels() {
  return readdirSync(catalogDir, { withFileTypes: true }).filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(catalogDir, d.name)).filter((f) => f.endsWith('.json')).map((f) => join(catalogDir, d.name, f)))
    .map((f) => modelSchema.parse(JSON.parse(readFileSync(f, 'utf8'))));
}

test('every catalogue label has a key, and its English message renders the catalogue\'s English text', () => {
  lang.value = 'en';
  const problems: string[] = [];
  for (const m of catalogModels()) {
    for (const r of resolveRegisters(m)) {
      const l = registerLabel(r);
      if (!l.labelKey) { problems.push(`${m.model} ${r.key}: no labelKey`); continue; }
      if (!(`q.${l.labelKey}` in en)) { problems.push(`${m.model} ${r.key}: q.${l.labelKey} is not a message`); continue; }
      const shown = tLabel(l);
      if (shown !== l.label) problems.push(`${m.model} ${r.key}: "${shown}" ≠ "${l.label}"`);
    }
    for (const c of m.commands) {
      const key = `q.${commandLabelKey(c.kind)}` as MessageKey;
      if (!(key in en)) problems.push(`${m.model} command ${c.kind}: no ${key}`);
      else if (en[key] !== c.label) problems.push(`${m.model} command ${c.kind}: "${String(en[key])}" ≠ "${c.label}"`);
    }
  }
  assert.deepEqual(problems, []);
});

test('catalogue labels and default loads show in the display language; a row without its phase drops it', async () => {
  await loadLang('de');
  try {
    lang.value = 'fr';
    assert.equal(tLabel({ label: 'Voltage L1-N', labelKey: 'voltagePhaseNeutral', labelParams: { phase: 'L1' } }), 'Tension L1-N');
    assert.equal(tLabel({ label: 'Voltage', labelKey: 'voltagePhaseNeutral', labelParams: { phase: '' } }), 'Tension');
    assert.equal(tLabel({ label: 'Voltage harmonic', labelKey: 'voltageHarmonic', labelParams: { phase: '', n: '' } }), 'Tension harmonique');
    assert.equal(tLabel({ label: 'Custom' }), 'Custom');
    assert.equal(loadName({ id: 'heating', name: DEFAULT_LOAD_NAMES.heating! }), 'Chauffage');
    assert.equal(loadName({ id: 'heating', name: 'Radiateurs' }), 'Radiateurs');
    lang.value = 'de';
    assert.equal(loadName({ id: 'lighting', name: 'Lighting' }), 'Beleuchtung');
  } finally { lang.value = 'en'; }
});
