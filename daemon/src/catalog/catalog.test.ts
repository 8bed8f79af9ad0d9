/**
 * The device catalogue as data (CAT-1): every file in daemon/catalog loads through the real loader,
 * and the data keeps the promises the poller, the store and the simulator rely on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  modelSchema, registerSchema, resolveRegisters, wsmeasureRegisters, REGISTER_WORDS,
  type ModelDef, type ResolvedRegister,
} from '@ews/shared';
import { loadCatalog, defaultCatalogDir, CatalogError } from './index';

const dir = defaultCatalogDir();
const catalog = loadCatalog(dir);
const models = catalog.models;
const name = (m: ModelDef) => `${m.family}/${m.model}`;

/** Register sets to check for a model: one per position that matters (pulse inputs 1 and last). */
function resolvedSets(m: ModelDef): { label: string; regs: ResolvedRegister[] }[] {
  if (!m.positions) return [{ label: name(m), regs: resolveRegisters(m) }];
  return [1, m.positions.count].map((p) => ({ label: `${name(m)} position ${p}`, regs: resolveRegisters(m, p) }));
}

/** First pair of registers (same function code) whose word ranges intersect, if any. */
function findOverlap(regs: { key: string; address: number; fn: number; words: number }[]): string | undefined {
  const sorted = [...regs].sort((a, b) => a.fn - b.fn || a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (a.fn === b.fn && b.address < a.address + a.words) return `${a.key}@${a.address}+${a.words} overlaps ${b.key}@${b.address}`;
  }
  return undefined;
}

/** Requests a plain coalescer needs for a full read (blocks joined across gaps ≤ maxGap, ≤ max words). */
function requestCount(m: ModelDef, regs: ResolvedRegister[]): number {
  const { maxRegistersPerRead: max, maxGapRegisters: gap } = m.connection;
  const sorted = [...regs].sort((a, b) => a.fn - b.fn || a.address - b.address);
  let count = 0, fn = -1, start = 0, end = 0;
  for (const r of sorted) {
    const rEnd = r.address + r.words;
    if (count > 0 && r.fn === fn && r.address - end <= gap && rEnd - start <= max) { end = Math.max(end, rEnd); continue; }
    count++; fn = r.fn; start = r.address; end = rEnd;
  }
  return count;
}

test('every catalogue file is valid and loads', () => {
  assert.ok(models.length >= 9, `expected at least 9 models, got ${models.length}`);
  for (const m of models) assert.equal(modelSchema.safeParse(m).success, true, name(m));
});

test('each file is named after its model, lives in its family folder and references the JSON Schema', () => {
  const files: string[] = [];
  for (const family of readdirSync(dir, { withFileTypes: true })) {
    if (!family.isDirectory()) continue;
    for (const f of readdirSync(join(dir, family.name))) if (f.endsWith('.json')) files.push(join(dir, family.name, f));
  }
  assert.equal(files.length, models.length);
  for (const file of files) {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(raw.model, basename(file, '.json'), file);
    assert.equal(raw.family, basename(dirname(file)), file);
    assert.equal(raw.$schema, '../catalog.schema.json', file);
  }
});

test('files use only fields the schema knows (zod would silently drop a misspelt one)', () => {
  const modelFields = new Set(Object.keys(modelSchema.shape));
  const registerFields = new Set(Object.keys(registerSchema.shape));
  for (const family of readdirSync(dir, { withFileTypes: true })) {
    if (!family.isDirectory()) continue;
    for (const f of readdirSync(join(dir, family.name))) {
      const raw = JSON.parse(readFileSync(join(dir, family.name, f), 'utf8'));
      for (const k of Object.keys(raw)) assert.ok(modelFields.has(k), `${family.name}/${f}: unknown field ${k}`);
      for (const r of raw.registers) {
        for (const k of Object.keys(r)) assert.ok(registerFields.has(k), `${family.name}/${f}: ${r.key}: unknown field ${k}`);
      }
    }
  }
});

