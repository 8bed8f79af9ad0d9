/** Login (AUTH-4): PIN, then PUK when the daemon asks for it; the display language (SYS-3). */
import { useSignal, useSignalEffect } from '@preact/signals';
import { t, formatWait } from '../i18n';
import { LangPicker } from '../components/lang-picker';
import { sessionModel } from '../state/session';
import { OfflineMark } from '../components/layout';
import { offline } from '../api';

/** Format hints only; the daemon validates with the shared schemas (spaces are ignored, AUTH-1). */
const digits = (s: string) => s.replace(/\s+/g, '');
const isPin = (s: string) => /^\d{5}$/.test(digits(s));
const isPuk = (s: string) => /^\d{14}$/.test(digits(s));

export function LoginPage() {
  const pin = useSignal('');
  const puk = useSignal('');
  const formatError = useSignal<string | null>(null);
  const now = useSignal(Date.now());
  const { needPuk, busy, problem } = sessionModel;

  // While the daemon is unreachable, keep asking: it may come back with this browser's session.
  useSignalEffect(() => {
    if (!offline.value) return;
    const id = setInterval(() => { void sessionModel.check(); }, 5000);
    return () => clearInterval(id);
  });

  // Tick while a rate-limit wait is running, so the countdown and the button update.
  useSignalEffect(() => {
    const p = problem.value;
    if (!p || p.kind !== 'wait') return;
    const id = setInterval(() => {
      now.value = Date.now();
      if (Date.now() >= p.untilMs) { clearInterval(id); sessionModel.clearProblem(); }
    }, 500);
    return () => clearInterval(id);
  });

  const p = problem.value;
  const waiting = p?.kind === 'wait' && p.untilMs > now.value;

  async function submit(e: Event) {
    e.preventDefault();
    formatError.value = null;
    if (!isPin(pin.value)) { formatError.value = t('login.pinFormat'); return; }
    if (needPuk.value && !isPuk(puk.value)) { formatError.value = t('login.pukFormat'); return; }
    const ok = await sessionModel.login(pin.value, needPuk.value ? puk.value : undefined);
    // The route stays #/login: the app shows the landing page (home, or the codes page, AUTH-5).
    if (ok) { pin.value = ''; puk.value = ''; }
    else if (sessionModel.needPuk.value) setTimeout(() => document.getElementById('login-puk')?.focus(), 0);
  }

  let message: string | null = formatError.value;
  if (!message && p) {
    if (p.kind === 'wrongCode') message = t('login.wrongCode');
    else if (p.kind === 'wait') message = waiting ? t('login.wait', { time: formatWait((p.untilMs - now.value) / 1000) }) : null;
    else if (p.kind === 'unreachable') message = t('net.unreachable');
    else message = t('common.error', { message: p.message });
  }

  return (
    <div class="page login" id="login-page">
      <form class="card login-card" onSubmit={submit} autocomplete="off" noValidate>
        <h1><span aria-hidden="true">⚡ </span>{t('app.title')}</h1>
        <OfflineMark />
        <label class="field">
          <span>{t('login.pin')} <small>({t('login.pinHint')})</small></span>
          <input
            id="login-pin" name="pin" type="password" inputMode="numeric" pattern="[0-9]*" maxLength={5}
            autocomplete="off" autoFocus value={pin.value}
            onInput={(e) => { pin.value = e.currentTarget.value; }}
          />
        </label>
        {needPuk.value ? (
          <>
            <p class="note" id="login-puk-note">{t('login.pukNeeded')}</p>
            <label class="field">
              <span>{t('login.puk')} <small>({t('login.pukHint')})</small></span>
              <input
                id="login-puk" name="puk" type="password" inputMode="numeric" maxLength={20}
                autocomplete="off" value={puk.value}
                onInput={(e) => { puk.value = e.currentTarget.value; }}
              />
            </label>
          </>
        ) : null}
        {message ? <p class="error" id="login-error" role="alert">{message}</p> : null}
        <button id="login-submit" class="primary" type="submit" disabled={busy.value || waiting}>{t('login.submit')}</button>
        <LangPicker id="login-lang" />
      </form>
    </div>
  );
}
