/**
 * @module auth
 * Users, PIN → PUK login, sessions and trusted browsers (AUTH-1, AUTH-2, AUTH-4).
 * A browser that once gave the PUK is "trusted" for that user: Logout keeps the trust (next
 * login: PIN only); Lock forgets it (next login: PIN and PUK).
 */
import type { Page, Role, SessionUser, UserSummary } from '@ews/shared';
import { userInputSchema, userUpdateSchema, ROLE_PAGES } from '@ews/shared';
import type { z } from 'zod';
import type { Databases } from '../store/index';
import { hashCode, verifyCode, newToken, tokenId } from './codes';
import { DomainError } from '../util/errors';
import { systemClock, type Clock } from '../util/clock';

export type AuthErrorCode = 'bad-code' | 'need-puk' | 'disabled' | 'no-session' | 'not-found' | 'conflict' | 'invalid';
export class AuthError extends DomainError<AuthErrorCode> {
  constructor(code: AuthErrorCode, message: string, readonly field?: string, readonly userId?: string) {
    super(code, message);
  }
}

export { ROLE_PAGES } from '@ews/shared';
export { hashCode, verifyCode } from './codes';
export { LoginLimiter } from './rate-limit';

export const DEFAULT_USERS: Array<{ id: string; name: string; role: Role; pin: string; puk: string }> = [
  { id: 'administrator', name: 'administrator', role: 'administrator', pin: '99999', puk: '00000999900000' },
  { id: 'greenup', name: 'greenUp', role: 'greenUp', pin: '88888', puk: '00000888800000' },
  { id: 'installer', name: 'installer', role: 'installer', pin: '55555', puk: '00000555500000' },
  { id: 'user', name: 'user', role: 'user', pin: '11111', puk: '00000111100000' },
];

interface StoredUser {
  id: string;
  name: string;
  role: Role;
  pages: Page[];
  pinHash: string;
  pukHash: string;
  enabled: boolean;
  /** True while the factory codes are unchanged (AUTH-5 warning). */
  defaultCodes: boolean;
}

interface StoredKiosk { id: string; name: string; createdBy: string; createdMs: number; tokenId: string }
interface StoredSession { userId: string; createdMs: number; expiresMs: number }
interface StoredTrust { userId: string; createdMs: number }

export interface LoginResult {
  user: SessionUser;
  sessionToken: string;
  /** Set when the PUK was given: the browser is now trusted for this user. */
  trustToken?: string;
}

export const SESSION_TTL_MS = 12 * 3600_000;

export class AuthService {
  private readonly clock: Clock;

  constructor(private readonly dbs: Databases, opts: { clock?: Clock } = {}) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Creates the four default users on a fresh store. */
  async init(): Promise<void> {
    if (this.users().length > 0) return;
    for (const u of DEFAULT_USERS) {
      const user: StoredUser = {
        id: u.id, name: u.name, role: u.role, pages: ROLE_PAGES[u.role], enabled: true, defaultCodes: true,
        pinHash: await hashCode(u.pin), pukHash: await hashCode(u.puk),
      };
      await this.dbs.auth.put(`user:${u.id}`, user);
    }
  }

  private users(): StoredUser[] {
    return [...this.dbs.auth.getRange({ start: 'user:', end: 'user;' })].map((e) => e.value as StoredUser);
  }

  defaultCodesInUse(): boolean { return this.users().some((u) => u.enabled && u.defaultCodes); }

  toSessionUser(u: StoredUser): SessionUser {
    return { id: u.id, name: u.name, role: u.role, pages: u.pages };
  }

  listUsers(): UserSummary[] {
    return this.users().map((u) => ({ id: u.id, name: u.name, role: u.role, pages: u.pages, enabled: u.enabled, defaultCodes: u.defaultCodes }));
  }

  /** Codes identify users, so two users cannot share a PIN. */
  private async pinTaken(pin: string, exceptId?: string): Promise<boolean> {
    for (const u of this.users()) if (u.id !== exceptId && (await verifyCode(pin, u.pinHash))) return true;
    return false;
  }

