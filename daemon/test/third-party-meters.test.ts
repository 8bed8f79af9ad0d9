/**
 * CAT-1 third-party meters: each catalogue file is checked against an independent slave that
 * serves the meter's PUBLIC register table, written out here from the cited sources (not derived
 * from our catalogue file): register, function code, encoding, word order, resolution and unit as
 * the manufacturer gives them. The real daemon polls the slaves over the RTU bus; every quantity
 * of the catalogue file must come out with the table's value converted to the catalogue's unit,
 * and every row of the table must be a quantity of the file.
 *
 * Sources: Eastron SDM630 / SDM120 / SDM72D-M Modbus protocol (float32, FC04; meter code at 0xFC02);
 * ABB B23/B24 manual (FC03, 0x5000 energies, 0x5B00 instantaneous values); Carlo Gavazzi EM24 E1
 * (FC03, INT32 least significant word first); Socomec JBUS common table 1.01 (0xC550, 0xC650);
 * Schneider iEM3000 DOCA0005 (FC03 float32, 0x5000 and 0x6000 blocks).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, LiveResponse, NewDeviceInput } from '@ews/shared';
import { modbus } from '../src/index';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import type { SimSlave } from '../../scripts/sim/slave';
import { catalog, startRig, waitFor, type Rig } from './rig';

type Enc = 'f32' | 'u16' | 's16' | 'u32' | 's32' | 'u64';
/** One row of a public table: our quantity key, where the meter has it, how, and in which unit. */
interface Row { key: string; fn: 3 | 4; address: number; enc: Enc; resolution: number; unit: string; little?: boolean }

const P = ['L1', 'L2', 'L3'] as const;
const L = ['L12', 'L23', 'L31'] as const;

