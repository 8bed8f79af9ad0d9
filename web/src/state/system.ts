/**
 * @module state/system
 * The installation's structure as the System configuration pages edit it (SPEC §1–2):
 * gateways (with status), device summaries, panel boards, loads, measure groups and the
 * catalogue. One copy for all those pages; each page reloads what it changed. The daemon
 * validates every write; these lists only mirror what it answered.
 */
import { createModel, effect, signal, untracked, type Signal } from '@preact/signals';
import type { CatalogModel, DeviceSummary, GatewayView, Group, Load, PanelBoard } from '@ews/shared';
import { api } from '../api';
import { startPolling } from './poll';

export const gateways = signal<GatewayView[] | null>(null);
export const deviceList = signal<DeviceSummary[] | null>(null);
export const panelBoards = signal<PanelBoard[] | null>(null);
export const loads = signal<Load[] | null>(null);
export const groups = signal<Group[] | null>(null);
export const catalog = signal<CatalogModel[] | null>(null);
/** Message of the last failed load; null after a good one. */
export const loadError = signal<string | null>(null);

export type Part = 'gateways' | 'devices' | 'panelBoards' | 'loads' | 'groups' | 'catalog';

const LOADERS = {
  gateways: [gateways, api.gateways],
  devices: [deviceList, api.devices],
  panelBoards: [panelBoards, api.panelBoards],
  loads: [loads, api.loads],
  groups: [groups, api.groups],
  catalog: [catalog, api.catalog],
} as unknown as Record<Part, [Signal<unknown[] | null>, () => Promise<unknown[]>]>;

/** Fetches the given parts now (all at once). */
export async function reload(...parts: Part[]): Promise<void> {
  try {
    await Promise.all(parts.map(async (p) => {
      const [sig, load] = LOADERS[p];
      sig.value = await load();
    }));
    loadError.value = null;
  } catch (e) {
    loadError.value = e instanceof Error ? e.message : String(e);
    throw e;
  }
}

/** Fetches the parts not loaded yet. */
export function ensure(...parts: Part[]): Promise<void> {
  const missing = parts.filter((p) => LOADERS[p][0].value === null);
  return missing.length ? reload(...missing) : Promise.resolve();
}

export function modelOf(family: string, model: string): CatalogModel | undefined {
  return catalog.value?.find((m) => m.family === family && m.model === model);
}

/** Remote IDs (MS-1): device 1XXXX, load 2YYYY, group 3ZZZZ. */
export const remoteId = {
  device: (id: number) => 10000 + id,
  load: (remote: number) => 20000 + remote,
  group: (remote: number) => 30000 + remote,
};

/**
 * Keeps `parts` fresh while a page is shown (statuses change under the technician's eyes);
 * `once` are fetched when missing and then left alone.
 */
export const SystemPoll = createModel((parts: Part[], once: Part[], intervalMs: number) => {
  effect(() => startPolling(() => reload(...parts), intervalMs));
  effect(() => untracked(() => { ensure(...once).catch(() => { /* loadError says why */ }); }));
  return { error: loadError };
});
