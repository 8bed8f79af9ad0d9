import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabases } from '../db';
import { HistoryStore } from './index';
import { Energy } from '../../energy/index';

const dir = mkdtempSync(join(tmpdir(), 'hs-'));
const dbs = openDatabases(dir);
const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 900_000 });
const energy = new Energy({ store, timezone: 'Europe/Paris', scopes: (id) => ({ energyType: 'electricity', loadId: id % 2 ? 'lighting' : null, groupIds: ['g1'], excludeFromTotals: false }) });
const regs = [{ key: 'e', type: 'u64' as const, scale: 1, unit: 'Wh', counter: 'activeEnergyImport' as const }, { key: 'v', type: 'u32' as const, scale: 0.01, unit: 'V', statistic: true }];
const t0 = Date.UTC(2026, 2, 28, 0, 0);
const ticks = [];
for (let k = 0; k < 96 * 3; k++) {
  ticks.push({ slotMs: t0 + k * 900_000, readings: [1, 2, 3].map((id) => ({ deviceId: id, ok: !(id === 2 && k > 40 && k < 65), values: { e: { value: 1000 * id + k * 100 * id }, v: { value: 230 + (k % 7) * 0.01 } } })) });
}
let t = performance.now();
for (const tk of ticks) store.ingest(tk, () => regs);
console.log('ingest ms/tick', (performance.now() - t) / ticks.length);
const r = energy.consumption({ scope: 'total', period: 'day', date: '2026-03-29' });
console.log(r.x.length, r.series.map((s) => [s.key, s.values.reduce((a, b) => a! + (b ?? 0), 0)]));
const tot = energy.consumption({ scope: 'total', period: 'day', date: '2026-03-29', byLoad: false });
console.log(tot.series[0].values.reduce((a, b) => a! + (b ?? 0), 0), tot.previous.series[0].values);
const d2 = energy.consumption({ scope: 'device:2', period: 'day', date: '2026-03-28' });
console.log(d2.series[0].values);
console.log(store.counterSlots(store.series('device:2', 'activeEnergyImport')!.id, t0 + 40 * 900_000, t0 + 67 * 900_000).map((s) => `${s.value}/${s.raw}/${s.flags}`).join(' '));
console.log(store.statistics(1, 'v', t0, t0 + 3600_000));
console.log(store.sizes());
console.log(energy.csv(energy.consumption({ scope: 'group:g1', period: 'month', date: '2026-03-29' })).slice(0, 300));
