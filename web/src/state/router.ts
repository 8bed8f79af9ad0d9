/**
 * @module state/router
 * Hash routes: static serving stays trivial.
 * - `#/login`, `#/`, `#/panel`, `#/panel/<deviceId>`
 * - System configuration: `#/system`, `#/system/gateways[/<id>|/new]`,
 *   `#/system/gateways/<id>/devices[/<deviceId>|/new]`, `#/system/gateways/<id>/scan`,
 *   `#/system/loads|groups|panelboards`, `#/system/audit`, `#/system/links` (DEV-4), `#/system/costs[/electricity|gas|water]` (COST-1…4)
 * - Web server configuration: `#/settings`, `#/settings/network|modbus|time|csv|edition|users`,
 *   the box as a system `#/settings/info|backup|update|https` (SYS-4…8)
 * - `#/change-codes` (AUTH-5)
 * - `#/alarms` Reports: alarms (NOTE-5)
 * - `#/reports[/folder|data|pdf]` Reports & data download (HIST-4…6)
 * - Consumptions: `#/consumption[/total|overall|partials|compare|details[/<deviceId>]]` (CON-1…6),
 *   Tariffs views `#/consumption/tariffs`, `#/consumption/tariff-details[/<deviceId>]` (COST-5)
 * - `#/kiosk?token=…&views=…&every=…` (BEY-1: wall tablet, no login)
 */
import { signal } from '@preact/signals';
import { isCostType, type CostType } from '@ews/shared';

export type GreenupTabName = 'live' | 'management' | 'details' | 'priorities' | 'settings' | 'decisions' | 'sessions';
const GREENUP_TAB_NAMES: readonly GreenupTabName[] = ['live', 'management', 'details', 'priorities', 'settings', 'decisions', 'sessions'];
export type ReportsTab = 'folder' | 'data' | 'pdf';
export const REPORTS_TABS: readonly ReportsTab[] = ['folder', 'data', 'pdf'];
export type StructureKind = 'loads' | 'groups' | 'panelboards';
export type SettingsSection = 'network' | 'modbus' | 'time' | 'csv' | 'edition' | 'integrations' | 'email';
export const SETTINGS_SECTIONS: readonly SettingsSection[] = ['network', 'modbus', 'time', 'csv', 'edition', 'integrations', 'email'];
/** The box as a system (SYS-4…8). */
export type BoxSection = 'info' | 'backup' | 'update' | 'https';
export const BOX_SECTIONS: readonly BoxSection[] = ['info', 'backup', 'update', 'https'];
const STRUCTURE_KINDS: readonly StructureKind[] = ['loads', 'groups', 'panelboards'];
export type ConsumptionView = 'total' | 'overall' | 'partials' | 'compare' | 'details' | 'tariffs' | 'tariff-details';
export const CONSUMPTION_VIEWS: readonly ConsumptionView[] = ['total', 'overall', 'partials', 'compare', 'details', 'tariffs', 'tariff-details'];

export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'panel' }
  | { name: 'measure'; deviceId: number }
  | { name: 'system' }
  /** `gatewayId`: selected gateway, `new` to add one. */
  | { name: 'gateways'; gatewayId?: string }
  /** `deviceId`: selected device, `new` to add one. */
  | { name: 'devices'; gatewayId: string; deviceId?: number | 'new' }
  | { name: 'scan'; gatewayId: string }
  | { name: 'structure'; kind: StructureKind }
  | { name: 'audit' }
  | { name: 'links' }
  /** Reports: alarms (NOTE-5). */
  | { name: 'alarms' }
  /** Reports & data download (HIST-4…6): `#/reports[/folder|data|pdf]`. */
  | { name: 'reports'; tab: ReportsTab }
  /** Bill of consumptions: tariffs and cost rules of one energy type. */
  | { name: 'costs'; type: CostType }
  | { name: 'settings' }
  | { name: 'setting'; section: SettingsSection }
  | { name: 'box'; section: BoxSection }
  | { name: 'users' }
  | { name: 'changeCodes' }
  /** `deviceId`: the device shown in Details. */
  | { name: 'consumption'; view: ConsumptionView; deviceId?: number }
  /** The query of the kiosk URL (`token`, `views`, `every`). */
  | { name: 'kiosk'; query: Record<string, string> }
  /** Green'Up (EV-1…6): `#/greenup[/live|management|details|priorities|settings|decisions|sessions]`. */
  | { name: 'greenup'; tab: GreenupTabName }
  | { name: 'notFound' };

/** `a=1&b=x` → `{a: '1', b: 'x'}` (the part of the hash after `?`). */
export function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const dec = (v: string) => { try { return decodeURIComponent(v.replace(/\+/g, ' ')); } catch { return v; } };
    out[dec(i < 0 ? pair : pair.slice(0, i))] = dec(i < 0 ? '' : pair.slice(i + 1));
  }
  return out;
}

