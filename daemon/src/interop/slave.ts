/**
 * @module interop/slave
 * The slave function (MS-1 b): unit 247 serves the positive active energy of every device, load,
 * measure group and the total, by Remote ID, in blocks of holding registers (the layout is data
 * in `@ews/shared` interop, documented in the README and OpenAPI). The energy is the store's
 * corrected counter at the last sample slot, the same counter the consumption bars are made of.
 */
import {
  FC_READ_HOLDING, FC_READ_INPUT, MAX_READ_QUANTITY, exceptionPdu,
} from '../modbus/index';
import {
  SLAVE_BLOCK, SLAVE_BLOCK_WORDS, TOTAL_REMOTE_ID, remoteIdAt, slaveBlockAddress, type SlaveEntry,
} from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { HistoryStore } from '../store/index';
import type { Poller } from '../poll/index';
import { scopesOf, scopeProvider } from '../energy/index';
import type { Catalog } from '../catalog/index';

export interface SlaveDeps {
  config: ConfigStore;
  store: HistoryStore;
  poller: Pick<Poller, 'state' | 'plan'>;
  catalog: Catalog;
}

interface Target { remoteId: number; scope: string; name: string }

const EXC_ILLEGAL_ADDRESS = 2;
const EXC_TARGET_FAILED = 0x0b;

export class SlaveFunction {
  constructor(private readonly deps: SlaveDeps) {}

  /** What a Remote ID names here, if anything with an active energy counter. */
  target(remoteId: number): Target | undefined {
    const { config } = this.deps;
    if (remoteId === TOTAL_REMOTE_ID) return { remoteId, scope: 'total', name: 'Total' };
    const kind = Math.floor(remoteId / 10000);
    const n = remoteId % 10000;
    if (kind === 1) {
      const d = config.device(n);
      const counts = this.deps.poller.plan(n)?.registers.some((r) => r.counter === 'activeEnergyImport');
      return d && counts ? { remoteId, scope: `device:${n}`, name: d.name } : undefined;
    }
    if (kind === 2) {
      const l = config.loads().find((x) => x.remoteId === n && x.kind !== 'water' && x.kind !== 'gas');
      return l ? { remoteId, scope: `load:${l.id}`, name: l.name } : undefined;
    }
    if (kind === 3) {
      const g = config.groups().find((x) => x.remoteId === n);
      return g ? { remoteId, scope: `group:${g.id}`, name: g.name } : undefined;
    }
    return undefined;
  }

  /** Every Remote ID served, with its value now (`GET /api/modbus/slave`). */
  entries(): SlaveEntry[] {
    const { config } = this.deps;
    const ids = [
      TOTAL_REMOTE_ID,
      ...config.devices().map((d) => 10000 + d.id),
      ...config.loads().map((l) => 20000 + l.remoteId),
      ...config.groups().map((g) => 30000 + g.remoteId),
    ];
    const down = this.downCounter();
    const out: SlaveEntry[] = [];
    for (const id of ids) {
      const address = slaveBlockAddress(id);
      const t = this.target(id);
      if (address === undefined || !t) continue;
      const v = this.value(t.scope);
      out.push({
        remoteId: id, address, scope: t.scope, name: t.name,
        energyWh: v ? v.energyWh : null, slotTime: v ? new Date(v.slotMs).toISOString() : null, devicesDown: down(t.scope),
      });
    }
    return out;
  }

  /** The counter at the last stored slot, in whole Wh. */
  private value(scope: string): { energyWh: number; slotMs: number } | undefined {
    const series = this.deps.store.series(scope, 'activeEnergyImport');
    const span = series ? this.deps.store.counterSpan(series.id) : undefined;
    return span ? { energyWh: Math.max(0, Math.round(span.lastValue)), slotMs: span.lastSlotMs } : undefined;
  }

  /** Devices of a scope (enabled, with active energy) that do not answer now. */
  private downCounter(): (scope: string) => number {
    const { config, poller, catalog } = this.deps;
    const scopes = scopesOf(scopeProvider(config, catalog));
    const counts = new Map<string, number>();
    for (const d of config.devices()) {
      if (!d.enabled) continue;
      if (!poller.plan(d.id)?.registers.some((r) => r.counter === 'activeEnergyImport')) continue;
      if (poller.state(d.id)?.status === 'on') continue;
      for (const s of [`device:${d.id}`, ...scopes(d.id, 'activeEnergyImport')]) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    return (scope) => counts.get(scope) ?? 0;
  }

  /** Answers a request PDU sent to unit 247. Writes are not part of the function: exception 01. */
  serve(pdu: Uint8Array): Uint8Array {
    const fn = pdu[0] ?? 0;
    if (fn !== FC_READ_HOLDING && fn !== FC_READ_INPUT) return exceptionPdu(fn, 1);
    if (pdu.length !== 5) return exceptionPdu(fn, 3);
    const address = (pdu[1] << 8) | pdu[2];
    const quantity = (pdu[3] << 8) | pdu[4];
    if (quantity < 1 || quantity > MAX_READ_QUANTITY || address + quantity > 0x10000) return exceptionPdu(fn, 3);
    const blocks = new Map<number, Uint16Array | number>();
    let down: ((scope: string) => number) | undefined;
    const blockOf = (remoteId: number): Uint16Array | number => {
      let b = blocks.get(remoteId);
      if (b !== undefined) return b;
      const t = this.target(remoteId);
      const v = t ? this.value(t.scope) : undefined;
      if (!t) b = EXC_ILLEGAL_ADDRESS;
      else if (!v) b = EXC_TARGET_FAILED;
      else {
        down ??= this.downCounter();
        const words = new Uint16Array(SLAVE_BLOCK_WORDS);
        const e = BigInt(v.energyWh);
        for (let i = 0; i < 4; i++) words[SLAVE_BLOCK.energyWh + i] = Number((e >> BigInt(16 * (3 - i))) & 0xffffn);
        const s = Math.floor(v.slotMs / 1000) >>> 0;
        words[SLAVE_BLOCK.slotTimeS] = s >>> 16;
        words[SLAVE_BLOCK.slotTimeS + 1] = s & 0xffff;
        words[SLAVE_BLOCK.devicesDown] = Math.min(0xffff, down(t.scope));
        words[SLAVE_BLOCK.remoteId] = remoteId;
        b = words;
      }
      blocks.set(remoteId, b);
      return b;
    };
    const out = new Uint8Array(2 + 2 * quantity);
    out[0] = fn; out[1] = 2 * quantity;
    for (let i = 0; i < quantity; i++) {
      const at = remoteIdAt(address + i);
      if (!at) return exceptionPdu(fn, EXC_ILLEGAL_ADDRESS);
      const b = blockOf(at.remoteId);
      if (typeof b === 'number') return exceptionPdu(fn, b);
      out[2 + 2 * i] = b[at.offset] >> 8; out[3 + 2 * i] = b[at.offset] & 0xff;
    }
    return out;
  }
}