// #region the public tables
const eastronF32 = (key: string, address: number, unit: string): Row => ({ key, fn: 4, address, enc: 'f32', resolution: 1, unit });
const SDM630: Row[] = [
  ...P.map((p, i) => eastronF32(`voltage${p}V`, 0x00 + 2 * i, 'V')),
  ...P.map((p, i) => eastronF32(`current${p}A`, 0x06 + 2 * i, 'A')),
  ...P.map((p, i) => eastronF32(`activePower${p}W`, 0x0c + 2 * i, 'W')),
  ...P.map((p, i) => eastronF32(`apparentPower${p}VA`, 0x12 + 2 * i, 'VA')),
  ...P.map((p, i) => eastronF32(`reactivePower${p}Var`, 0x18 + 2 * i, 'var')),
  ...P.map((p, i) => eastronF32(`powerFactor${p}`, 0x1e + 2 * i, '')),
  eastronF32('activePowerW', 0x34, 'W'), eastronF32('apparentPowerVA', 0x38, 'VA'), eastronF32('reactivePowerVar', 0x3c, 'var'),
  eastronF32('powerFactor', 0x3e, ''), eastronF32('frequencyHz', 0x46, 'Hz'),
  eastronF32('activeEnergyImportWh', 0x48, 'kWh'), eastronF32('activeEnergyExportWh', 0x4a, 'kWh'),
  eastronF32('reactiveEnergyImportVarh', 0x4c, 'kvarh'), eastronF32('reactiveEnergyExportVarh', 0x4e, 'kvarh'),
  ...L.map((l, i) => eastronF32(`voltage${l}V`, 0xc8 + 2 * i, 'V')),
  eastronF32('currentNA', 0xe0, 'A'),
  ...P.map((p, i) => eastronF32(`thdVoltage${p}Pct`, 0xea + 2 * i, '%')),
  ...P.map((p, i) => eastronF32(`thdCurrent${p}Pct`, 0xf0 + 2 * i, '%')),
  eastronF32('thdVoltagePct', 0xf8, '%'), eastronF32('thdCurrentPct', 0xfa, '%'),
  eastronF32('activeEnergyTotalWh', 0x156, 'kWh'), eastronF32('reactiveEnergyTotalVarh', 0x158, 'kvarh'),
  ...P.map((p, i) => eastronF32(`activeEnergyImport${p}Wh`, 0x15a + 2 * i, 'kWh')),
  ...P.map((p, i) => eastronF32(`activeEnergyExport${p}Wh`, 0x160 + 2 * i, 'kWh')),
  ...P.map((p, i) => eastronF32(`activeEnergyTotal${p}Wh`, 0x166 + 2 * i, 'kWh')),
];
const SDM120: Row[] = [
  eastronF32('voltageV', 0x00, 'V'), eastronF32('currentA', 0x06, 'A'), eastronF32('activePowerW', 0x0c, 'W'),
  eastronF32('apparentPowerVA', 0x12, 'VA'), eastronF32('reactivePowerVar', 0x18, 'var'), eastronF32('powerFactor', 0x1e, ''),
  eastronF32('frequencyHz', 0x46, 'Hz'), eastronF32('activeEnergyImportWh', 0x48, 'kWh'), eastronF32('activeEnergyExportWh', 0x4a, 'kWh'),
  eastronF32('reactiveEnergyImportVarh', 0x4c, 'kvarh'), eastronF32('reactiveEnergyExportVarh', 0x4e, 'kvarh'),
  eastronF32('activeEnergyTotalWh', 0x156, 'kWh'), eastronF32('reactiveEnergyTotalVarh', 0x158, 'kvarh'),
];
const SDM72: Row[] = [
  ...P.map((p, i) => eastronF32(`voltage${p}V`, 0x00 + 2 * i, 'V')),
  ...P.map((p, i) => eastronF32(`current${p}A`, 0x06 + 2 * i, 'A')),
  ...P.map((p, i) => eastronF32(`activePower${p}W`, 0x0c + 2 * i, 'W')),
  eastronF32('activePowerW', 0x34, 'W'), eastronF32('frequencyHz', 0x46, 'Hz'),
  eastronF32('activeEnergyImportWh', 0x48, 'kWh'), eastronF32('activeEnergyExportWh', 0x4a, 'kWh'), eastronF32('activeEnergyTotalWh', 0x156, 'kWh'),
];
const abb = (key: string, address: number, enc: Enc, resolution: number, unit: string): Row => ({ key, fn: 3, address, enc, resolution, unit });
const ABB_B23: Row[] = [
  ...P.map((p, i) => abb(`voltage${p}V`, 0x5b00 + 2 * i, 'u32', 0.1, 'V')),
  ...P.map((p, i) => abb(`current${p}A`, 0x5b0c + 2 * i, 'u32', 0.01, 'A')),
  abb('activePowerW', 0x5b14, 's32', 0.01, 'W'),
  ...P.map((p, i) => abb(`activePower${p}W`, 0x5b16 + 2 * i, 's32', 0.01, 'W')),
  abb('frequencyHz', 0x5b2c, 'u16', 0.01, 'Hz'),
  abb('powerFactor', 0x5b3a, 's16', 0.001, ''),
  ...P.map((p, i) => abb(`powerFactor${p}`, 0x5b3b + i, 's16', 0.001, '')),
  abb('activeEnergyImportWh', 0x5000, 'u64', 0.01, 'kWh'), abb('activeEnergyExportWh', 0x5004, 'u64', 0.01, 'kWh'),
  ...P.map((p, i) => abb(`activeEnergyImport${p}Wh`, 0x5460 + 4 * i, 'u64', 0.01, 'kWh')),
  ...P.map((p, i) => abb(`activeEnergyExport${p}Wh`, 0x546c + 4 * i, 'u64', 0.01, 'kWh')),
];
const cg = (key: string, address: number, enc: Enc, resolution: number, unit: string): Row => ({ key, fn: 3, address, enc, resolution, unit, little: true });
const EM24: Row[] = [
  ...P.map((p, i) => cg(`voltage${p}V`, 0x00 + 2 * i, 's32', 0.1, 'V')),
  ...P.map((p, i) => cg(`current${p}A`, 0x0c + 2 * i, 's32', 0.001, 'A')),
  ...P.map((p, i) => cg(`activePower${p}W`, 0x12 + 2 * i, 's32', 0.1, 'W')),
  cg('activePowerW', 0x28, 's32', 0.1, 'W'), cg('frequencyHz', 0x33, 'u16', 0.1, 'Hz'),
  cg('activeEnergyImportWh', 0x34, 's32', 0.1, 'kWh'),
  ...P.map((p, i) => cg(`activeEnergyImport${p}Wh`, 0x40 + 2 * i, 's32', 0.1, 'kWh')),
  cg('activeEnergyExportWh', 0x4e, 's32', 0.1, 'kWh'),
];
const jbus = (key: string, address: number, enc: Enc, resolution: number, unit: string): Row => ({ key, fn: 3, address, enc, resolution, unit });
const COUNTIS: Row[] = [
  ...L.map((l, i) => jbus(`voltage${l}V`, 0xc552 + 2 * i, 'u32', 0.01, 'V')),
  ...P.map((p, i) => jbus(`voltage${p}V`, 0xc558 + 2 * i, 'u32', 0.01, 'V')),
  jbus('frequencyHz', 0xc55e, 'u32', 0.01, 'Hz'),
  ...P.map((p, i) => jbus(`current${p}A`, 0xc560 + 2 * i, 'u32', 0.001, 'A')),
  jbus('activePowerW', 0xc568, 's32', 0.01, 'kW'), jbus('reactivePowerVar', 0xc56a, 's32', 0.01, 'kvar'),
  jbus('apparentPowerVA', 0xc56c, 'u32', 0.01, 'kVA'), jbus('powerFactor', 0xc56e, 's32', 0.001, ''),
  ...P.map((p, i) => jbus(`activePower${p}W`, 0xc570 + 2 * i, 's32', 0.01, 'kW')),
  ...P.map((p, i) => jbus(`reactivePower${p}Var`, 0xc576 + 2 * i, 's32', 0.01, 'kvar')),
  ...P.map((p, i) => jbus(`apparentPower${p}VA`, 0xc57c + 2 * i, 'u32', 0.01, 'kVA')),
  ...P.map((p, i) => jbus(`powerFactor${p}`, 0xc582 + 2 * i, 's32', 0.001, '')),
  jbus('currentSystemA', 0xc588, 'u32', 0.001, 'A'), jbus('voltageSystemV', 0xc58c, 'u32', 0.01, 'V'),
  jbus('activeEnergyImportWh', 0xc652, 'u32', 1, 'kWh'), jbus('reactiveEnergyImportVarh', 0xc654, 'u32', 1, 'kvarh'),
  jbus('activeEnergyExportWh', 0xc658, 'u32', 1, 'kWh'), jbus('reactiveEnergyExportVarh', 0xc65a, 'u32', 1, 'kvarh'),
];
const se = (key: string, address: number, unit: string): Row => ({ key, fn: 3, address, enc: 'f32', resolution: 1, unit });
const IEM: Row[] = [
  se('voltageAverageV', 0x5000, 'V'), ...P.map((p, i) => se(`voltage${p}V`, 0x5002 + 2 * i, 'V')),
  se('frequencyHz', 0x5008, 'Hz'), se('currentAverageA', 0x500a, 'A'), ...P.map((p, i) => se(`current${p}A`, 0x500c + 2 * i, 'A')),
  ...([['active', 'W', 'kW', 0x5012], ['reactive', 'Var', 'kvar', 0x501a], ['apparent', 'VA', 'kVA', 0x5022]] as const).flatMap(([k, sfx, u, a]) => [
    se(`${k}Power${sfx}`, a, u), ...P.map((p, i) => se(`${k}Power${p}${sfx}`, a + 2 + 2 * i, u)),
  ]),
  se('powerFactor', 0x502a, ''), ...P.map((p, i) => se(`powerFactor${p}`, 0x502c + 2 * i, '')),
  ...([['activeEnergyTotal', 'Wh', 'kWh', 0x6000], ['activeEnergyImport', 'Wh', 'kWh', 0x600c], ['activeEnergyExport', 'Wh', 'kWh', 0x6018],
    ['reactiveEnergyTotal', 'Varh', 'kvarh', 0x6024], ['reactiveEnergyImport', 'Varh', 'kvarh', 0x6030], ['reactiveEnergyExport', 'Varh', 'kvarh', 0x603c]] as const)
    .flatMap(([k, sfx, u, a]) => [
      se(`${k}${sfx}`, a, u), se(`${k}T1${sfx}`, a + 2, u), se(`${k}T2${sfx}`, a + 4, u),
      ...P.map((p, i) => se(`${k}${p}${sfx}`, a + 6 + 2 * i, u)),
    ]),
];

