/**
 * Writes the recorded counter scenarios (STO-4) of this folder: one meter read every 15 min
 * through February 2026 in Europe/Paris (plus a margin), with what the register showed
 * (`readings`, null = no answer) and the true consumption of each slot (`consumptionWh`, between
 * the previous reading and this one). `expect` states what a correct store must give back.
 *
 *   node --import tsx test-fixtures/counters/generate.ts
 */
import { writeFileSync } from 'node:fs';

const SLOT_MS = 15 * 60_000;
const START = Date.UTC(2026, 0, 31, 20, 0);   // 21:00 in Paris, Jan 31
const END = Date.UTC(2026, 2, 1, 2, 0);       // 03:00 in Paris, Mar 1
const N = (END - START) / SLOT_MS + 1;
const slotOf = (iso: string) => (Date.parse(iso) - START) / SLOT_MS;

/** Deterministic office-like profile: Wh per 15 min. */
function consumption(i: number): number {
  if (i === 0) return 0;
  const t = new Date(START + i * SLOT_MS);
  const h = t.getUTCHours(), wd = t.getUTCDay();
  const noise = ((i * 2654435761) >>> 0) % 37;
  const working = wd >= 1 && wd <= 5 && h >= 7 && h < 17;
  return (working ? 180 : 35) + noise;
}

interface Scenario {
  name: string;
  description: string;
  register: { type: 'u16' | 'u32' | 'u64'; scale: number };
  /** Counter value before the first slot. */
  startWh: number;
  /** Applies the incident: maps (slot, true register value) to what was read. */
  read: (i: number, value: number, c: number[]) => number | null;
  /** `estimated`: [from, to) of the slots that must be flagged estimated. */
  expect: { toleranceWh?: number; estimated?: [string, string]; flags?: Record<string, string[]> };
}

const resetAt = slotOf('2026-02-10T09:30:00Z');
const replacedAt = slotOf('2026-02-17T14:00:00Z');
const outageFrom = slotOf('2026-02-05T08:15:00Z');
const zeroAt = slotOf('2026-02-12T11:00:00Z');
const dipAt = slotOf('2026-02-20T10:00:00Z');

const scenarios: Scenario[] = [
  {
    name: 'reset',
    description: 'The counter is reset to 0 right after the 09:15 UTC reading of Feb 10; the next reading shows only what was used since.',
    register: { type: 'u64', scale: 1 }, startWh: 48_765_432,
    read: (i, v, c) => (i < resetAt ? v : c.slice(resetAt, i + 1).reduce((a, b) => a + b, 0)),
    expect: { flags: { '2026-02-10T09:30:00Z': ['RESET'] } },
  },
  {
    name: 'replaced',
    description: 'The meter is replaced after the 13:45 UTC reading of Feb 17 by a new one starting at 1234 Wh. The slot of the swap is estimated from the recent average.',
    register: { type: 'u64', scale: 1 }, startWh: 48_765_432,
    read: (i, v, c) => (i < replacedAt ? v : 1234 + c.slice(replacedAt, i + 1).reduce((a, b) => a + b, 0)),
    expect: { toleranceWh: 250, flags: { '2026-02-17T14:00:00Z': ['REPLACED', 'ESTIMATED'] } },
  },
  {
    name: 'rollover',
    description: 'A 16-bit register in Wh wraps at 65 536 Wh, several times in the month.',
    register: { type: 'u16', scale: 1 }, startWh: 61_000,
    read: (_i, v) => v % 65_536,
    expect: { flags: {} },
  },
  {
    name: 'outage',
    description: 'The meter does not answer for 6 hours (24 readings) on Feb 5 from 08:15 UTC; it kept counting.',
    register: { type: 'u32', scale: 1 }, startWh: 2_000_000,
    read: (i, v) => (i >= outageFrom && i < outageFrom + 24 ? null : v),
    expect: { estimated: ['2026-02-05T08:15:00Z', '2026-02-05T14:15:00Z'] },
  },
  {
    name: 'zero',
    description: 'One reading of 0 (a glitch) at 11:00 UTC on Feb 12; the counter is fine before and after.',
    register: { type: 'u32', scale: 1 }, startWh: 2_000_000,
    read: (i, v) => (i === zeroAt ? 0 : v),
    expect: { estimated: ['2026-02-12T11:00:00Z', '2026-02-12T11:15:00Z'], flags: { '2026-02-12T11:00:00Z': ['HELD', 'ESTIMATED'] } },
  },
  {
    name: 'dip',
    description: 'Noise: one reading 3 Wh below the previous one at 10:00 UTC on Feb 20 (held), then normal.',
    register: { type: 'u32', scale: 1 }, startWh: 2_000_000,
    read: (i, v, c) => (i === dipAt ? v - c[i] - 3 : v),
    expect: { flags: { '2026-02-20T10:00:00Z': ['HELD'] } },
  },
];

const c = Array.from({ length: N }, (_, i) => consumption(i));
for (const s of scenarios) {
  let value = s.startWh;
  const readings = c.map((ci, i) => { value += ci; return s.read(i, value, c); });
  const file = {
    name: s.name,
    description: s.description,
    timezone: 'Europe/Paris',
    month: '2026-02',
    intervalMin: 15,
    firstSlotUtc: new Date(START).toISOString(),
    register: s.register,
    readings,
    consumptionWh: c,
    expect: s.expect,
  };
  writeFileSync(new URL(`./${s.name}.json`, import.meta.url), `${JSON.stringify(file)}\n`);
}
console.log(`wrote ${scenarios.length} scenarios of ${N} slots`);
