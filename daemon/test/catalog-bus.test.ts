/**
 * CAT-1 end to end: every catalogue file is loaded, every model is simulated on one bus, and the
 * real daemon (poller, bus queue, RTU transport, API) reads every declared quantity of every
 * model; then a bus scan (CAT-3) recognises every model that declares an identity, at its
 * address and position (concentrator input, built-in input, EMS module behind its interface).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { genericRegisters, resolveRegisters, type DeviceSummary, type LiveResponse, type ModelDef, type NewDeviceInput, type ScanState } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { combineSlaves, createSimSlave, type SimSlave } from '../../scripts/sim/slave';
import { catalog, startRig, waitFor, type Rig } from './rig';

const GENERIC = { fn: 4 as const, address: 0x100, words: 2 as const, factor: 10 };

interface Placed { model: ModelDef; address: number; position?: number; name: string }

/** Addresses per bus: an edition allows 32 Modbus addresses per gateway. */
const MAX_ADDRESSES = 30;

/**
 * One address per model; positional models share a concentrator or an EMS interface address.
 * The catalogue fills several buses, each checked by its own daemon.
 */
function place(models: readonly ModelDef[]): Placed[][] {
  const buses: Placed[][] = [[]];
  let next = 1;
  let shared = new Map<string, { address: number; used: number }>();
  const take = () => {
    if (next > MAX_ADDRESSES) { buses.push([]); next = 1; shared = new Map(); }
    return next++;
  };
  for (const model of models) {
    // WSMEASURE devices are read from a slave web server, not from the bus
    if (model.family === 'wsmeasure') continue;
    const host = model.positions ? model.positions.host ?? 'concentrator' : undefined;
    const name = `${model.family}/${model.model}`;
    if (host === 'concentrator' || host === 'interface') {
      let slot = shared.get(host);
      if (!slot || slot.used >= model.positions!.count) { slot = { address: take(), used: 0 }; shared.set(host, slot); }
      buses[buses.length - 1].push({ model, address: slot.address, position: ++slot.used, name });
    } else if (host === 'meter') {
      const address = take();
      buses[buses.length - 1].push({ model, address, position: 1, name });
    } else {
      const address = take();
      buses[buses.length - 1].push({ model, address, name });
    }
  }
  return buses;
}

const buses = place(catalog.models);
const placed = buses.flat();

interface BusRig { rig: Rig; placed: Placed[] }
const rigs: BusRig[] = [];

before(async () => {
  for (const [b, onBus] of buses.entries()) {
    const sim = new SimBus();
    const pipe = createMemoryPipe({ name: `catalog-rs485-${b}` });
    attachRtuEndpoint(sim, pipe.slave);
    const byAddress = new Map<number, SimSlave[]>();
    for (const p of onBus) {
      const slave = createSimSlave(p.model, {
        address: p.address, seed: p.address * 31 + (p.position ?? 0), name: p.name,
        ...(p.position !== undefined ? { position: p.position } : {}),
        ...(p.model.family === 'generic' ? { generic: GENERIC } : {}),
      });
      byAddress.set(p.address, [...(byAddress.get(p.address) ?? []), slave]);
    }
    for (const [address, slaves] of byAddress) sim.add(slaves.length === 1 && slaves[0].position === undefined ? slaves[0] : combineSlaves(address, slaves));
    const rig = await startRig({
      linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
      devices: onBus.map((p): NewDeviceInput => ({
        gatewayId: 'local', family: p.model.family, model: p.model.model, address: p.address, name: p.name,
        ...(p.position !== undefined ? { position: p.position } : {}),
        ...(p.model.family === 'generic' ? { generic: GENERIC } : {}),
        ...(p.model.parameters.includes('side') ? { side: 'A' as const } : {}),
        ...(p.model.parameters.includes('phase') ? { phase: 'L1' as const } : {}),
      })),
    });
    rigs.push({ rig, placed: onBus });
  }
});
after(async () => { for (const r of rigs) await r.rig.stop(); });

