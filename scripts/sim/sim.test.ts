/**
 * Simulator: slaves built from the catalogue, physics, counters, faults and line timing over an
 * in-memory pipe. Network transports (Modbus TCP, RTU over TCP, pty) are in sim-net.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRegisters, modelSchema } from '@ews/shared';
import { loadCatalog, modbus } from '@ews/daemon';
import { SimBus } from './bus';
import { loadFactor } from './profiles';
import { attachRtuEndpoint } from './serve-rtu';
import { createSimSlave } from './slave';
import { decode, exchange, fakeClock, reg, sleep } from './testkit';

const catalog = loadCatalog();
const LINE: modbus.LineSettings = { baudRate: 19200, parity: 'even', stopBits: 1 };

async function pipeRig(opts: { line?: modbus.LineSettings; turnaroundMs?: number } = {}) {
  const pipe = modbus.createMemoryPipe(opts.line ? { line: opts.line } : {});
  const bus = new SimBus({ turnaroundMs: opts.turnaroundMs ?? 0 });
  const handle = attachRtuEndpoint(bus, pipe.slave, opts.line ? { line: opts.line } : {});
  await pipe.master.open();
  return { pipe, bus, handle, master: pipe.master };
}

test('a master reads correct frames over a memory pipe: values, identity, exception 2, unknown address', async () => {
  const model = catalog.require('energyCounter', 'F41DM63');
  const { bus, master, handle } = await pipeRig();
  bus.add(createSimSlave(model, { address: 2, seed: 42 }));
  const v1 = reg(model, 'voltageL1V');
  const ok = await exchange(master, 2, modbus.readRequestPdu(v1.fn, v1.address, 2));
  assert.equal(ok.frame.kind, 'ok');
  const words = modbus.parseReadResponsePdu(ok.frame.kind === 'ok' ? ok.frame.pdu : new Uint8Array(), v1.fn, 2);
  assert.equal(words.kind, 'registers');
  if (words.kind === 'registers') assert.ok(Math.abs(decode(words.words, v1.address, v1) - 230) < 5);

  const id = model.identity!;
  const idReply = await exchange(master, 2, modbus.readRequestPdu(id.fn, id.address, 1));
  assert.deepEqual(idReply.frame.kind === 'ok' && Array.from(idReply.frame.pdu), [id.fn, 2, id.value >> 8, id.value & 0xff]);

  const unmapped = await exchange(master, 2, modbus.readRequestPdu(3, 0x0001, 1));
  assert.deepEqual(unmapped.frame, { kind: 'exception', code: 2, length: 5 });

  const absent = await exchange(master, 9, modbus.readRequestPdu(3, v1.address, 2), 40);
  assert.equal(absent.bytes.length, 0);
  handle.detach();
});

test('every catalogue model serves its whole map with plausible physics', () => {
  const { clock } = fakeClock(new Date(2025, 0, 15, 19, 0).getTime());
  for (const model of catalog.models) {
    const generic = model.family === 'generic' ? { fn: 4 as const, address: 0x100, words: 2 as const, factor: 10 } : undefined;
    const s = createSimSlave(model, { address: 5, seed: 7, clock, ...(model.positions ? { position: 2 } : {}), ...(generic ? { generic } : {}) });
    const words = s.snapshot();
    const regs = generic ? [] : resolveRegisters(model, model.positions ? 2 : undefined);
    for (const r of regs) for (let i = 0; i < r.words; i++) assert.ok(words.has(r.fn * 0x10000 + r.address + i), `${model.model} ${r.key}`);
    const v = s.values();
    for (const [k, x] of Object.entries(v)) {
      if (/^voltageL\d?V$|^voltageV$/.test(k)) assert.ok(x >= 225.4 && x <= 234.6, `${model.model} ${k}=${x}`);
      if (/^voltageL\d\dV$/.test(k)) assert.ok(Math.abs(x / 230 - Math.sqrt(3)) < 0.06, `${k}=${x}`);
      if (k === 'frequencyHz') assert.ok(Math.abs(x - 50) <= 0.05, `${k}=${x}`);
      if (/^powerFactorL\d$/.test(k)) assert.ok(Math.abs(x) >= 0.85 && Math.abs(x) <= 0.99, `${k}=${x}`);
      if (/^thdVoltageL\dPct$/.test(k)) assert.ok(x >= 1 && x <= 4, `${k}=${x}`);
      if (/^thdCurrentL\dPct$/.test(k)) assert.ok(x >= 5 && x <= 30, `${k}=${x}`);
    }
    if ('apparentPowerVA' in v && 'reactivePowerVar' in v) {
      assert.ok(Math.abs(v.apparentPowerVA ** 2 - v.activePowerW ** 2 - v.reactivePowerVar ** 2) <= 1e-6 * v.apparentPowerVA ** 2 + 1e-6, `${model.model} S²=P²+Q²`);
    }
    if ('currentL1A' in v && 'activePowerL1W' in v && 'powerFactorL1' in v) {
      assert.ok(Math.abs(v.currentL1A - v.activePowerL1W / (v.voltageL1V * v.powerFactorL1)) < 0.01, `${model.model} I=P/(V·PF)`);
    }
    if ('harmonicCurrentL1H3Pct' in v) {
      assert.ok(v.harmonicCurrentL1H3Pct > v.harmonicCurrentL1H5Pct && v.harmonicCurrentL1H5Pct > v.harmonicCurrentL1H11Pct);
    }
  }
});

test('counters are monotonic over simulated time and integrate the power', () => {
  const fake = fakeClock(new Date(2025, 2, 3, 0, 0).getTime());
  for (const model of catalog.models.filter((m) => m.family !== 'generic')) {
    const s = createSimSlave(model, { address: 3, seed: 99, clock: fake.clock, timeScale: 60, ...(model.positions ? { position: 1 } : {}) });
    const counters = resolveRegisters(model, model.positions ? 1 : undefined).filter((r) => r.counter);
    let previous = counters.map(() => -1);
    let previousWh = s.energyWh();
    for (let i = 0; i < 200; i++) {
      fake.advance(30_000); // 30 simulated minutes at timeScale 60
      const words = s.snapshot();
      const now = counters.map((r) => modbus.decodeRegister(Array.from({ length: r.words }, (_, k) => words.get(r.fn * 0x10000 + r.address + k)!), 0, r.type) * r.scale);
      now.forEach((x, k) => assert.ok(x >= previous[k], `${model.model} ${counters[k].key} went back ${previous[k]} → ${x}`));
      previous = now;
      assert.ok(s.energyWh() >= previousWh);
      previousWh = s.energyWh();
    }
  }
  // integral ≈ mean power × time, for an electricity meter
  const f = fakeClock(new Date(2025, 2, 3, 0, 0).getTime());
  const m = createSimSlave(catalog.require('energyCounter', 'F41DM63'), { address: 4, seed: 5, clock: f.clock, profile: 'flat', nominalPowerW: 10_000 });
  const e0 = m.energyWh();
  let sumW = 0;
  for (let i = 0; i < 240; i++) { f.advance(60_000); sumW += m.values().activePowerW; }
  const meanW = sumW / 240;
  assert.ok(Math.abs((m.energyWh() - e0) - meanW * 4) < 0.05 * meanW * 4, `energy ${m.energyWh() - e0} vs ${meanW * 4}`);
  assert.ok(e0 > 1_000_000, 'starts with a plausible history (MWh)');
});

test('profiles: more power at their peak than at night', () => {
  const at = (h: number) => new Date(2025, 0, 15, h, 0).getTime(); // a Wednesday in January
  const mean = (profile: Parameters<typeof loadFactor>[0], h: number) => {
    let s = 0;
    for (let d = 0; d < 5; d++) s += loadFactor(profile, at(h) + d * 86_400_000, 11);
    return s / 5;
  };
  assert.ok(mean('residential', 19.5) > 3 * mean('residential', 3));
  assert.ok(mean('office', 11) > 3 * mean('office', 3));
  assert.ok(mean('lighting', 10) > 5 * mean('lighting', 2));
  assert.ok(mean('heating', 6) > mean('heating', 14));
  assert.ok(mean('pv', 13) < 0 && mean('pv', 1) >= 0, 'pv exports by day only');
  // the same through a slave's register values
  const fake = fakeClock(at(3));
  const s = createSimSlave(catalog.require('energyCounter', 'F21DM63'), { address: 6, seed: 3, clock: fake.clock, profile: 'residential' });
  const night = s.values().activePowerW;
  fake.advance(16.5 * 3_600_000);
  assert.ok(s.values().activePowerW > night * 2);
});

test('each fault does what it says', async () => {
  const model = catalog.require('energyCounter', 'F21DM63');
  const { bus, master, handle } = await pipeRig();
  bus.add(createSimSlave(model, { address: 4, seed: 1 }));
  const v = reg(model, 'voltageV');
  const pdu = modbus.readRequestPdu(v.fn, v.address, 2);

  bus.setFault(4, { kind: 'noReply' });
  assert.equal((await exchange(master, 4, pdu, 40)).bytes.length, 0);
  bus.setFault(4, { kind: 'badCrc' });
  assert.equal((await exchange(master, 4, pdu)).frame.kind, 'crc');
  bus.setFault(4, { kind: 'exception', code: 6 });
  assert.deepEqual((await exchange(master, 4, pdu)).frame, { kind: 'exception', code: 6, length: 5 });
  bus.setFault(4, { kind: 'garbage' });
  const garbage = await exchange(master, 4, pdu, 40);
  assert.ok(garbage.bytes.length >= 5 && garbage.bytes.length <= 40 && garbage.bytes[0] !== 4);
  assert.equal(garbage.frame.kind, 'garbage');
  bus.setFault(4, { kind: 'slow', delayMs: 60 });
  const slow = await exchange(master, 4, pdu, 300);
  assert.equal(slow.frame.kind, 'ok');
  assert.ok(slow.elapsedMs >= 55, `slow reply after ${slow.elapsedMs} ms`);
  bus.setFault(4, null);
  assert.equal((await exchange(master, 4, pdu)).frame.kind, 'ok');
  handle.detach();
});

test('resync after junk and after a truncated frame; broadcast acts without reply; unplug closes the master', async () => {
  const model = catalog.require('breaker', 'M7COM-MEGATIKER');
  const { bus, master, pipe, handle } = await pipeRig();
  const breaker = createSimSlave(model, { address: 11, seed: 2 });
  bus.add(breaker);
  const state = reg(model, 'breakerState');
  const pdu = modbus.readRequestPdu(3, state.address, 1);
  await master.write(Uint8Array.of(0xff, 0x00, 0x13));
  await master.write(modbus.encodeRtu(11, pdu).slice(0, 5)); // truncated: waits for the silence
  await sleep(20);
  const ok = await exchange(master, 11, pdu);
  assert.equal(ok.frame.kind, 'ok');
  assert.equal(ok.frame.kind === 'ok' && ok.frame.pdu[3], 1, 'closed');

  const power = () => breaker.values().activePowerW;
  assert.ok(power() > 0);
  const broadcast = await exchange(master, 0, modbus.writeSingleRequestPdu(state.address, 2), 30);
  assert.equal(broadcast.bytes.length, 0);
  assert.equal(breaker.values().breakerState, 2, 'tripped by the broadcast write');
  assert.equal(power(), 0, 'no power through a tripped breaker');
  const e = breaker.energyWh();
  await sleep(20);
  assert.equal(breaker.energyWh(), e);
  assert.ok(breaker.setState('breakerState', 1));

  let closed = '';
  master.events.on('close', (why) => { closed = why; });
  pipe.slave.unplug();
  assert.match(closed, /unplug/);
  await assert.rejects(master.open());
  pipe.slave.plug();
  await master.open();
  assert.equal((await exchange(master, 11, pdu)).frame.kind, 'ok');
  handle.detach();
});

test('with a 19200 8E1 line, a 125-register read takes at least its wire time + t3.5 + turnaround', async () => {
  const turnaroundMs = 8;
  const model = modelSchema.parse({
    family: 'multifunction', model: 'TEST125', label: 'test', energyType: 'electricity', mapSource: 'user', capabilities: ['measure'],
    registers: [
      { key: 'a{n}Pct', address: 0x2000, fn: 3, type: 'u16', unit: '%', group: 'thd', repeat: { count: 64, first: 1 } },
      { key: 'b{n}Pct', address: 0x2040, fn: 3, type: 'u16', unit: '%', group: 'thd', repeat: { count: 61, first: 1 } },
    ],
  });
  const { bus, master, handle } = await pipeRig({ line: LINE, turnaroundMs });
  bus.add(createSimSlave(model, { address: 1, seed: 1 }));
  const r = await exchange(master, 1, modbus.readRequestPdu(3, 0x2000, 125), 1000);
  assert.equal(r.frame.kind, 'ok');
  const minMs = modbus.frameTimeMs(LINE, 8) + modbus.frameTimeMs(LINE, 255) + modbus.t35Ms(LINE) + turnaroundMs;
  assert.ok(r.elapsedMs >= minMs - 0.5, `${r.elapsedMs.toFixed(1)} ms < ${minMs.toFixed(1)} ms`);
  handle.detach();
});
