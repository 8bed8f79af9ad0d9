/**
 * @module roles
 * AUTH-2: the pages each default role may open. No zod here: the SPA imports it at run time.
 */
import type { Page, Role, SessionUser } from './api';

export const ROLE_PAGES: Record<Role, Page[]> = {
  administrator: ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms'],
  greenUp: ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp'],
  installer: ['systemConfig', 'myPanelBoard', 'consumptions', 'alarms'],
  user: ['consumptions', 'alarms'],
};

/**
 * Who may call a route (AUTH-2): `public` (no session), `authenticated` (any user), `users` (the
 * Users page and codes of others: administrator and greenUp, AUTH-3), one page right, or any of several.
 */
export type Right = 'public' | 'authenticated' | 'users' | Page | readonly Page[];

/** The one place that says whether a user holds a right (the daemon's rights check, the SPA's menus). */
export function holdsRight(user: Pick<SessionUser, 'role' | 'pages'>, right: Right): boolean {
  if (right === 'public' || right === 'authenticated') return true;
  if (right === 'users') return user.role === 'administrator' || user.role === 'greenUp';
  if (typeof right === 'string') return user.pages.includes(right);
  return right.some((r) => user.pages.includes(r));
}
