/** Helpers shared by the simulator tests. */
import assert from 'node:assert/strict';
import { resolveRegisters, type ModelDef, type ResolvedRegister } from '@ews/shared';
import { modbus, type Clock } from '@ews/daemon';

export function fakeClock(startMs: number): { clock: Clock; advance(ms: number): void } {
  let wall = startMs;
  let mono = 0;
  return {
    clock: { now: () => wall, monotonicMs: () => mono, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>) },
    advance(ms) { wall += ms; mono += ms; },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one RTU request from the master side and collects what comes back. */
export async function exchange(master: modbus.Link, unit: number, pdu: Uint8Array, waitMs = 150): Promise<{ bytes: Uint8Array; frame: modbus.RtuResponseFrame; elapsedMs: number }> {
  let bytes = new Uint8Array(0);
  let doneAt = 0;
  const t0 = performance.now();
  const off = master.events.on('data', (c) => {
    const merged = new Uint8Array(bytes.length + c.length); merged.set(bytes); merged.set(c, bytes.length); bytes = merged;
    if (modbus.frameRtuResponse(bytes, unit, pdu).kind !== 'incomplete') doneAt ||= performance.now();
  });
  await master.write(modbus.encodeRtu(unit, pdu));
  while (!doneAt && performance.now() - t0 < waitMs) await sleep(1);
  off();
  return { bytes, frame: modbus.frameRtuResponse(bytes, unit, pdu), elapsedMs: (doneAt || performance.now()) - t0 };
}

export function decode(words: Uint16Array, start: number, reg: ResolvedRegister): number {
  return modbus.decodeRegister(words, reg.address - start, reg.type) * reg.scale;
}

export const reg = (model: ModelDef, key: string, position?: number): ResolvedRegister => {
  const r = resolveRegisters(model, position).find((x) => x.key === key);
  assert.ok(r, `${model.model} has ${key}`);
  return r;
};

