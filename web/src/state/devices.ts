/**
 * @module state/devices
 * My panel board (DEV-1): gateways and device summaries, refreshed every 5 s while shown,
 * filtered by gateway. The last good list stays on screen when a refresh fails.
 */
import { computed, createModel, effect, signal } from '@preact/signals';
import type { DeviceSummary, GatewaySummary } from '@ews/shared';
import { api } from '../api';
import { startPolling } from './poll';

export const PANEL_REFRESH_MS = 5000;

/** Last device list seen, shared with the Measure page for the device's name and address. */
export const knownDevices = signal<DeviceSummary[] | null>(null);

/** Remembered across visits of the page within this tab. */
const gatewayFilter = signal<string>('all');

export const PanelModel = createModel(() => {
  const gateways = signal<GatewaySummary[]>([]);
  const error = signal<string | null>(null);
  const devices = computed(() => knownDevices.value ?? []);
  const loaded = computed(() => knownDevices.value !== null);
  const visible = computed(() => {
    const f = gatewayFilter.value;
    return f === 'all' ? devices.value : devices.value.filter((d) => d.gatewayId === f);
  });

  async function refresh(): Promise<void> {
    try {
      const [gw, dev] = await Promise.all([api.gateways(), api.devices()]);
      gateways.value = gw;
      knownDevices.value = dev;
      error.value = null;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  effect(() => startPolling(refresh, PANEL_REFRESH_MS));

  return {
    gateways, devices, visible, loaded, error, filter: gatewayFilter,
    setFilter(id: string): void { gatewayFilter.value = id; },
  };
});

/** Fetches the device list once if the Measure page is opened directly. */
export async function ensureDevices(): Promise<void> {
  if (knownDevices.value === null) knownDevices.value = await api.devices();
}
