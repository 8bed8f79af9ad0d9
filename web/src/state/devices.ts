/**
 * @module state/devices
 * My panel board (DEV-1): gateways, panel boards and device summaries, refreshed every 5 s
 * while shown, filtered by gateway and by panel board; devices switched OFF are not shown
 * (CAT-2). The last good list stays on screen when a refresh fails.
 */
import { computed, createModel, effect, signal } from '@preact/signals';
import type { DeviceSummary, GatewayView, PanelBoard } from '@ews/shared';
import { api } from '../api';
import { startPolling } from './poll';

export const PANEL_REFRESH_MS = 5000;

/** Last device list seen, shared with the Measure page for the device's name and address. */
export const knownDevices = signal<DeviceSummary[] | null>(null);

/** Remembered across visits of the page within this tab. */
const gatewayFilter = signal<string>('all');
const panelBoardFilter = signal<string>('all');

export const PanelModel = createModel(() => {
  const gateways = signal<GatewayView[]>([]);
  /** Enabled panel boards only: disabled ones are left out of views (CFG-4). */
  const panelBoards = signal<PanelBoard[]>([]);
  const error = signal<string | null>(null);
  const devices = computed(() => knownDevices.value ?? []);
  const loaded = computed(() => knownDevices.value !== null);
  /** Gateways of the chosen panel board (all when none is chosen). */
  const boardGateways = computed(() => {
    const b = panelBoardFilter.value;
    return b === 'all' ? gateways.value : gateways.value.filter((g) => g.panelBoardId === b);
  });
  const visible = computed(() => {
    const f = gatewayFilter.value;
    const b = panelBoardFilter.value;
    const inBoard = new Set(boardGateways.value.map((g) => g.id));
    return devices.value.filter((d) => d.status !== 'off'
      && (f === 'all' || d.gatewayId === f)
      && (b === 'all' || inBoard.has(d.gatewayId)));
  });

  async function refresh(): Promise<void> {
    try {
      const [gw, dev, pb] = await Promise.all([api.gateways(), api.devices(), api.panelBoards()]);
      gateways.value = gw;
      panelBoards.value = pb.filter((b) => b.enabled);
      // A filter naming something that no longer exists (erased, disabled) falls back to all.
      if (panelBoardFilter.value !== 'all' && !panelBoards.value.some((b) => b.id === panelBoardFilter.value)) panelBoardFilter.value = 'all';
      if (gatewayFilter.value !== 'all' && !gw.some((g) => g.id === gatewayFilter.value)) gatewayFilter.value = 'all';
      knownDevices.value = dev;
      error.value = null;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  effect(() => startPolling(refresh, PANEL_REFRESH_MS));

  return {
    gateways, panelBoards, boardGateways, devices, visible, loaded, error, filter: gatewayFilter, boardFilter: panelBoardFilter,
    setFilter(id: string): void { gatewayFilter.value = id; },
    /** Choosing a panel board resets a gateway filter that lies outside it. */
    setBoardFilter(id: string): void {
      panelBoardFilter.value = id;
      if (gatewayFilter.value !== 'all' && !boardGateways.value.some((g) => g.id === gatewayFilter.value)) gatewayFilter.value = 'all';
    },
  };
});

/** Fetches the device list once if the Measure page is opened directly. */
export async function ensureDevices(): Promise<void> {
  if (knownDevices.value === null) knownDevices.value = await api.devices();
}
