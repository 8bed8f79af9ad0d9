/**
 * Costs over the real daemon (COST-1…5): sample ticks from the simulator through the bus and the
 * store, tariffs and rules through the API, costs in the consumption answer; a rule change
 * recomputes history in the background, shows its progress and changes the figures without a
 * restart; tariffs in use cannot be deleted; rights.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiError, ConsumptionResult, CostRulesView, CostRecompute, Tariff } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { createSimSlave } from '../../scripts/sim/slave';
import { systemClock } from '../src/util/clock';
import { startRig, catalog, waitFor, CODES, type Rig } from './rig';

const HOUR = 3_600_000;
const LAST_SLOT = Math.floor(Date.now() / HOUR) * HOUR;
/** The meters live in simulated time: each hourly tick reads them as they are at that hour. */
let simNow = LAST_SLOT - 31 * HOUR;
const simClock = { ...systemClock, now: () => simNow };
const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
for (const [model, address] of [['F41DM63', 1], ['F21DM63', 2]] as const) {
  sim.add(createSimSlave(catalog.require('energyCounter', model), { address, seed: address * 7919, clock: simClock }));
}
let rig: Rig;
const today = () => new Date().toISOString().slice(0, 10);
const sum = (xs: Array<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A', loadId: 'lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'B', loadId: 'heating' },
    ],
  });
  // hourly history of the last 30 hours, every tick through the poller, the bus and the simulator
  assert.equal((await rig.api('/api/settings/csv', { method: 'PUT', body: JSON.stringify({ sampleRateMin: 60 }) })).status, 200);
  for (let slot = LAST_SLOT - 30 * HOUR; slot <= LAST_SLOT; slot += HOUR) {
    simNow = slot;
    const tick = await rig.daemon.poller.runTick(slot);
    assert.ok(tick.readings.every((r) => r.ok));
  }
});
after(async () => { await rig?.stop(); });