  async createUser(input: z.input<typeof userInputSchema>): Promise<UserSummary> {
    const p = userInputSchema.parse(input);
    if (!p.pin || !p.puk) throw new AuthError('invalid', `a new user needs a ${!p.pin ? 'PIN' : 'PUK'}`, !p.pin ? 'pin' : 'puk');
    if (this.users().some((u) => u.name.toLowerCase() === p.name.toLowerCase())) throw new AuthError('conflict', 'the name is already used', 'name');
    if (await this.pinTaken(p.pin)) throw new AuthError('conflict', 'the PIN is already used by another user', 'pin');
    let n = 1;
    while (this.dbs.auth.get(`user:u${n}`)) n++;
    const user: StoredUser = {
      id: `u${n}`, name: p.name, role: p.role, pages: p.pages.length ? p.pages : ROLE_PAGES[p.role], enabled: p.enabled,
      defaultCodes: false, pinHash: await hashCode(p.pin), pukHash: await hashCode(p.puk),
    };
    await this.dbs.auth.put(`user:${user.id}`, user);
    return this.listUsers().find((u) => u.id === user.id)!;
  }

  async updateUser(id: string, input: z.input<typeof userUpdateSchema>): Promise<UserSummary> {
    const p = userUpdateSchema.parse(input);
    const u = this.dbs.auth.get(`user:${id}`) as StoredUser | undefined;
    if (!u) throw new AuthError('not-found', `no user ${id}`);
    if (p.name && this.users().some((o) => o.id !== id && o.name.toLowerCase() === p.name!.toLowerCase())) throw new AuthError('conflict', 'the name is already used', 'name');
    if (p.pin && (await this.pinTaken(p.pin, id))) throw new AuthError('conflict', 'the PIN is already used by another user', 'pin');
    const next: StoredUser = {
      ...u,
      ...(p.name ? { name: p.name } : {}),
      ...(p.role ? { role: p.role } : {}),
      ...(p.pages ? { pages: p.pages } : {}),
      ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
      ...(p.pin ? { pinHash: await hashCode(p.pin) } : {}),
      ...(p.puk ? { pukHash: await hashCode(p.puk) } : {}),
    };
    if (p.pin || p.puk) {
      const def = DEFAULT_USERS.find((d) => d.id === id);
      next.defaultCodes = def ? (await verifyCode(def.pin, next.pinHash)) || (await verifyCode(def.puk, next.pukHash)) : false;
    }
    if (u.role === 'administrator' && next.enabled === false && this.users().filter((o) => o.enabled && o.role === 'administrator').length <= 1) {
      throw new AuthError('invalid', 'the last administrator cannot be disabled', 'enabled');
    }
    await this.dbs.auth.put(`user:${id}`, next);
    return this.listUsers().find((x) => x.id === id)!;
  }

  /** PIN, then PUK unless this browser is trusted for the user the PIN belongs to. */
  async login(pin: string, puk: string | undefined, trustToken: string | undefined, hooks: { beforePuk?: (userId: string) => void } = {}): Promise<LoginResult> {
    let user: StoredUser | undefined;
    for (const u of this.users()) {
      if (await verifyCode(pin, u.pinHash)) { user = u; break; }
    }
    if (!user) throw new AuthError('bad-code', 'wrong code');
    if (!user.enabled) throw new AuthError('disabled', 'this user is disabled');
    const trust = trustToken ? (this.dbs.auth.get(`trust:${tokenId(trustToken)}`) as StoredTrust | undefined) : undefined;
    let newTrust: string | undefined;
    if (!trust || trust.userId !== user.id) {
      if (puk === undefined) throw new AuthError('need-puk', 'this browser needs the PUK');
      hooks.beforePuk?.(user.id);
      if (!(await verifyCode(puk, user.pukHash))) throw new AuthError('bad-code', 'wrong code', undefined, user.id);
      newTrust = newToken();
      await this.dbs.auth.put(`trust:${tokenId(newTrust)}`, { userId: user.id, createdMs: this.clock.now() } satisfies StoredTrust);
    }
    const sessionToken = newToken();
    const now = this.clock.now();
    await this.dbs.auth.put(`session:${tokenId(sessionToken)}`, { userId: user.id, createdMs: now, expiresMs: now + SESSION_TTL_MS } satisfies StoredSession);
    return { user: this.toSessionUser(user), sessionToken, ...(newTrust ? { trustToken: newTrust } : {}) };
  }

