/** Simulator: concentrators, generic meters, reserved gaps, I/O, installations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRegisters } from '@ews/shared';
import { loadCatalog, modbus } from '@ews/daemon';
import { combineSlaves, createSimSlave } from './slave';
import { benchInstallation, buildSimBus, demoInstallation } from './installations';
import { fakeClock, reg } from './testkit';

const catalog = loadCatalog();

test('pulse concentrator: one address, several positions; generic meter holds energy/factor', () => {
  const fake = fakeClock(new Date(2025, 5, 1, 8, 0).getTime());
  const water = catalog.require('pulseCounter', 'pulse-water');
  const gas = catalog.require('pulseCounter', 'pulse-gas');
  const c = combineSlaves(10, [
    createSimSlave(water, { address: 10, position: 2, seed: 1, clock: fake.clock }),
    createSimSlave(gas, { address: 10, position: 3, seed: 2, clock: fake.clock }),
  ]);
  const w = reg(water, 'waterVolumeDm3', 2);
  const g = reg(gas, 'gasVolumeDm3', 3);
  const words = c.snapshot();
  assert.ok(words.has(3 * 0x10000 + w.address) && words.has(3 * 0x10000 + g.address));
  assert.equal(c.read(3, reg(water, 'waterVolumeDm3', 1).address), undefined, 'position 1 not configured');
  assert.equal(c.read(water.identity!.fn, water.identity!.address + water.positions!.stride), water.identity!.value);
  assert.equal(c.read(gas.identity!.fn, gas.identity!.address + 2 * gas.positions!.stride), gas.identity!.value);

  const generic = createSimSlave(catalog.require('generic', 'generic-meter'), { address: 13, seed: 4, clock: fake.clock, generic: { fn: 4, address: 0x0100, words: 2, factor: 10 } });
  const gw = generic.snapshot();
  const raw = ((gw.get(4 * 0x10000 + 0x100)! << 16) | gw.get(4 * 0x10000 + 0x101)!) >>> 0;
  assert.equal(raw, Math.floor(generic.energyWh() / 10));
  assert.equal(generic.read(3, 0x100), undefined);
});

test('installations: demo and bench descriptions build simulated buses', () => {
  const demo = demoInstallation();
  const local = demo.buses.find((b) => b.kind === 'local')!;
  const gateway = demo.buses.find((b) => b.kind === 'tcp')!;
  assert.ok(local.devices.filter((d) => d.family === 'energyCounter' && d.simulated !== false).length >= 6);
  assert.ok(gateway.devices.length >= 3);
  const silent = local.devices.filter((d) => d.simulated === false);
  assert.equal(silent.length, 1);
  const bus = buildSimBus(catalog, local);
  assert.equal(bus.slave(silent[0].address), undefined);
  const pulse = local.devices.filter((d) => d.family === 'pulseCounter');
  assert.equal(new Set(pulse.map((d) => d.address)).size, 1);
  assert.ok(bus.slave(pulse[0].address));
  for (const family of ['multifunction', 'breaker', 'powerSupervision', 'generic'] as const) assert.ok(local.devices.some((d) => d.family === family));
  assert.ok(new Set(local.devices.map((d) => d.name)).size === local.devices.length, 'unique names');
  assert.equal(buildSimBus(catalog, gateway).addresses().length, gateway.devices.length);
  const bench = buildSimBus(catalog, benchInstallation().buses[0]);
  assert.deepEqual(bench.addresses(), Array.from({ length: 32 }, (_, i) => i + 1));
});

test('outputs are writable, inputs toggle over time', () => {
  const model = catalog.require('powerSupervision', 'M7TICIO');
  const fake = fakeClock(new Date(2025, 5, 1, 8, 0).getTime());
  const io = createSimSlave(model, { address: 12, seed: 8, clock: fake.clock });
  const out1 = reg(model, 'output1State');
  assert.ok(io.write(out1.address, 1));
  assert.equal(io.values().output1State, 1);
  assert.equal(io.write(out1.address, 7), false, 'unknown state value');
  assert.equal(io.write(reg(model, 'input1State').address, 1), false, 'inputs are read-only');
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) { fake.advance(10 * 60_000); seen.add(io.values().input1State); }
  assert.deepEqual([...seen].sort(), [0, 1]);
});

test('reserved holes up to maxGapRegisters read as 0 (coalesced reads), or exception 2 on a strict device', () => {
  const model = catalog.require('energyCounter', 'F41DM63');
  const mapped = new Set(resolveRegisters(model).flatMap((r) => Array.from({ length: r.words }, (_, i) => r.address + i)));
  const first = Math.min(...mapped);
  const count = Math.min(125, Math.max(...mapped) - first + 1);
  const holes = Array.from({ length: count }, (_, i) => first + i).filter((a) => !mapped.has(a));
  const pdu = modbus.readRequestPdu(3, first, count);
  const lenient = createSimSlave(model, { address: 2, seed: 1 });
  const strict = createSimSlave(model, { address: 2, seed: 1, gaps: 'exception' });
  const reply = lenient.serve(pdu);
  assert.equal(reply[0], 3, 'the whole block reads');
  for (const a of holes) assert.equal((reply[2 + 2 * (a - first)] << 8) | reply[3 + 2 * (a - first)], 0, `hole ${a} reads 0`);
  if (holes.length > 0) assert.deepEqual(Array.from(strict.serve(pdu)), [0x83, 2]);
  assert.deepEqual(Array.from(lenient.serve(modbus.readRequestPdu(3, first - 40, 2))), [0x83, 2], 'far outside the map');
});
