/**
 * @module poll/plan
 * Read plans: coalesce a device's registers into as few FC03/FC04 requests as its model's
 * `maxRegistersPerRead` and `maxGapRegisters` allow (BUS-4), and decode a block's words into
 * values. Never sees bytes.
 */
import type { ModelDef, ResolvedRegister, WordOrder, Unit, GenericRegister } from '@ews/shared';
import { resolveRegisters, genericRegisters, wsmeasureRegisters } from '@ews/shared';
import { decodeRegister } from '../modbus/index';

export interface ReadBlock {
  fn: 3 | 4;
  start: number;
  count: number;
  registers: ResolvedRegister[];
}

export interface PlanLimits {
  maxRegistersPerRead: number;
  maxGapRegisters: number;
}

export function buildReadPlan(registers: readonly ResolvedRegister[], limits: PlanLimits): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  for (const fn of [3, 4] as const) {
    const regs = registers.filter((r) => r.fn === fn).sort((a, b) => a.address - b.address);
    let cur: ReadBlock | undefined;
    for (const r of regs) {
      const end = r.address + r.words;
      if (cur) {
        const curEnd = cur.start + cur.count;
        const gap = r.address - curEnd;
        const newCount = Math.max(curEnd, end) - cur.start;
        if (gap <= limits.maxGapRegisters && newCount <= limits.maxRegistersPerRead) {
          cur.count = newCount;
          cur.registers.push(r);
          continue;
        }
      }
      cur = { fn, start: r.address, count: r.words, registers: [r] };
      blocks.push(cur);
    }
  }
  return blocks;
}

export type Value = number | string;
export interface DecodedValue { value: Value; unit: Unit }

/** Decodes the registers of a block from its words; scale applied, enumerations named. */
export function decodeBlock(block: ReadBlock, words: ArrayLike<number>, order: WordOrder, into: Record<string, DecodedValue>): void {
  for (const r of block.registers) {
    const raw = decodeRegister(words, r.address - block.start, r.type, order);
    if (r.states) {
      into[r.key] = { value: r.states[String(raw)] ?? `unknown (${raw})`, unit: r.unit };
      continue;
    }
    let value = raw * r.scale;
    if (r.type !== 'float32') value = Math.round(value * 1e6) / 1e6; // scale noise (0.1 × 3 = 0.30000000000000004)
    into[r.key] = { value: Number.isFinite(value) ? value : 0, unit: r.unit };
  }
}

/** Everything the poller needs to read one device. */
export interface DevicePlan {
  registers: ResolvedRegister[];
  blocks: ReadBlock[];
  wordOrder: WordOrder;
  interFrameDelayMs: number;
}

/**
 * CAT-2 supply: a measuring device mounted downstream sees the current the other way through its
 * sensor. Its import and export registers trade places (keys, counters and labels) and its
 * signed powers and power factors change sign, so energy drawn lands in import as everywhere else.
 */
export function reverseDirection(registers: ResolvedRegister[]): ResolvedRegister[] {
  const byKey = new Map(registers.map((r) => [r.key, r]));
  const swapKey = (k: string) => (/Import/.test(k) ? k.replace('Import', 'Export') : /Export/.test(k) ? k.replace('Export', 'Import') : k);
  const swapCounter = (c: ResolvedRegister['counter']) => (c === 'activeEnergyImport' ? 'activeEnergyExport' : c === 'activeEnergyExport' ? 'activeEnergyImport' : c);
  return registers.map((r) => {
    const key = swapKey(r.key);
    if (key !== r.key) {
      const twin = byKey.get(key);
      const out: ResolvedRegister = { ...r, key };
      const counter = swapCounter(r.counter);
      if (counter) out.counter = counter;
      if (twin?.label !== undefined) out.label = twin.label;
      return out;
    }
    const signed = (r.group === 'power' && (r.unit === 'W' || r.unit === 'var')) || r.group === 'powerFactor';
    return signed ? { ...r, scale: -r.scale } : r;
  });
}

export function planDevice(model: ModelDef, opts: { position?: number; side?: 'A' | 'B'; generic?: GenericRegister; remoteAddress?: number | undefined; supply?: 'upstream' | 'downstream' }): DevicePlan {
  let registers = model.parameters.includes('genericRegister') && opts.generic
    ? genericRegisters(opts.generic)
    : model.parameters.includes('remoteAddress') && opts.remoteAddress !== undefined
      ? wsmeasureRegisters(opts.remoteAddress) // MS-3: the block of a Remote ID on a slave web server
      : resolveRegisters(model, opts.position, opts.side);
  if (opts.supply === 'downstream' && model.parameters.includes('supply')) registers = reverseDirection(registers);
  return {
    registers,
    blocks: buildReadPlan(registers, model.connection),
    wordOrder: model.connection.wordOrder,
    interFrameDelayMs: model.connection.interFrameDelayMs,
  };
}