  /** The user of a live session (sliding expiry), or undefined. */
  async session(token: string | undefined): Promise<SessionUser | undefined> {
    if (!token) return undefined;
    const key = `session:${tokenId(token)}`;
    const s = this.dbs.auth.get(key) as StoredSession | undefined;
    const now = this.clock.now();
    if (!s || s.expiresMs < now) { if (s) await this.dbs.auth.remove(key); return undefined; }
    const u = this.dbs.auth.get(`user:${s.userId}`) as StoredUser | undefined;
    if (!u || !u.enabled) return undefined;
    if (s.expiresMs - now < SESSION_TTL_MS / 2) await this.dbs.auth.put(key, { ...s, expiresMs: now + SESSION_TTL_MS });
    return this.toSessionUser(u);
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.dbs.auth.remove(`session:${tokenId(token)}`);
  }

  // #region kiosk tokens (BEY-1): read-only, survive restarts, revocable by an administrator
  async createKioskToken(name: string, createdBy: string): Promise<{ id: string; name: string; token: string }> {
    const token = `k_${newToken()}`;
    let n = 1;
    while (this.dbs.auth.get(`kioskid:k${n}`)) n++;
    const id = `k${n}`;
    const rec: StoredKiosk = { id, name, createdBy, createdMs: this.clock.now(), tokenId: tokenId(token) };
    await this.dbs.root.transaction(() => {
      this.dbs.auth.putSync(`kioskid:${id}`, rec);
      this.dbs.auth.putSync(`kiosk:${rec.tokenId}`, id);
    });
    return { id, name, token };
  }

  listKioskTokens(): Array<{ id: string; name: string; createdBy: string; created: string }> {
    return [...this.dbs.auth.getRange({ start: 'kioskid:', end: 'kioskid;' })].map((e) => {
      const k = e.value as StoredKiosk;
      return { id: k.id, name: k.name, createdBy: k.createdBy, created: new Date(k.createdMs).toISOString() };
    });
  }

  async revokeKioskToken(id: string): Promise<boolean> {
    const rec = this.dbs.auth.get(`kioskid:${id}`) as StoredKiosk | undefined;
    if (!rec) return false;
    await this.dbs.root.transaction(() => {
      this.dbs.auth.removeSync(`kioskid:${id}`);
      this.dbs.auth.removeSync(`kiosk:${rec.tokenId}`);
    });
    return true;
  }

  /** The read-only user a kiosk token stands for (Consumptions only), or undefined. */
  kioskUser(token: string | undefined): SessionUser | undefined {
    if (!token || !token.startsWith('k_')) return undefined;
    const id = this.dbs.auth.get(`kiosk:${tokenId(token)}`) as string | undefined;
    const rec = id ? (this.dbs.auth.get(`kioskid:${id}`) as StoredKiosk | undefined) : undefined;
    if (!rec) return undefined;
    return { id: `kiosk:${rec.id}`, name: rec.name, role: 'user', pages: ['consumptions'] };
  }
  // #endregion

  /** Ends the session and forgets the browser (AUTH-4 Lock). */
  async lock(token: string | undefined, trustToken: string | undefined): Promise<void> {
    await this.logout(token);
    if (trustToken) await this.dbs.auth.remove(`trust:${tokenId(trustToken)}`);
  }
}