test('the catalogue covers every family and the bus carries every model', () => {
  const families = new Set(placed.map((p) => p.model.family));
  for (const f of ['multifunction', 'energyCounter', 'pulseCounter', 'rcd', 'ems', 'breaker', 'powerSupervision', 'generic'] as const) assert.ok(families.has(f), f);
  assert.ok(placed.length >= 40, `${placed.length} models on the bus`);
});

test('every declared quantity of every model is read through the real poller, with its unit', async () => {
  let quantities = 0;
  for (const { rig, placed } of rigs) quantities += await readAll(rig, placed);
  console.log(JSON.stringify({ models: placed.length, buses: rigs.length, quantities }));
});

async function readAll(rig: Rig, placed: Placed[]): Promise<number> {
  const devices = await waitFor('every device on', async () => {
    const list = (await rig.api<DeviceSummary[]>('/api/devices')).body;
    const off = list.filter((d) => d.status !== 'on');
    return off.length === 0 ? list : false;
  }, 60_000).catch(async (err) => {
    const list = (await rig.api<DeviceSummary[]>('/api/devices')).body;
    throw new Error(`${(err as Error).message}: ${list.filter((d) => d.status !== 'on').map((d) => `${d.name} ${d.statusReason} ${d.statusDetail ?? ''}`).join('; ')}`);
  });
  assert.equal(devices.length, placed.length);
  let quantities = 0;
  for (const p of placed) {
    const d = devices.find((x) => x.name === p.name)!;
    const live = (await rig.api<LiveResponse>(`/api/devices/${d.id}/live`)).body;
    assert.equal(live.status, 'on', p.name);
    const regs = p.model.family === 'generic' ? genericRegisters(GENERIC) : resolveRegisters(p.model, p.position);
    assert.equal(live.measures.length, regs.length, `${p.name}: measures`);
    for (const r of regs) {
      const v = live.values[r.key];
      assert.ok(v, `${p.name}: ${r.key} not read`);
      assert.equal(v.unit, r.unit, `${p.name}: ${r.key} unit`);
      if (r.states) assert.ok(Object.values(r.states).includes(String(v.value)), `${p.name}: ${r.key} = ${v.value}`);
      else assert.equal(typeof v.value, 'number', `${p.name}: ${r.key}`);
      quantities++;
    }
    if (p.model.energyType === 'electricity' && regs.some((r) => r.key === 'activeEnergyImportWh')) {
      assert.ok((live.values.activeEnergyImportWh.value as number) > 0, `${p.name}: energy counted`);
    }
  }
  return quantities;
}

test('the scan recognises every model that declares an identity, at its address and position', async () => {
  for (const { rig, placed } of rigs) await scanAll(rig, placed);
  assert.ok(placed.filter((p) => p.model.identity).length >= 35);
});

async function scanAll(rig: Rig, placed: Placed[]): Promise<void> {
  const to = Math.max(...placed.map((p) => p.address));
  const started = await rig.api<ScanState>('/api/gateways/local/scan', { method: 'POST', body: JSON.stringify({ from: 1, to }) });
  assert.equal(started.status, 202);
  const done = await waitFor('scan done', async () => {
    const s = (await rig.api<ScanState>(`/api/scans/${started.body.id}`)).body;
    return s.state !== 'running' ? s : false;
  }, 120_000);
  assert.equal(done.state, 'done');
  const withIdentity = placed.filter((p) => p.model.identity);
  for (const p of withIdentity) {
    const hit = done.found.find((f) => f.address === p.address && f.position === p.position && f.model === p.model.model);
    assert.ok(hit, `${p.name} at ${p.address}${p.position ? `-${p.position}` : ''} not recognised (found there: ${done.found.filter((f) => f.address === p.address).map((f) => f.model).join(', ') || 'nothing'})`);
  }
  const wrong = done.found.filter((f) => !placed.some((p) => p.address === f.address && p.position === f.position && p.model.model === f.model));
  assert.deepEqual(wrong, [], 'no false proposals');
}
