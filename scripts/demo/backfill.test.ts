/**
 * The demo back-fill: history from the simulator's slaves through the live ingest path, loads
 * adding up to the total, no gap, and a hand-over to live readings without a jump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog, tempStore, Energy, FLAG, planDevice, type Clock, type Timer } from '@ews/daemon';
import { backfill, demoScopes } from './backfill';
import { demoInstallation } from '../sim/installations';
import { createSimSlave } from '../sim/slave';
import { hashInts } from '../sim/noise';

test('ten days of demo history, consistent, handed over to live readings without a jump', async () => {
  const inst = demoInstallation();
  const scopes = demoScopes(inst);
  const t = tempStore();
  const energy = new Energy({ store: t.store, timezone: 'Europe/Paris', scopes });
  try {
    const fromMs = Date.UTC(2026, 2, 20), toMs = Date.UTC(2026, 2, 30);
    const catalog = loadCatalog();
    const r = await backfill({ store: t.store, catalog, installation: inst, fromMs, toMs });
    assert.equal(r.devices, 25, 'every simulated device with a counter or a statistic (18, the car park meter and six charging stations)');
    assert.equal(r.ticks, 10 * 96);
    // speed is a figure, not an assertion (the machine is shared): the demo prints it too
    console.log(JSON.stringify({ figure: 'backfill', msPerSimulatedDay: Math.round(r.elapsedMs / 10) }));

    const total = energy.consumption({ scope: 'total', period: 'month', date: '2026-03-25', byLoad: false }).series[0].values;
    const byLoad = energy.consumption({ scope: 'total', period: 'month', date: '2026-03-25' });
    assert.ok(byLoad.series.length >= 5);
    total.forEach((v, i) => assert.equal(v === null ? 0 : Math.round(v), Math.round(byLoad.series.reduce((a, s) => a + (s.values[i] ?? 0), 0))));
    assert.ok(total[22]! > 10_000, `a working day of the office: ${total[22]} Wh`);
    assert.ok(energy.consumption({ scope: 'type:water', period: 'day', date: '2026-03-24' }).series[0].values.some((v) => v! > 0));
    const main = t.store.series('device:1', 'activeEnergyImport')!;
    assert.equal(t.store.counterSlots(main.id, fromMs, toMs).filter((s) => s.flags & FLAG.ESTIMATED).length, 0, 'no gap');

    // live: the simulator starts afresh at "now" (its counters restart at their seed value)
    const liveAt = toMs + 3 * 900_000;
    const now = liveAt;
    const clock: Clock = { now: () => now, monotonicMs: () => now, setTimeout: () => ({}) as Timer, clearTimeout: () => {} };
    const d = inst.buses[0].devices[0];
    const model = catalog.require(d.family, d.model);
    const live = createSimSlave(model, { address: d.address, seed: hashInts(1, d.address, 0, d.model.length), clock, profile: d.profile!, nominalPowerW: d.nominalPowerW! });
    const regs = planDevice(model, {}).registers.filter((x) => x.counter);
    const v = live.values();
    t.store.ingest({ slotMs: liveAt, readings: [{ deviceId: 1, ok: true, values: Object.fromEntries(regs.map((x) => [x.key, { value: Math.floor(v[x.key]) }])) }] }, () => regs);
    const day = energy.consumption({ scope: 'device:1', period: 'day', date: '2026-03-30' }).series[0].values;
    const before = energy.consumption({ scope: 'device:1', period: 'day', date: '2026-03-29' }).series[0].values as number[];
    assert.ok(day[0]! <= 2 * Math.max(...before), `hand-over hour: ${day[0]} Wh, max hour before ${Math.max(...before)} Wh`);
  } finally {
    await t.dispose();
  }
});