const post = <T>(path: string, body: unknown) => rig.api<T & ApiError>(path, { method: 'POST', body: JSON.stringify(body) });
const put = <T>(path: string, body: unknown) => rig.api<T & ApiError>(path, { method: 'PUT', body: JSON.stringify(body) });
const costsOf = async (scope: string, period = 'month') => {
  const r = await rig.api<ConsumptionResult>(`/api/consumption?scope=${scope}&period=${period}&date=${today()}&costs=1`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const idle = () => waitFor('the recomputation to end', async () => (await rig.api<{ recompute: CostRecompute | null }>('/api/costs/status')).body.recompute === null, 20_000);

test('tariffs and rules through the API give costs per tariff; a rule change recomputes history with progress, without a restart', async () => {
  assert.deepEqual((await rig.api('/api/settings/costs')).body, { currency: 'EUR', gasKwhPerM3: 10.5 });
  assert.equal((await put<{ currency: string }>('/api/settings/costs', { currency: 'chf', gasKwhPerM3: 11.2 })).body.currency, 'CHF');
  const peak = (await post<Tariff>('/api/tariffs', { type: 'electricity', name: 'Peak', color: '#D62728', prices: [{ price: 0.3 }] })).body;
  const off = (await post<Tariff>('/api/tariffs', { type: 'electricity', name: 'Off-peak', color: '#1f77b4', prices: [{ price: 0.1 }] })).body;
  assert.equal(peak.color, '#d62728');
  const first = await put<CostRulesView>('/api/cost-rules/electricity', [
    { tariffId: peak.id, timeFrom: '07:00', timeTo: '21:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
    { tariffId: off.id },
  ]);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.ok(first.body.recompute && first.body.recompute.percent === 0 && first.body.recompute.types.includes('electricity'), 'the answer shows the recomputation under way');
  assert.deepEqual(first.body.uncovered, [], 'every minute is covered');
  assert.ok(first.body.activeRule === 0 || first.body.activeRule === 1);
  await idle();

  const month = await costsOf('total');
  assert.equal(month.currency, 'CHF');
  assert.deepEqual(month.costs!.map((c) => [c.label, c.color, c.unit]), [['Peak', '#d62728', 'CHF'], ['Off-peak', '#1f77b4', 'CHF']]);
  const energy = sum(month.series.flatMap((s) => s.values));
  const [peakWh, offWh] = month.byTariff!.map((s) => sum(s.values));
  assert.ok(energy > 0, 'the simulator counted energy');
  assert.ok(Math.abs(peakWh + offWh - energy) < 0.01, `all energy is in a tariff: ${peakWh} + ${offWh} vs ${energy}`);
  const cost = sum(month.costs!.flatMap((c) => c.values));
  assert.ok(Math.abs(cost - (peakWh * 0.3 + offWh * 0.1) / 1000) < 1e-6);
  // a device, and the previous period has the same shape
  const dev = await costsOf('device:1', 'day');
  assert.equal(dev.costs!.length, 2);
  assert.equal(dev.previous.costs!.length, 2);
  // CON-6: the datalogger.csv of a view in currency carries the costs per tariff and their total
  const csvOf = async (costs: boolean) => {
    const r = await rig.api<string>(`/api/consumption.csv?scope=device:1&period=day&date=${today()}${costs ? '&costs=1' : ''}`);
    assert.equal(r.status, 200);
    return r.body.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(';'));
  };
  const [head, ...rows] = await csvOf(true);
  assert.deepEqual(head.slice(-3), ['Peak (CHF)', 'Off-peak (CHF)', 'Total cost (CHF)']);
  assert.equal(rows.length, dev.x.length);
  const num = (cell: string) => (cell === '' ? null : Number(cell.replace(',', '.')));
  const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  rows.forEach((row, i) => {
    const [p, o] = dev.costs!.map((c) => c.values[i] ?? null);
    assert.deepEqual(row.slice(-3).map(num), [r3(p), r3(o), p === null && o === null ? null : r3((p ?? 0) + (o ?? 0))], `bar ${i}: ${row.join(';')}`);
  });
  assert.ok(sum(rows.map((row) => num(row[row.length - 1]))) > 0, 'some bar costs something');
  assert.ok(!(await csvOf(false))[0].some((h) => h.includes('CHF')), 'no currency columns when the view shows energy');

  // the rule changes: peak all day. History is recomputed; the new figures come without a restart.
  const changed = await put<CostRulesView>('/api/cost-rules/electricity', [{ tariffId: peak.id }]);
  assert.ok(changed.body.recompute, 'progress shows at once');
  await idle();
  const after = await costsOf('total');
  const [peakAfter, offAfter] = after.byTariff!.map((s) => sum(s.values));
  assert.equal(offAfter, 0);
  assert.ok(Math.abs(peakAfter - energy) < 0.01);
  assert.ok(Math.abs(sum(after.costs!.flatMap((c) => c.values)) - (energy * 0.3) / 1000) < 1e-6);

  // a price change is read at once (no recomputation)
  await put(`/api/tariffs/${peak.id}`, { type: 'electricity', name: 'Peak', color: '#d62728', prices: [{ price: 0.5 }] });
  assert.equal((await rig.api<{ recompute: unknown }>('/api/costs/status')).body.recompute, null);
  assert.ok(Math.abs(sum((await costsOf('total')).costs!.flatMap((c) => c.values)) - (energy * 0.5) / 1000) < 1e-6);
});

test('a tariff in use cannot be deleted; its type cannot change; at most 5 per type; uncovered periods are listed', async () => {
  const tariffs = (await rig.api<Tariff[]>('/api/tariffs?type=electricity')).body;
  const peak = tariffs.find((t) => t.name === 'Peak')!;
  const refused = await rig.api<ApiError>(`/api/tariffs/${peak.id}`, { method: 'DELETE' });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /"Peak" is used by electricity rule 1/);
  assert.equal((await put(`/api/tariffs/${peak.id}`, { ...peak, id: undefined, type: 'gas' })).status, 409);
  // Off-peak is no longer in a rule since the last change
  const unused = tariffs.find((t) => t.name === 'Off-peak')!;
  assert.equal((await rig.api(`/api/tariffs/${unused.id}`, { method: 'DELETE' })).status, 204);
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await post('/api/tariffs', { type: 'electricity', name: `T${i}`, color: '#000000', prices: [{ price: 1 }] })).status);
  assert.deepEqual(made, [201, 201, 201, 201, 400]);
  const dup = await post('/api/tariffs', { type: 'gas', name: 'x', color: '#000000', prices: [{ price: 1, from: '2026-01-01' }, { price: 2, from: '2026-01-01' }] });
  assert.equal(dup.status, 400);
  assert.ok(dup.body.fields?.['prices.1.from']);
  // weekdays only: the weekend is uncovered
  const wk = await put<CostRulesView>('/api/cost-rules/electricity', [{ tariffId: peak.id, days: ['mon', 'tue', 'wed', 'thu', 'fri'] }]);
  assert.equal(wk.status, 200);
  assert.ok(wk.body.uncovered.length >= 1 && wk.body.uncovered.length <= 2, JSON.stringify(wk.body.uncovered));
  assert.match(wk.body.uncovered[0].from, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.equal((await rig.api('/api/cost-rules/heat')).status, 404);
  await idle();
  // export energy has no cost
  const exp = await rig.api<ConsumptionResult>(`/api/consumption?scope=device:1&period=day&date=${today()}&counter=activeEnergyExport&costs=1`);
  assert.equal(exp.status, 200);
  assert.deepEqual(exp.body.costs, []);
});

test('rights: every user reads tariffs and the rules, only System configuration changes them', async () => {
  const user = rig.client();
  await user.login(...CODES.user);
  assert.equal((await user('/api/tariffs')).status, 200);
  assert.equal((await user('/api/settings/costs')).status, 200);
  assert.equal((await user('/api/cost-rules/electricity')).status, 200);
  assert.equal((await user(`/api/consumption?scope=total&period=day&date=${today()}&costs=1`)).status, 200);
  assert.equal((await user('/api/cost-rules/electricity', { method: 'PUT', body: '[]' })).status, 403);
  assert.equal((await user('/api/tariffs', { method: 'POST', body: '{}' })).status, 403);
  assert.equal((await user('/api/settings/costs', { method: 'PUT', body: '{}' })).status, 403);
  const installer = rig.client();
  await installer.login(...CODES.installer);
  assert.equal((await installer('/api/settings/costs', { method: 'PUT', body: JSON.stringify({ currency: 'EUR', gasKwhPerM3: 10 }) })).status, 200);
});
