/**
 * @module api/links
 * DEV-4: the links between EMS modules, read from their interfaces now.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

export function linkHandlers(deps: ApiDeps): Handlers<'GET /api/links'> {
  return { 'GET /api/links': () => deps.links.read() };
}
