/**
 * @module files/from-config
 * The installation as the history folder needs it: the structure of the data files, the
 * contents of `settings/EnergySettings.csv` (gateways, devices with their addresses, loads,
 * groups) and `settings/General.csv` (version, time zone, sample rate, CSV options, costs), and
 * the cost of each slot from the tariffs (COST-5, the rule of the consumption API's costs).
 */
import { costTypeOfCounter, deviceAddressLabel } from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { Catalog } from '../catalog/index';
import type { HistoryStore } from '../store/index';
import { tariffBars } from '../costs/index';
import type { FolderStructure } from './layout';
import type { SlotCosts } from './rows';

export function folderStructure(config: ConfigStore, catalog: Catalog): FolderStructure {
  return {
    version: config.version(),
    devices: config.devices().map((d) => ({
      id: d.id, name: d.name, energyType: catalog.get(d.family, d.model)?.energyType ?? 'none',
      loadId: d.loadId, groupIds: d.groupIds, excludeFromTotals: d.excludeFromTotals,
    })),
    loads: config.loads().map((l) => ({ id: l.id, name: l.name, kind: l.kind, enabled: l.enabled })),
    groups: config.groups().map((g) => ({ id: g.id, name: g.name, enabled: g.enabled })),
    currency: config.costSettings().currency,
  };
}

export function settingsFiles(config: ConfigStore, catalog: Catalog): () => Record<string, string[][]> {
  return () => {
    const gateways = new Map(config.gateways().map((g) => [g.id, g]));
    const loads = new Map(config.loads().map((l) => [l.id, l.name]));
    const groups = new Map(config.groups().map((g) => [g.id, g.name]));
    const energy: string[][] = [
      ['Section', 'ID', 'Name', 'Gateway', 'IP address', 'Port', 'Modbus address', 'Family', 'Model', 'Energy type', 'Load', 'Groups', 'Excluded from totals', 'Enabled'],
    ];
    for (const g of config.gateways()) energy.push(['Gateway', g.id, g.name, '', g.host, String(g.port), '', '', '', '', '', '', '', g.enabled ? 'yes' : 'no']);
    for (const d of [...config.devices()].sort((a, b) => a.id - b.id)) {
      const gw = gateways.get(d.gatewayId);
      energy.push(['Device', String(d.id), d.name, gw?.name ?? d.gatewayId, gw?.host ?? '', gw ? String(gw.port) : '', deviceAddressLabel(d), d.family, d.model,
        catalog.get(d.family, d.model)?.energyType ?? 'none', d.loadId ? loads.get(d.loadId) ?? d.loadId : 'Others',
        d.groupIds.map((id) => groups.get(id) ?? id).join(' | '), d.excludeFromTotals ? 'yes' : 'no', d.enabled ? 'yes' : 'no']);
    }
    for (const l of config.loads()) energy.push(['Load', String(l.remoteId), l.name, '', '', '', '', '', '', l.kind, '', '', '', l.enabled ? 'yes' : 'no']);
    for (const g of config.groups()) energy.push(['Group', String(g.remoteId), g.name, '', '', '', '', '', '', '', '', '', '', g.enabled ? 'yes' : 'no']);
    const csv = config.csv();
    const costs = config.costSettings();
    const general: string[][] = [
      ['Setting', 'Value'],
      ['Configuration version', String(config.version())],
      ['Time zone', config.time().timezone],
      ['Sample rate (min)', String(csv.sampleRateMin)],
      ['Decimal separator', csv.decimalSeparator === ',' ? 'comma' : 'point'],
      ['Field separator', csv.fieldSeparator === ';' ? 'semicolon' : 'comma'],
      ['Currency', costs.currency],
      ['Gas conversion (kWh/m3)', String(costs.gasKwhPerM3)],
      ['Energy unit', 'Wh'],
      ['Water and gas unit', 'dm3'],
    ];
    return { 'EnergySettings.csv': energy, 'General.csv': general };
  };
}

/** Cost of each slot, all tariffs of the counter's type added (null where the slot has no energy). */
export function slotCosts(config: ConfigStore, store: HistoryStore): SlotCosts {
  return (scope, counter, bounds, energy) => {
    const type = costTypeOfCounter(counter);
    const tariffs = type ? config.tariffs(type) : [];
    if (!tariffs.length) return energy.map(() => null);
    const { costs } = tariffBars(store, scope, counter, bounds, tariffs, {
      timezone: config.time().timezone, currency: config.costSettings().currency,
      consumption: [{ key: scope, label: scope, unit: 'Wh', values: [...energy] }],
    });
    return energy.map((e, i) => (e === null ? null : costs.reduce((sum, c) => sum + (c.values[i] ?? 0), 0)));
  };
}