const METERS: Array<{ family: 'energyCounter' | 'multifunction'; model: string; table: Row[]; identity?: { address: number; value: number } }> = [
  { family: 'energyCounter', model: 'SDM630', table: SDM630, identity: { address: 0xfc02, value: 0x70 } },
  { family: 'energyCounter', model: 'SDM120', table: SDM120, identity: { address: 0xfc02, value: 0x20 } },
  { family: 'energyCounter', model: 'SDM72', table: SDM72, identity: { address: 0xfc02, value: 0x89 } },
  { family: 'energyCounter', model: 'ABB-B23', table: ABB_B23 },
  { family: 'energyCounter', model: 'EM24', table: EM24, identity: { address: 0x000b, value: 1648 } },
  { family: 'energyCounter', model: 'Countis-E2x', table: COUNTIS, identity: { address: 50000, value: 0x534f } },
  { family: 'multifunction', model: 'iEM3x5x', table: IEM },
];
// #endregion

// #region the independent slave
/** Our unit for a table unit, and the factor between them. */
const UNIT: Record<string, [string, number]> = {
  V: ['V', 1], A: ['A', 1], W: ['W', 1], kW: ['W', 1000], var: ['var', 1], kvar: ['var', 1000], VA: ['VA', 1], kVA: ['VA', 1000],
  Hz: ['Hz', 1], '%': ['%', 1], '': ['', 1], kWh: ['Wh', 1000], kvarh: ['varh', 1000],
};

