/** The language picker of the login and home pages (SYS-3): the browser's choice, remembered. */
import { LANGS, LANG_NAMES, isLang, lang, setLang, t } from '../i18n';

export function LangPicker({ id }: { id: string }) {
  return (
    <label class="lang-picker">
      <span>{t('login.language')}</span>
      <select
        id={id} data-testid="lang-picker" value={lang.value}
        onChange={(e) => { const v = e.currentTarget.value; if (isLang(v)) void setLang(v); }}
      >
        {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
      </select>
    </label>
  );
}
