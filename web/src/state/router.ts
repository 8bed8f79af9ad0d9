/**
 * @module state/router
 * Hash routes (`#/login`, `#/`, `#/panel`, `#/panel/<deviceId>`): static serving stays trivial.
 */
import { signal } from '@preact/signals';

export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'panel' }
  | { name: 'measure'; deviceId: number }
  | { name: 'notFound' };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/login') return { name: 'login' };
  if (path === '/panel') return { name: 'panel' };
  const m = /^\/panel\/(\d+)$/.exec(path);
  if (m) return { name: 'measure', deviceId: Number(m[1]) };
  return { name: 'notFound' };
}

export const route = signal<Route>(parseHash(location.hash));

window.addEventListener('hashchange', () => { route.value = parseHash(location.hash); });

/** Goes to `path` (e.g. `/panel`), adding a history entry. */
export function navigate(path: string): void {
  const hash = `#${path}`;
  if (location.hash === hash) route.value = parseHash(hash);
  else location.hash = hash;
}