test('the families the product requires are present', () => {
  const families = new Set(models.map((m) => m.family));
  for (const f of ['multifunction', 'energyCounter', 'pulseCounter', 'rcd', 'ems', 'breaker', 'powerSupervision', 'generic'] as const) {
    assert.ok(families.has(f), `family ${f} missing`);
  }
  const pulseTypes = new Set(models.filter((m) => m.family === 'pulseCounter').map((m) => m.energyType));
  for (const t of ['electricity', 'water', 'gas'] as const) assert.ok(pulseTypes.has(t), `pulse counter for ${t} missing`);
  for (const [family, model] of [
    ['multifunction', 'F3N200'], ['energyCounter', 'F41DM63'], ['energyCounter', 'F21DM63'],
    ['pulseCounter', 'pulse-electricity'], ['pulseCounter', 'pulse-water'], ['pulseCounter', 'pulse-gas'],
    ['breaker', 'M7COM-MEGATIKER'], ['powerSupervision', 'M7TICIO'], ['generic', 'generic-meter'],
    // CAT-1: ranges, RCD modules, EMS CX3 modules, breakers with and without measurement, M7TICPROG, named and built-in pulse inputs
    ['multifunction', 'F3N300'], ['multifunction', 'F3N400'], ['rcd', 'G47XM63'], ['rcd', 'G47XCM63'],
    ['ems', 'F80BMM63'], ['ems', 'F80BM3M63'], ['ems', 'F80BMT63'], ['ems', 'F80BMT'], ['ems', 'F80BMR'],
    ['ems', 'F80BCR'], ['ems', 'F80BVS'], ['ems', 'F80BCS'], ['ems', 'F80BC'],
    ['breaker', 'M7COM-MEGATIKER-NM'], ['breaker', 'M7COM-DPX3-RCD'], ['breaker', 'M8COM-MEGABREAK'], ['breaker', 'M8COM-MEGABREAK-LCD'],
    ['powerSupervision', 'M7TICPROG'], ['pulseCounter', 'F20D32'], ['pulseCounter', 'F20DM63'], ['pulseCounter', 'F40DM63'],
    ['pulseCounter', 'builtin-input-electricity'], ['pulseCounter', 'builtin-input-water'], ['pulseCounter', 'builtin-input-gas'],
    // third-party meters with public maps
    ['energyCounter', 'SDM630'], ['energyCounter', 'SDM120'], ['energyCounter', 'SDM72'], ['energyCounter', 'ABB-B23'],
    ['energyCounter', 'EM24'], ['energyCounter', 'Countis-E2x'], ['multifunction', 'iEM3x5x'],
  ] as const) assert.ok(catalog.get(family, model), `${family}/${model} missing`);
});

test('no two registers of one model overlap, and every register fits the address space', () => {
  for (const m of models) {
    for (const { label, regs } of resolvedSets(m)) {
      assert.equal(findOverlap(regs), undefined, label);
      for (const r of regs) assert.ok(r.address + r.words - 1 <= 0xffff, `${label}: ${r.key} past 0xFFFF`);
      assert.equal(new Set(regs.map((r) => r.key)).size, regs.length, `${label}: duplicate key after expansion`);
    }
  }
});

test('the identity register does not overlap a register of its model', () => {
  for (const m of models) {
    if (!m.identity) continue;
    const id = { key: '(identity)', address: m.identity.address, fn: m.identity.fn, words: 1 };
    for (const { label, regs } of resolvedSets(m)) assert.equal(findOverlap([...regs, id]), undefined, label);
  }
});

/** Models whose one register comes from a device parameter (generic meter, WSMEASURE): no identity, no map. */
const builtFromParameter = (m: { parameters: readonly string[] }) => m.parameters.includes('genericRegister') || m.parameters.includes('remoteAddress');

test('every vendor model has an identity, third-party ones where their public table gives a model code; no two models share one', () => {
  const seen = new Map<string, string>();
  for (const m of models) {
    if (builtFromParameter(m)) { assert.equal(m.identity, undefined, name(m)); continue; }
    if (m.vendor === 'Legrand/BTicino') assert.ok(m.identity, `${name(m)} has no identity register`);
    if (!m.identity) { assert.match(m.mapNotes ?? '', /No identity/, `${name(m)}: say why there is no identity`); continue; }
    const key = `${m.identity.fn}:${m.identity.address}:${m.identity.value}`;
    const other = seen.get(key);
    assert.equal(other, undefined, `${name(m)} and ${other} share identity ${key}`);
    seen.set(key, name(m));
  }
});

test('electricity meters count active energy import; water and gas counters count volume', () => {
  for (const m of models) {
    const regs = resolveRegisters(m);
    if (m.energyType === 'electricity' && !builtFromParameter(m)) {
      const r = regs.find((x) => x.key === 'activeEnergyImportWh');
      assert.ok(r, `${name(m)}: activeEnergyImportWh missing`);
      assert.equal(r.counter, 'activeEnergyImport', name(m));
      assert.equal(r.unit, 'Wh', name(m));
    }
    if (m.energyType === 'water') assert.equal(regs.find((x) => x.key === 'waterVolumeDm3')?.counter, 'water', name(m));
    if (m.energyType === 'gas') assert.equal(regs.find((x) => x.key === 'gasVolumeDm3')?.counter, 'gas', name(m));
    const exp = regs.find((x) => x.key === 'activeEnergyExportWh');
    if (exp) assert.equal(exp.counter, 'activeEnergyExport', name(m));
    for (const r of regs.filter((x) => x.counter)) {
      // vendor counters are unsigned integers; third-party public maps may give kWh as float32 (Eastron, Schneider)
      const types = m.vendor === 'Legrand/BTicino' ? ['u32', 'u64'] : ['u32', 'u64', 'float32'];
      assert.ok(types.includes(r.type), `${name(m)}: counter ${r.key} must be ${types.join('/')}`);
      assert.equal(r.statistic, false, `${name(m)}: counter ${r.key} is not a statistic`);
    }
  }
});

