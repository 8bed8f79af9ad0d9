/**
 * @module energy/scopes
 * Which aggregates a device's counters feed: its load (or "others"), its measure groups, its
 * energy type and the installation total. Devices excluded from totals feed only their groups
 * (and keep their own history): loads partition the total, so the total is always the sum of
 * its loads (CON-1). Loads and groups are opaque ids owned by the configuration.
 */
import type { CounterKind } from '@ews/shared';
import type { ScopesOf } from '../store/index';
import { EnergyError } from './errors';

export type EnergyKind = 'electricity' | 'water' | 'gas';

export interface DeviceScope {
  energyType: EnergyKind | 'none';
  loadId: string | null;
  groupIds: readonly string[];
  excludeFromTotals: boolean;
}
export type ScopeProvider = (deviceId: number) => DeviceScope | undefined;

/** The load of devices that have none (CFG-2 "Others"). */
export const OTHERS_LOAD = 'others';

export const energyOfCounter = (kind: CounterKind): EnergyKind => (kind === 'water' ? 'water' : kind === 'gas' ? 'gas' : 'electricity');

export function scopesOf(provider: ScopeProvider): ScopesOf {
  return (deviceId, kind) => {
    const d = provider(deviceId);
    if (!d) return [];
    const out = d.groupIds.map((g) => `group:${g}`);
    if (d.excludeFromTotals) return out;
    out.push(`load:${d.loadId ?? OTHERS_LOAD}`, `type:${energyOfCounter(kind)}`);
    if (energyOfCounter(kind) === 'electricity') out.push('total');
    return out;
  };
}

export type Scope =
  | { kind: 'total' }
  | { kind: 'type'; energy: EnergyKind }
  | { kind: 'load'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'device'; id: number };

/** Parses `total`, `type:<energy>`, `load:<id>`, `group:<id>`, `device:<id>`. */
export function parseScope(text: string): Scope {
  if (text === 'total') return { kind: 'total' };
  const i = text.indexOf(':');
  const head = i < 0 ? text : text.slice(0, i);
  const rest = i < 0 ? '' : text.slice(i + 1);
  if (head === 'type' && (rest === 'electricity' || rest === 'water' || rest === 'gas')) return { kind: 'type', energy: rest };
  if ((head === 'load' || head === 'group') && /^[A-Za-z0-9_.-]{1,64}$/.test(rest)) return { kind: head, id: rest };
  if (head === 'device' && /^\d{1,5}$/.test(rest)) return { kind: 'device', id: Number(rest) };
  throw new EnergyError('bad-scope', `unknown scope "${text}" (total, type:electricity|water|gas, load:<id>, group:<id>, device:<id>)`);
}

export function scopeKey(s: Scope): string {
  switch (s.kind) {
    case 'total': return 'total';
    case 'type': return `type:${s.energy}`;
    case 'device': return `device:${s.id}`;
    default: return `${s.kind}:${s.id}`;
  }
}

export function defaultLabel(scope: string): string {
  if (scope === 'total') return 'Total';
  if (scope === `load:${OTHERS_LOAD}`) return 'Others';
  const [head, rest] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
  return head === 'device' ? `Device ${rest}` : rest;
}