/** A plausible, distinct value per row in the table's unit (a negative power checks signedness). */
function tableValue(row: Row, i: number): number {
  switch (row.unit) {
    case 'V': return /L\d\d|System|Average/.test(row.key) && !/^voltageL\dV$/.test(row.key) ? 400.12 + i * 0.37 : 229.87 + i * 0.41;
    case 'A': return 12.345 + i * 1.111;
    case 'W': case 'var': case 'VA': return (row.enc.startsWith('s') || row.enc === 'f32') && row.unit === 'W' && /L2/.test(row.key) ? -850.5 : 1234.56 + 17.3 * i;
    case 'kW': case 'kvar': case 'kVA': return (row.enc.startsWith('s') || row.enc === 'f32') && /L2/.test(row.key) ? -0.85 : 12.34 + 0.17 * i;
    case 'Hz': return 49.98;
    case '%': return 2.5 + 0.3 * i;
    case '': return /L3/.test(row.key) ? -0.875 : 0.955 - 0.01 * (i % 5);
    case 'kWh': case 'kvarh': return 12_345.6 + 111.1 * i;
    default: throw new Error(`no value for unit ${row.unit}`);
  }
}

/** The words of a value as the meter encodes it: big-endian bytes, words high first unless `little`. */
function encode(row: Row, value: number): number[] {
  const raw = row.enc === 'f32' ? value : Math.round(value / row.resolution);
  const bytes = new DataView(new ArrayBuffer(8));
  let words: number;
  switch (row.enc) {
    case 'f32': bytes.setFloat32(0, raw); words = 2; break;
    case 'u16': bytes.setUint16(0, raw); words = 1; break;
    case 's16': bytes.setInt16(0, raw); words = 1; break;
    case 'u32': bytes.setUint32(0, raw); words = 2; break;
    case 's32': bytes.setInt32(0, raw); words = 2; break;
    case 'u64': bytes.setBigUint64(0, BigInt(raw)); words = 4; break;
  }
  const out = Array.from({ length: words }, (_, k) => bytes.getUint16(2 * k));
  return row.little ? out.reverse() : out;
}