test('keys follow the naming convention and units agree with the suffix', () => {
  const suffix: [RegExp, string][] = [
    [/Wh$/, 'Wh'], [/Varh$/, 'varh'], [/VAh$/, 'VAh'], [/Var$/, 'var'], [/VA$/, 'VA'], [/W$/, 'W'],
    [/Hz$/, 'Hz'], [/Pct$/, '%'], [/DegC$/, 'degC'], [/Dm3$/, 'dm3'], [/State$/, 'state'], [/OnTimeS$/, 's'], [/DurationS$/, 's'],
    [/V$/, 'V'], [/A$/, 'A'], [/Ah$/, 'Ah'], [/Version$/, ''],
  ];
  for (const m of models) {
    for (const r of resolveRegisters(m)) {
      if (/^powerFactor(L[123])?$/.test(r.key)) { assert.equal(r.unit, '', `${name(m)}: ${r.key}`); continue; }
      const hit = suffix.find(([re]) => re.test(r.key));
      assert.ok(hit, `${name(m)}: ${r.key} has no unit suffix`);
      assert.equal(r.unit, hit[1], `${name(m)}: ${r.key} unit`);
      if (r.unit === 'state') assert.ok(r.states && Object.keys(r.states).length >= 2, `${name(m)}: ${r.key} needs states`);
    }
  }
});

test('instantaneous electrical quantities are statistics; signed where power can flow backwards', () => {
  const statGroups = new Set(['power', 'powerFactor', 'voltage', 'current', 'frequency', 'thd']);
  for (const m of models) {
    for (const r of resolveRegisters(m)) {
      if (statGroups.has(r.group)) assert.equal(r.statistic, true, `${name(m)}: ${r.key} should be a statistic`);
      if (/^(reactivePower|powerFactor)/.test(r.key) || (/^activePower/.test(r.key) && m.family !== 'pulseCounter')) {
        assert.ok(r.type.startsWith('s') || r.type === 'float32', `${name(m)}: ${r.key} should be signed`);
      }
    }
  }
});

test('inferred maps say why; breaker and power-supervision enumerations match the product', () => {
  for (const m of models) {
    if (m.mapSource !== 'public') assert.ok((m.mapNotes ?? '').length > 40, `${name(m)}: mapNotes missing`);
    assert.ok(m.simulation, `${name(m)}: simulation block missing`);
  }
  const breaker = resolveRegisters(catalog.require('breaker', 'M7COM-MEGATIKER'));
  const state = breaker.find((r) => r.key === 'breakerState');
  assert.deepEqual(state?.states, { 0: 'open', 1: 'closed', 2: 'tripped' });
  assert.equal(state?.type, 'u16');
  assert.equal(state?.group, 'state');
  const io = resolveRegisters(catalog.require('powerSupervision', 'M7TICIO'));
  assert.ok(io.some((r) => r.key === 'input1State' && r.states?.['1'] === 'on'));
  assert.ok(io.some((r) => r.key === 'output1State' && r.group === 'io'));
  assert.deepEqual(catalog.require('energyCounter', 'F21DM63').simulation?.phases, 1);
});

test('the multifunction meter has the CON-7 tables, harmonics 3..25, and needs several 125-register reads', () => {
  const m = catalog.require('multifunction', 'F3N200');
  const regs = resolveRegisters(m);
  const keys = new Set(regs.map((r) => r.key));
  const expected = [
    'activeEnergyImportWh', 'activeEnergyExportWh', 'reactiveEnergyImportVarh', 'reactiveEnergyExportVarh', 'apparentEnergyVAh',
    'activePowerW', 'reactivePowerVar', 'apparentPowerVA', 'powerFactor', 'frequencyHz', 'currentNA',
    ...['L1', 'L2', 'L3'].flatMap((p) => [
      `activePower${p}W`, `reactivePower${p}Var`, `apparentPower${p}VA`, `powerFactor${p}`, `voltage${p}V`, `current${p}A`,
      `thdVoltage${p}Pct`, `thdCurrent${p}Pct`, `harmonicVoltage${p}H3Pct`, `harmonicVoltage${p}H25Pct`,
      `harmonicCurrent${p}H3Pct`, `harmonicCurrent${p}H25Pct`,
    ]),
    'voltageL12V', 'voltageL23V', 'voltageL31V',
  ];
  for (const k of expected) assert.ok(keys.has(k), `F3N200: ${k} missing`);
  assert.equal(regs.filter((r) => r.group === 'harmonics').length, 6 * 23);
  assert.equal(m.connection.maxRegistersPerRead, 125);
  assert.ok(requestCount(m, regs) >= 3, `F3N200 full read takes ${requestCount(m, regs)} requests`);
  const words = regs.reduce((s, r) => s + REGISTER_WORDS[r.type], 0);
  assert.ok(words > 125, `F3N200 maps ${words} words`);
});

