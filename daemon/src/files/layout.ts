/**
 * @module files/layout
 * Which files of the history folder (HIST-2) a month has, and their columns, from the
 * installation's structure and the series the store holds:
 *
 *   devices/<ID>/<ID>_<energy|water|gas>_<YYYY-MM>.csv   a device's counters, per slot
 *   devices/<ID>/<ID>_statistics_<YYYY-MM>.csv           avg/min/max of its instantaneous quantities
 *   energy/{devices,groups,loads}_<YYYY-MM>_<v>.csv      Ea+ per slot (Wh), one column each
 *   gas/{devices,groups}_<YYYY-MM>_<v>.csv               dm³
 *   water/{devices,groups}_<YYYY-MM>_<v>.csv             dm³
 *   overallTotal/overallTotalValues_<YYYY-MM>.csv        electricity (Wh), gas, water (dm³)
 *   overallTotal/overallTotalCosts_<YYYY-MM>.csv         the same in the currency
 *
 * `<v>` is the configuration version (HIST-3, CFG-5). Every data file starts with the slot's
 * local start and its UTC start; a row holds what happened in [start, start + sample rate).
 */
import type { CounterKind } from '@ews/shared';
import type { HistoryStore } from '../store/index';
import { compareText } from '../util/compare';

export type EnergyType = 'electricity' | 'water' | 'gas';

/** The installation as the folder sees it (names at the version the file was started). */
export interface FolderStructure {
  version: number;
  devices: ReadonlyArray<{ id: number; name: string; energyType: EnergyType | 'none'; loadId: string | null; groupIds: readonly string[]; excludeFromTotals: boolean }>;
  loads: ReadonlyArray<{ id: string; name: string; kind: string; enabled: boolean }>;
  groups: ReadonlyArray<{ id: string; name: string; enabled: boolean }>;
  currency: string;
}

export type ColumnSource =
  /** Consumption of the scope's counter in the slot (counter difference, as the consumption API). */
  | { k: 'energy'; scope: string; counter: CounterKind }
  /** Cost of that consumption (all tariffs), in the currency. */
  | { k: 'cost'; scope: string; counter: CounterKind }
  /** 1 when the slot's end value was estimated (gap filled), else empty. */
  | { k: 'estimated'; scope: string; counter: CounterKind }
  | { k: 'stat'; deviceId: number; key: string; field: 'avg' | 'min' | 'max' };

export interface Column { label: string; src: ColumnSource }
export interface FileSpec { path: string; columns: Column[] }

export const COUNTER_OF: Record<EnergyType, CounterKind> = { electricity: 'activeEnergyImport', water: 'water', gas: 'gas' };
export const UNIT_OF: Record<EnergyType, string> = { electricity: 'Wh', water: 'dm3', gas: 'dm3' };
const FOLDER_OF: Record<EnergyType, string> = { electricity: 'energy', water: 'water', gas: 'gas' };
const DEVICE_KIND: Record<EnergyType, string> = { electricity: 'energy', water: 'water', gas: 'gas' };
const COUNTER_LABEL: Record<CounterKind, string> = {
  activeEnergyImport: 'Active energy imported', activeEnergyExport: 'Active energy exported', water: 'Water', gas: 'Gas',
};
const COUNTER_ORDER: CounterKind[] = ['activeEnergyImport', 'activeEnergyExport', 'water', 'gas'];

/** The fixed leading columns of every data file. */
export const LEAD = ['Start (local)', 'Start (UTC)'];

/** The data files of `month`, with their columns (files of the current structure only). */
export function monthFiles(s: FolderStructure, store: HistoryStore, month: string): FileSpec[] {
  const out: FileSpec[] = [];
  const devices = [...s.devices].sort((a, b) => a.id - b.id);
  for (const d of devices) {
    if (d.energyType === 'none') continue;
    const scope = `device:${d.id}`;
    const counters = store.listSeries({ kind: 'counter', scopePrefix: scope }).filter((x) => x.scope === scope && x.counter)
      .map((x) => x.counter!).sort((a, b) => COUNTER_ORDER.indexOf(a) - COUNTER_ORDER.indexOf(b));
    if (counters.length) {
      const unit = UNIT_OF[d.energyType];
      out.push({
        path: `devices/${d.id}/${d.id}_${DEVICE_KIND[d.energyType]}_${month}.csv`,
        columns: [
          ...counters.map((counter): Column => ({ label: `${COUNTER_LABEL[counter]} (${counter === 'water' || counter === 'gas' ? 'dm3' : unit})`, src: { k: 'energy', scope, counter } })),
          { label: 'Estimated', src: { k: 'estimated', scope, counter: counters[0] } },
        ],
      });
    }
    const stats = store.listSeries({ kind: 'statistic', scopePrefix: scope }).filter((x) => x.scope === scope && x.key)
      .sort((a, b) => compareText(a.key!, b.key!));
    if (stats.length) {
      out.push({
        path: `devices/${d.id}/${d.id}_statistics_${month}.csv`,
        columns: stats.flatMap((x) => (['avg', 'min', 'max'] as const).map((field): Column => ({
          label: `${x.key} ${field} (${x.unit})`, src: { k: 'stat', deviceId: d.id, key: x.key!, field },
        }))),
      });
    }
  }
  const v = s.version;
  for (const type of ['electricity', 'gas', 'water'] as const) {
    const counter = COUNTER_OF[type];
    const unit = UNIT_OF[type];
    const ofType = devices.filter((d) => d.energyType === type);
    if (!ofType.length) continue;
    const folder = FOLDER_OF[type];
    out.push({ path: `${folder}/devices_${month}_${v}.csv`, columns: ofType.map((d) => ({ label: `${d.id} ${d.name} (${unit})`, src: { k: 'energy', scope: `device:${d.id}`, counter } })) });
    const groups = s.groups.filter((g) => g.enabled && ofType.some((d) => d.groupIds.includes(g.id)));
    if (groups.length) out.push({ path: `${folder}/groups_${month}_${v}.csv`, columns: groups.map((g) => ({ label: `${g.name} (${unit})`, src: { k: 'energy', scope: `group:${g.id}`, counter } })) });
    if (type === 'electricity') {
      const loads = s.loads.filter((l) => l.enabled && l.kind !== 'water' && l.kind !== 'gas'
        && ofType.some((d) => !d.excludeFromTotals && (d.loadId ?? 'others') === l.id));
      if (loads.length) out.push({ path: `${folder}/loads_${month}_${v}.csv`, columns: loads.map((l) => ({ label: `${l.name} (${unit})`, src: { k: 'energy', scope: `load:${l.id}`, counter } })) });
    }
  }
  const types = (['electricity', 'gas', 'water'] as const).filter((t) => devices.some((d) => d.energyType === t));
  if (types.length) {
    const label = { electricity: 'Electricity', gas: 'Gas', water: 'Water' } as const;
    const scope = (t: EnergyType) => (t === 'electricity' ? 'total' : `type:${t}`);
    out.push({ path: `overallTotal/overallTotalValues_${month}.csv`, columns: types.map((t) => ({ label: `${label[t]} (${UNIT_OF[t]})`, src: { k: 'energy', scope: scope(t), counter: COUNTER_OF[t] } })) });
    out.push({ path: `overallTotal/overallTotalCosts_${month}.csv`, columns: types.map((t) => ({ label: `${label[t]} (${s.currency})`, src: { k: 'cost', scope: scope(t), counter: COUNTER_OF[t] } })) });
  }
  return out;
}