/** The value the table's words stand for (after the meter's own rounding), in our unit. */
function expected(row: Row, value: number): { value: number; unit: string } {
  const [unit, factor] = UNIT[row.unit];
  const meter = row.enc === 'f32' ? Math.fround(value) : Math.round(value / row.resolution) * row.resolution;
  return { value: meter * factor, unit };
}

function tableSlave(address: number, name: string, table: Row[], identity?: { address: number; value: number }): SimSlave {
  const words = new Map<number, number>();
  table.forEach((row, i) => encode(row, tableValue(row, i)).forEach((w, k) => words.set(row.fn * 0x10000 + row.address + k, w)));
  if (identity) words.set(3 * 0x10000 + identity.address, identity.value);
  const read = (fn: number, a: number) => {
    const w = words.get(fn * 0x10000 + a);
    if (w !== undefined) return w;
    // a real meter answers reserved words inside its blocks with 0; far outside them, exception 2
    const near = [...words.keys()].some((k) => Math.floor(k / 0x10000) === fn && Math.abs((k % 0x10000) - a) <= 16);
    return near ? 0 : undefined;
  };
  return {
    address, name,
    snapshot: () => words,
    serve: (pdu) => modbus.serveRequestPdu(pdu, { read }),
    read: (fn, a) => read(fn, a),
    write: () => false,
    energyWh: () => 0,
    values: () => ({}),
    setState: () => false,
    simTimeMs: () => Date.now(),
  };
}
// #endregion

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'third-party-rs485' });
attachRtuEndpoint(sim, pipe.slave);
METERS.forEach((m, i) => sim.add(tableSlave(i + 1, m.model, m.table, m.identity)));

let rig: Rig;
before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: METERS.map((m, i): NewDeviceInput => ({ gatewayId: 'local', family: m.family, model: m.model, address: i + 1, name: m.model })),
  });
  await waitFor('meters on', async () => (await rig.api<DeviceSummary[]>('/api/devices')).body.every((d) => d.status === 'on'), 30_000);
});
after(async () => { await rig?.stop(); });

for (const [i, m] of METERS.entries()) {
  test(`${m.model}: every quantity of the public table comes out of the poller with its value and unit`, async () => {
    const model = catalog.require(m.family, m.model);
    assert.equal(model.mapSource, 'public');
    assert.notEqual(model.vendor, 'Legrand/BTicino');
    assert.deepEqual(model.registers.map((r) => r.key).sort(), m.table.map((r) => r.key).sort(), 'the file and the public table list the same quantities');
    const d = (await rig.api<DeviceSummary[]>('/api/devices')).body.find((x) => x.address === i + 1)!;
    const live = (await rig.api<LiveResponse>(`/api/devices/${d.id}/live`)).body;
    assert.equal(live.status, 'on');
    m.table.forEach((row, k) => {
      const want = expected(row, tableValue(row, k));
      const got = live.values[row.key];
      assert.ok(got, `${m.model} ${row.key} missing`);
      assert.equal(got.unit, want.unit, `${m.model} ${row.key} unit`);
      const tol = 1e-6 * Math.abs(want.value) + 1e-6;
      assert.ok(Math.abs((got.value as number) - want.value) <= tol, `${m.model} ${row.key}: ${got.value} ≠ ${want.value} ${want.unit}`);
    });
    if (m.identity) assert.deepEqual(model.identity, { address: m.identity.address, fn: 3, value: m.identity.value }, 'identity as the public table');
  });
}
