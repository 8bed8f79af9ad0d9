/**
 * @module state/live
 * Measure page (DEV-2): the device's live values, refreshed every 2 s while shown. On failure
 * the last values stay and are marked stale.
 */
import { computed, createModel, effect, signal, untracked } from '@preact/signals';
import type { LiveResponse } from '@ews/shared';
import { api } from '../api';
import { ensureDevices, knownDevices } from './devices';
import { startPolling } from './poll';

export const LIVE_REFRESH_MS = 2000;

export const LiveModel = createModel((deviceId: number) => {
  const live = signal<LiveResponse | null>(null);
  /** Message of the last failed refresh (HTTP error); null after a good one. */
  const error = signal<string | null>(null);
  const notFound = signal(false);
  const device = computed(() => knownDevices.value?.find((d) => d.id === deviceId) ?? null);
  /** The tab of the measure tables: `all` or a quantity group. */
  const tab = signal<string>('all');

  async function refresh(): Promise<void> {
    try {
      live.value = await api.live(deviceId);
      error.value = null;
      notFound.value = false;
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 404) notFound.value = true;
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  effect(() => startPolling(refresh, LIVE_REFRESH_MS));
  effect(() => untracked(() => { ensureDevices().catch(() => { /* name shown once the list loads */ }); }));

  return {
    live, error, notFound, device, tab,
    setTab(next: string): void { tab.value = next; },
    /** Reads again now (after a command), keeping the polling rhythm. */
    refresh: () => refresh().catch(() => undefined),
  };
});
