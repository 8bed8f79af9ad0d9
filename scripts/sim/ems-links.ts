/**
 * @module sim/ems-links
 * The link table an F80BIM1 interface keeps (DEV-4, layout in the EMS catalogue files): word 0 =
 * number of links, then source module, action module, status per link. Combined with the
 * interface's modules by `combineSlaves`.
 */
import { modbus } from '@ews/daemon';
import type { SimSlave, WordMap } from './slave';
import { wordKey } from './slave';

export interface SimLink { source: number; target: number; status?: number }

export function linkTableSlave(address: number, links: SimLink[], table: { fn: 3 | 4; address: number; maxLinks: number } = { fn: 3, address: 0x3000, maxLinks: 16 }): SimSlave {
  const words = new Map<number, number>();
  const set = (i: number, v: number) => words.set(wordKey(table.fn, table.address + i), v);
  for (let i = 0; i <= 3 * table.maxLinks; i++) set(i, 0);
  set(0, links.length);
  links.forEach((l, i) => { set(1 + 3 * i, l.source); set(2 + 3 * i, l.target); set(3 + 3 * i, l.status ?? 0); });
  const snapshot = (): WordMap => words;
  return {
    address, name: `links@${address}`,
    snapshot,
    serve: (pdu) => modbus.serveRequestPdu(pdu, { read: (fn, a) => words.get(wordKey(fn, a)) }),
    read: (fn, a) => words.get(wordKey(fn, a)),
    write: () => false,
    energyWh: () => 0,
    values: () => ({}),
    setState: () => false,
    simTimeMs: () => Date.now(),
  };
}