export function parseHash(hash: string): Route {
  const full = hash.replace(/^#/, '');
  const q = full.indexOf('?');
  const path = (q < 0 ? full : full.slice(0, q)).replace(/\/+$/, '') || '/';
  const query = q < 0 ? '' : full.slice(q + 1);
  if (path === '/kiosk') return { name: 'kiosk', query: parseQuery(query) };
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/login') return { name: 'login' };
  if (path === '/panel') return { name: 'panel' };
  if (path === '/change-codes') return { name: 'changeCodes' };
  if (path === '/alarms') return { name: 'alarms' };
  if (path === '/reports') return { name: 'reports', tab: 'folder' };
  const rm = /^\/reports\/(\w+)$/.exec(path);
  if (rm) return (REPORTS_TABS as readonly string[]).includes(rm[1]) ? { name: 'reports', tab: rm[1] as ReportsTab } : { name: 'notFound' };
  let m = /^\/panel\/(\d+)$/.exec(path);
  if (m) return { name: 'measure', deviceId: Number(m[1]) };

  const parts = path.split('/').slice(1).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (parts[0] === 'system') {
    const [, what, id, sub, devId] = parts;
    if (what === undefined) return { name: 'system' };
    if (what === 'audit' && id === undefined) return { name: 'audit' };
    if (what === 'links' && id === undefined) return { name: 'links' };
    if (what === 'costs' && sub === undefined) {
      if (id === undefined) return { name: 'costs', type: 'electricity' };
      if (isCostType(id)) return { name: 'costs', type: id };
    }
    if ((STRUCTURE_KINDS as readonly string[]).includes(what) && id === undefined) return { name: 'structure', kind: what as StructureKind };
    if (what === 'gateways') {
      if (id === undefined) return { name: 'gateways' };
      if (sub === undefined) return { name: 'gateways', gatewayId: id };
      if (sub === 'scan' && devId === undefined) return { name: 'scan', gatewayId: id };
      if (sub === 'devices' && parts.length <= 5) {
        if (devId === undefined) return { name: 'devices', gatewayId: id };
        if (devId === 'new') return { name: 'devices', gatewayId: id, deviceId: 'new' };
        m = /^(\d+)$/.exec(devId);
        if (m) return { name: 'devices', gatewayId: id, deviceId: Number(m[1]) };
      }
    }
    return { name: 'notFound' };
  }
  if (parts[0] === 'consumption') {
    const [, view, id, more] = parts;
    if (view === undefined) return { name: 'consumption', view: 'total' };
    if (!(CONSUMPTION_VIEWS as readonly string[]).includes(view) || more !== undefined) return { name: 'notFound' };
    if (id === undefined) return { name: 'consumption', view: view as ConsumptionView };
    if ((view === 'details' || view === 'tariff-details') && /^\d+$/.test(id)) return { name: 'consumption', view, deviceId: Number(id) };
    return { name: 'notFound' };
  }
  if (parts[0] === 'greenup') {
    const [, tab, more] = parts;
    if (more !== undefined) return { name: 'notFound' };
    if (tab === undefined) return { name: 'greenup', tab: 'live' };
    if ((GREENUP_TAB_NAMES as readonly string[]).includes(tab)) return { name: 'greenup', tab: tab as GreenupTabName };
    return { name: 'notFound' };
  }
  if (parts[0] === 'settings') {
    const [, what, more] = parts;
    if (more !== undefined) return { name: 'notFound' };
    if (what === undefined) return { name: 'settings' };
    if (what === 'users') return { name: 'users' };
    if ((SETTINGS_SECTIONS as readonly string[]).includes(what)) return { name: 'setting', section: what as SettingsSection };
    if ((BOX_SECTIONS as readonly string[]).includes(what)) return { name: 'box', section: what as BoxSection };
  }
  return { name: 'notFound' };
}

const inBrowser = typeof window !== 'undefined';
export const route = signal<Route>(parseHash(inBrowser ? location.hash : ''));
if (inBrowser) window.addEventListener('hashchange', () => { route.value = parseHash(location.hash); });

/** Goes to `path` (e.g. `/panel`), adding a history entry. */
export function navigate(path: string): void {
  const hash = `#${path}`;
  if (location.hash === hash) route.value = parseHash(hash);
  else location.hash = hash;
}

/** Paths of the configuration pages, in one place. */
export const paths = {
  gateways: (id?: string) => (id === undefined ? '/system/gateways' : `/system/gateways/${encodeURIComponent(id)}`),
  devices: (gatewayId: string, deviceId?: number | 'new') =>
    `/system/gateways/${encodeURIComponent(gatewayId)}/devices${deviceId === undefined ? '' : `/${deviceId}`}`,
  scan: (gatewayId: string) => `/system/gateways/${encodeURIComponent(gatewayId)}/scan`,
};
