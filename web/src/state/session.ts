/**
 * @module state/session
 * Who is logged in (AUTH-4): PIN, then PUK when the daemon does not know this browser yet;
 * rate-limit waits (AUTH-5); logout (keeps the browser known) and lock (forgets it).
 */
import { computed, createModel, signal } from '@preact/signals';
import type { SessionResponse } from '@ews/shared';
import { api, isApiClientError, setUnauthorizedHandler } from '../api';

export type LoginProblem =
  | { kind: 'wrongCode' }
  | { kind: 'wait'; untilMs: number }
  | { kind: 'unreachable' }
  | { kind: 'other'; message: string };

const SessionModel = createModel(() => {
  const session = signal<SessionResponse | null>(null);
  /** False until the first `GET /api/session` has answered (or failed). */
  const checked = signal(false);
  const needPuk = signal(false);
  const busy = signal(false);
  const problem = signal<LoginProblem | null>(null);
  const user = computed(() => session.value?.user ?? null);
  /**
   * Where a login lands (the app shows it while the route is still #/login): the codes page for
   * an administrator still on the factory codes (AUTH-5), else home. Set before the session, so
   * no other page shows first; a session found by `check` (a reload) lands home.
   */
  let landing: 'home' | 'changeCodes' = 'home';

  return {
    session, checked, needPuk, busy, problem, user,
    landingPage(): 'home' | 'changeCodes' { return landing; },

    /** Asks the daemon whether this browser already has a session. */
    async check(): Promise<void> {
      try {
        landing = 'home';
        session.value = await api.getSession();
      } catch (e) {
        // 401: no session. Unreachable: stay on the login page, which says so when used.
        if (!isApiClientError(e) || e.status !== 0) session.value = null;
      } finally {
        checked.value = true;
      }
    },

    async login(pin: string, puk?: string): Promise<boolean> {
      busy.value = true;
      problem.value = null;
      try {
        const s = await api.login(puk === undefined ? { pin } : { pin, puk });
        landing = s.mustChangeCodes ? 'changeCodes' : 'home';
        session.value = s;
        needPuk.value = false;
        return true;
      } catch (e) {
        if (!isApiClientError(e)) {
          problem.value = { kind: 'other', message: String(e) };
        } else if (e.status === 0 || e.code === 'network') {
          problem.value = { kind: 'unreachable' };
        } else if (e.status === 401 && (e.code === 'need-puk' || e.body.needPuk === true)) {
          needPuk.value = true;
        } else if (e.status === 429) {
          const s = typeof e.body.retryAfterS === 'number' ? e.body.retryAfterS : 30;
          problem.value = { kind: 'wait', untilMs: Date.now() + s * 1000 };
        } else if (e.status === 401 || e.code === 'bad-code') {
          problem.value = { kind: 'wrongCode' };
        } else {
          problem.value = { kind: 'other', message: e.message };
        }
        return false;
      } finally {
        busy.value = false;
      }
    },

    /** Ends the session; the next login on this browser needs the PIN only. */
    async logout(): Promise<void> {
      try { await api.logout(); } finally { session.value = null; needPuk.value = false; problem.value = null; }
    },

    /** Ends the session and forgets this browser; the next login needs PIN and PUK. */
    async lock(): Promise<void> {
      try { await api.lock(); } finally { session.value = null; needPuk.value = false; problem.value = null; }
    },

    /** The daemon answered 401 to an authenticated call: the session is gone. */
    expired(): void {
      session.value = null;
    },

    clearProblem(): void {
      problem.value = null;
    },
  };
});

/** The one session of this tab. */
export const sessionModel = new SessionModel();
setUnauthorizedHandler(() => sessionModel.expired());
