/** Entry point: styles, language attribute, render. */
import './polyfills';
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { App } from './app';
import { lang } from './i18n';

document.documentElement.lang = lang.value;
render(<App />, document.getElementById('app')!);