test('the energy counters fit their read cap in one request', () => {
  for (const model of ['F41DM63', 'F21DM63']) {
    const m = catalog.require('energyCounter', model);
    assert.equal(requestCount(m, resolveRegisters(m)), 1, model);
  }
});

test('pulse counters behind a concentrator address input n at 0x9100 + 0x80·(n−1)', () => {
  for (const m of models.filter((x) => x.family === 'pulseCounter' && (x.positions?.host ?? 'concentrator') === 'concentrator')) {
    assert.deepEqual(m.parameters, ['position']);
    assert.deepEqual(m.positions, { count: 7, stride: 128 });
    const counter = (p: number) => resolveRegisters(m, p).find((r) => r.counter)!;
    assert.equal(counter(1).address, 0x9100, name(m));
    assert.equal(counter(7).address, 0x9100 + 0x80 * 6, name(m));
  }
});

test('the generic meter has no registers of its own and takes the genericRegister parameter', () => {
  const g = catalog.require('generic', 'generic-meter');
  assert.deepEqual(g.registers, []);
  assert.deepEqual(g.parameters, ['genericRegister']);
  assert.equal(g.mapSource, 'user');
  assert.equal(g.energyType, 'electricity');
});

test('a broken file is refused with invalid-file, naming the file and the field', (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'ews-catalog-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const good = JSON.parse(readFileSync(join(dir, 'energyCounter', 'F21DM63.json'), 'utf8'));
  mkdirSync(join(tmp, 'energyCounter'));
  writeFileSync(join(tmp, 'energyCounter', 'F21DM63.json'), JSON.stringify(good));
  assert.equal(loadCatalog(tmp).models.length, 1);

  const bad = structuredClone(good);
  bad.model = 'broken';
  bad.registers[2].type = 'u24';
  writeFileSync(join(tmp, 'energyCounter', 'broken.json'), JSON.stringify(bad));
  assert.throws(() => loadCatalog(tmp), (err: unknown) => {
    assert.ok(err instanceof CatalogError);
    assert.equal(err.code, 'invalid-file');
    assert.match(err.message, /energyCounter[/\\]broken\.json/);
    assert.match(err.message, /registers\.2\.type/);
    return true;
  });

  rmSync(join(tmp, 'energyCounter', 'broken.json'));
  writeFileSync(join(tmp, 'energyCounter', 'notjson.json'), '{ "family": ');
  assert.throws(() => loadCatalog(tmp), (err: unknown) => err instanceof CatalogError && err.code === 'invalid-file' && /notjson\.json/.test(err.message));

  rmSync(join(tmp, 'energyCounter', 'notjson.json'));
  mkdirSync(join(tmp, 'breaker'));
  writeFileSync(join(tmp, 'breaker', 'misplaced.json'), JSON.stringify({ ...good, model: 'misplaced' }));
  assert.throws(() => loadCatalog(tmp), (err: unknown) => err instanceof CatalogError && err.code === 'invalid-file' && /misplaced\.json.*folder energyCounter/.test(err.message));
});

test('WSMEASURE reads the energy block of its Remote ID at unit 247 (MS-3)', () => {
  const w = catalog.require('wsmeasure', 'WSMEASURE');
  assert.deepEqual(w.parameters, ['remoteAddress']);
  assert.equal(w.registers.length, 0);
  const [r] = wsmeasureRegisters(10012);
  assert.equal(r.address, 8 * 12);
  assert.equal(r.type, 'u64');
  assert.equal(r.counter, 'activeEnergyImport');
  assert.equal(wsmeasureRegisters(29999)[0].address, 0);
  assert.equal(wsmeasureRegisters(20003)[0].address, 8 * 5003);
  assert.equal(wsmeasureRegisters(30002)[0].address, 8 * 6002);
  assert.deepEqual(wsmeasureRegisters(15000), [], 'beyond the map');
});
