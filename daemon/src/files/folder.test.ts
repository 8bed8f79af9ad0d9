/**
 * The history folder (HIST-2): files appended tick by tick over a month change, each kind
 * checked against its golden file in test-fixtures/history-folder/ (UPDATE_GOLDEN=1 rewrites
 * them), rows that add up to the consumption API's bars, a rebuild that gives the same bytes
 * (replayed, and from scratch), a rebuild with other separators, path escapes refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { tempStore, type TempStore } from '../store/history/testkit';
import type { IngestRegister } from '../store/index';
import { ConfigStore } from '../config/index';
import { loadCatalog } from '../catalog/index';
import { Energy, scopeProvider } from '../energy/index';
import { Costs } from '../costs/index';
import { HistoryFolder, type HistoryFolderOptions, folderStructure, settingsFiles, slotCosts, resolveInside, listFolder, FilesError } from './index';
import { greenupSettingsFile } from '../greenup/index';
import { DEFAULT_GREENUP_SETTINGS } from '@ews/shared';

const GOLDEN = new URL('../../../test-fixtures/history-folder/', import.meta.url).pathname;
const SLOT = 900_000;
const FROM = Date.UTC(2026, 0, 31, 21, 0); // 22:00 in Paris, two hours before February
const TO = Date.UTC(2026, 0, 31, 23, 45);
const elec: IngestRegister[] = [
  { key: 'e', type: 'u64', scale: 1, unit: 'Wh', counter: 'activeEnergyImport' },
  { key: 'voltageL1V', type: 'u32', scale: 0.1, unit: 'V', statistic: true },
];
const water: IngestRegister[] = [{ key: 'w', type: 'u32', scale: 1, unit: 'dm3', counter: 'water' }];

let t: TempStore;
let config: ConfigStore;
let folder: HistoryFolder;
let energy: Energy;
let root: string;
let folderOpts: HistoryFolderOptions;
const clock = { now: () => TO + SLOT, monotonic: () => 0 };

function tree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p); else out[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

before(async () => {
  t = tempStore();
  const catalog = loadCatalog();
  config = new ConfigStore(t.dbs, catalog, { clock: clock as never });
  await config.applySeed({
    groups: ['Floor 1'],
    time: { timezone: 'Europe/Paris' },
    devices: [
      { gatewayId: 'local', family: 'multifunction', model: 'EMDX3-412045', address: 1, name: 'Main; building', loadId: 'lighting', groupIds: ['group-1'] },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'Heat pump', loadId: 'heating', groupIds: ['group-1'] },
      { gatewayId: 'local', family: 'pulseCounter', model: 'pulse-water', address: 3, position: 1, name: 'Water' },
    ],
    costs: { currency: 'EUR', averagePrices: { electricity: 0.2, water: 4 } },
  });
  const ids = config.devices().map((d) => d.id);
  energy = new Energy({ store: t.store, timezone: 'Europe/Paris', scopes: scopeProvider(config, catalog) });
  const costs = new Costs({ config, store: t.store, clock: clock as never });
  await costs.start();
  root = join(t.dir, 'history');
  folderOpts = {
    root, stateDir: join(t.dir, 'history-state'), store: t.store, timezone: () => 'Europe/Paris',
    format: () => ({ decimalSeparator: config.csv().decimalSeparator, fieldSeparator: config.csv().fieldSeparator }),
    structure: () => folderStructure(config, catalog), costs: slotCosts(config, t.store), settingsFiles: settingsFiles(config, catalog),
  };
  folder = new HistoryFolder(folderOpts);
  // Green'Up set up (management on, the main meter): settings/GreenUpSettings.csv is written beside the others
  folder.addSettingsFiles('greenup', greenupSettingsFile(() => ({ ...DEFAULT_GREENUP_SETTINGS, enabled: true, meterDeviceId: ids[0], failSafeCurrentA: 10 }), () => config.devices()));
  await folder.writeSettings();
  const c = [1_000_000, 50_000, 3_000];
  let k = 0;
  for (let ms = FROM; ms <= TO; ms += SLOT, k++) {
    c[0] += 250 + (k % 3) * 12.5; c[1] += 100 + k; c[2] += 7;
    const off = k === 4 || k === 5; // device 2 silent for two ticks: its slots are estimated
    const report = t.store.ingest({
      slotMs: ms,
      readings: [
        { deviceId: ids[0], ok: true, values: { e: { value: c[0] }, voltageL1V: { value: 230 + (k % 5) / 10 } } },
        off ? { deviceId: ids[1], ok: false } : { deviceId: ids[1], ok: true, values: { e: { value: c[1] } } },
        { deviceId: ids[2], ok: true, values: { w: { value: c[2] } } },
      ],
    }, (id) => (id === ids[2] ? water : elec));
    await t.store.checkCosts();
    await folder.update(report.filledSlots ? { correctedFromMs: ms - report.filledSlots * SLOT } : {});
  }
});
after(async () => { folder.close(); await t.dispose(); });

test('HIST-2: the tree and every kind of file match their golden files', () => {
  const files = tree(root);
  assert.deepEqual(Object.keys(files).sort(), [
    'devices/1/1_energy_2026-01.csv', 'devices/1/1_energy_2026-02.csv', 'devices/1/1_statistics_2026-01.csv', 'devices/1/1_statistics_2026-02.csv',
    'devices/2/2_energy_2026-01.csv', 'devices/2/2_energy_2026-02.csv', 'devices/3/3_water_2026-01.csv', 'devices/3/3_water_2026-02.csv',
    'energy/devices_2026-01_5.csv', 'energy/devices_2026-02_5.csv', 'energy/groups_2026-01_5.csv', 'energy/groups_2026-02_5.csv',
    'energy/loads_2026-01_5.csv', 'energy/loads_2026-02_5.csv',
    'overallTotal/overallTotalCosts_2026-01.csv', 'overallTotal/overallTotalCosts_2026-02.csv',
    'overallTotal/overallTotalValues_2026-01.csv', 'overallTotal/overallTotalValues_2026-02.csv',
    'settings/EnergySettings.csv', 'settings/General.csv', 'settings/GreenUpSettings.csv',
    'water/devices_2026-01_5.csv', 'water/devices_2026-02_5.csv',
  ].map((p) => p.replace('_5.csv', `_${config.version()}.csv`)).sort());
  // one golden file per kind (the February files: rows from midnight on)
  const kinds = ['devices/1/1_energy_2026-02.csv', 'devices/1/1_statistics_2026-02.csv', 'devices/2/2_energy_2026-02.csv', 'devices/3/3_water_2026-02.csv',
    `energy/devices_2026-02_${config.version()}.csv`, `energy/groups_2026-02_${config.version()}.csv`, `energy/loads_2026-02_${config.version()}.csv`,
    `water/devices_2026-02_${config.version()}.csv`, 'overallTotal/overallTotalValues_2026-02.csv', 'overallTotal/overallTotalCosts_2026-02.csv',
    'settings/EnergySettings.csv', 'settings/General.csv', 'settings/GreenUpSettings.csv'];
  for (const rel of kinds) {
    const name = rel.replace(/\//g, '__').replace(`_${config.version()}.csv`, '_v.csv');
    if (process.env.UPDATE_GOLDEN) { mkdirSync(GOLDEN, { recursive: true }); writeFileSync(join(GOLDEN, name), files[rel]); }
    assert.equal(files[rel].toString('utf8'), readFileSync(join(GOLDEN, name), 'utf8'), `${rel} differs from its golden file ${name}`);
  }
});

const parse = (text: string, sep = ';', dec = ',') => text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(sep).map((c) => c.replace(dec, '.')));

test('rows add up to the consumption API (per device, group, load, overall) over the same slots', () => {
  const v = config.version();
  const id1 = config.devices()[0].id;
  const rowsOf = (rel: string) => parse(readFileSync(join(root, rel), 'utf8')).slice(1);
  const total = (rel: string, col: number) => [`${rel}_2026-01${rel.startsWith('energy') || rel.startsWith('water') ? `_${v}` : ''}.csv`, `${rel}_2026-02${rel.startsWith('energy') || rel.startsWith('water') ? `_${v}` : ''}.csv`]
    .flatMap(rowsOf).reduce((s, r) => s + (r[col] === '' ? 0 : Number(r[col])), 0);
  const api = (scope: string, date: string) => energy.consumption({ scope, period: 'day', date, byLoad: false }).series[0].values.reduce<number>((a, b) => a + (b ?? 0), 0);
  const both = (scope: string) => api(scope, '2026-01-31') + api(scope, '2026-02-01');
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 0.01, `${what}: file ${a} vs API ${b}`);
  near(total(`devices/${id1}/${id1}_energy`, 2), both(`device:${id1}`), 'device 1');
  near(total('energy/devices', 3), both('device:2'), 'device 2 in energy/devices');
  near(total('energy/groups', 2), both('group:group-1'), 'group');
  near(total('energy/loads', 3), both('load:heating'), 'load heating');
  near(total('overallTotal/overallTotalValues', 2), both('total'), 'overall electricity');
  near(total('overallTotal/overallTotalValues', 3), both('type:water'), 'overall water');
  // the month's file holds exactly the API's month bar
  const feb = rowsOf(`energy/devices_2026-02_${v}.csv`).reduce((s, r) => s + Number(r[2] || 0), 0);
  near(feb, energy.consumption({ scope: `device:${id1}`, period: 'month', date: '2026-02-01', byLoad: false }).series[0].values[0]!, 'February of device 1');
  // estimated slots are flagged in the device file
  const d2 = rowsOf('devices/2/2_energy_2026-01.csv').concat(rowsOf('devices/2/2_energy_2026-02.csv'));
  assert.ok(d2.some((r) => r[3] === '1'), 'the silent ticks are flagged estimated');
  // costs: electricity at 0.2 per kWh
  near(total('overallTotal/overallTotalCosts', 2), both('total') / 1000 * 0.2, 'electricity cost');
});

test('a rebuild (replayed, and from scratch) gives byte-identical files and keeps foreign files', async () => {
  const before = tree(root);
  writeFileSync(join(root, 'database.zip'), 'backup');
  const r = await folder.rebuild();
  assert.ok(r.files >= 20);
  const after = tree(root);
  assert.equal(after['database.zip']?.toString(), 'backup', 'a backup in the folder survives');
  delete after['database.zip'];
  assert.deepEqual(after, before, 'replayed rebuild');
  await folder.rebuild({ fresh: true });
  const fresh = tree(root);
  delete fresh['database.zip'];
  assert.deepEqual(fresh, before, 'rebuild from the store alone');
  // appending after a rebuild goes on where it stopped
  await folder.update();
  const again = tree(root);
  delete again['database.zip'];
  assert.deepEqual(again, before);
});

test('HIST-1: a rebuild after a separator change rewrites every file with the new separators', async () => {
  await config.setCsv({ ...config.csvInput(), decimalSeparator: '.', fieldSeparator: ',' }, 'test');
  await folder.rebuild();
  const text = readFileSync(join(root, `energy/devices_2026-02_${config.version()}.csv`), 'utf8');
  assert.match(text.split('\r\n')[0], /^\uFEFFStart \(local\),Start \(UTC\),/);
  assert.match(text.split('\r\n')[1], /^2026-02-01 00:00,2026-01-31T23:00Z,\d+(\.\d+)?,/);
  assert.doesNotMatch(text.split('\r\n').slice(1).join(''), /;/);
  await config.setCsv({ ...config.csvInput(), decimalSeparator: ',', fieldSeparator: ';' }, 'test');
  await folder.rebuild();
});

test('HIST-4: paths outside the folder are refused (.., absolute, symlinks, NUL, backslash)', () => {
  const outside = mkdtempSync(join(tmpdir(), 'ews-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'no');
  symlinkSync(outside, join(root, 'escape'));
  const refused = (rel: string, code: string) => assert.throws(() => resolveInside(root, rel), (e: unknown) => e instanceof FilesError && e.code === code, rel);
  refused('../history-state/progress.json', 'bad-path');
  refused('energy/../../history-state', 'bad-path');
  refused('escape/secret.txt', 'bad-path');
  refused('escape', 'bad-path');
  refused('energy\\..\\..', 'bad-path');
  refused('a\0b', 'bad-path');
  refused('/etc/passwd', 'not-found');
  assert.ok(statSync(resolveInside(root, '/energy/')).isDirectory());
  const names = listFolder(root, '').map((e) => e.name);
  assert.ok(names.includes('energy') && names.includes('settings'));
  assert.ok(!existsSync(join(root, 'history-state')));
});

test('a correction is rewritten in the worker; corrections queued meanwhile make one replay from the earliest month', async () => {
  const generated = () => Object.fromEntries(['devices', 'energy', 'overallTotal', 'water']
    .flatMap((d) => Object.entries(tree(join(root, d))).map(([rel, b]) => [`${d}/${rel}`, b] as const)));
  const before = generated();
  const jobs: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  // the worker is another HistoryFolder on the same folder and record, as in the worker process
  const viaWorker = new HistoryFolder({
    ...folderOpts,
    worker: async (job) => {
      jobs.push(job);
      await gate;
      if (job.startsWith('replay:')) await new HistoryFolder(folderOpts).replayFrom(job.slice('replay:'.length));
      return undefined;
    },
  });
  const feb = viaWorker.update({ correctedFromMs: Date.UTC(2026, 1, 1, 6) });
  const jan = viaWorker.update({ correctedFromMs: Date.UTC(2026, 0, 31, 12) });
  release();
  await Promise.all([feb, jan]);
  assert.deepEqual(jobs, ['replay:2026-01']);
  const after = generated();
  assert.ok(Object.keys(before).length >= 18);
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  for (const rel of Object.keys(before)) assert.ok(after[rel].equals(before[rel]), `${rel} changed by the replay`);
  viaWorker.close();
});
