/**
 * @module store/history/testkit
 * Test helpers: a store in a temporary folder, ticks from plain numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabases, type Databases } from '../db';
import { HistoryStore, type HistoryStoreOptions } from './store';
import type { IngestRegister, Tick } from './ingest';

export interface TempStore { dir: string; dbs: Databases; store: HistoryStore; reopen(): TempStore; dispose(): Promise<void> }

export function tempStore(opts: Partial<Omit<HistoryStoreOptions, 'dbs'>> = {}, dir = mkdtempSync(join(tmpdir(), 'ews-history-'))): TempStore {
  const dbs = openDatabases(dir);
  const store = new HistoryStore({ sampleIntervalMs: 900_000, ...opts, dbs: dbs.history });
  const t: TempStore = {
    dir, dbs, store,
    reopen() { store.close(); return tempStore(opts, dir); },
    async dispose() { store.close(); await dbs.close(); rmSync(dir, { recursive: true, force: true }); },
  };
  return t;
}

export const energyRegister = (over: Partial<IngestRegister> = {}): IngestRegister => ({ key: 'e', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyImport', ...over });

/** One tick: `values[deviceId]` is the counter reading, or null when the device did not answer. */
export function tick(slotMs: number, values: Record<number, number | null>, key = 'e'): Tick {
  return {
    slotMs,
    readings: Object.entries(values).map(([id, v]) => (v === null ? { deviceId: Number(id), ok: false } : { deviceId: Number(id), ok: true, values: { [key]: { value: v } } })),
  };
}

/** Splits ticks into per-UTC-day batches (what a back-fill does). */
export function byDay<T extends { slotMs: number }>(ticks: T[]): T[][] {
  const out: T[][] = [];
  for (const t of ticks) {
    const last = out[out.length - 1];
    if (last && Math.floor(last[0].slotMs / 86_400_000) === Math.floor(t.slotMs / 86_400_000)) last.push(t);
    else out.push([t]);
  }
  return out;
}
