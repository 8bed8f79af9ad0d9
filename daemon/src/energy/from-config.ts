/**
 * @module energy/from-config
 * The installation's structure as the history store sees it: each device's energy type, load,
 * groups and exclusion, and the display names of scopes.
 */
import type { ConfigStore } from '../config/index';
import type { Catalog } from '../catalog/index';
import type { ScopeProvider } from './scopes';

export function scopeProvider(config: ConfigStore, catalog: Catalog): ScopeProvider {
  // Re-created on every change of devices, loads or groups (daemon.ts), so computed once here.
  const enabledGroups = new Set(config.groups().filter((g) => g.enabled).map((g) => g.id));
  return (deviceId) => {
    const d = config.device(deviceId);
    if (!d) return undefined;
    const model = catalog.get(d.family, d.model);
    return {
      energyType: model?.energyType ?? 'none',
      loadId: d.loadId,
      groupIds: d.groupIds.filter((g) => enabledGroups.has(g)),
      excludeFromTotals: d.excludeFromTotals,
    };
  };
}

export function scopeLabels(config: ConfigStore): (scope: string) => string | undefined {
  return (scope) => {
    const [kind, id] = scope.split(':');
    if (kind === 'load') return config.loads().find((l) => l.id === id)?.name;
    if (kind === 'group') return config.groups().find((g) => g.id === id)?.name;
    if (kind === 'device') return config.device(Number(id))?.name;
    return undefined;
  };
}
