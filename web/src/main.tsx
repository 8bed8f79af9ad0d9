/** Entry point: styles, language attribute, render. */
import './polyfills';
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { App } from './app';
import { initLang } from './i18n';

/** The box's default language, for a browser that has not chosen one (public, answers before login). */
async function defaultLanguage(): Promise<unknown> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 2000);
  try {
    const r = await fetch('/api/health', { signal: ctl.signal, credentials: 'same-origin' });
    return r.ok ? ((await r.json()) as { defaultLanguage?: unknown }).defaultLanguage : undefined;
  } finally { clearTimeout(timer); }
}

void initLang(defaultLanguage).then(() => render(<App />, document.getElementById('app')!));
