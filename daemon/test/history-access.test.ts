/**
 * HIST-2…4 over the real daemon: sample ticks from the simulator fill the history folder, which
 * real clients read — curl over FTP (passive) and over WebDAV (PROPFIND, GET), lftp for a whole
 * folder, the HTTP API for listings, files and zips — and each file's values equal the
 * consumption API's over the same slots. Wrong passwords, writes and every way out of the
 * folder (`..`, encoded, absolute, a symlink) are refused. The rebuild button gives the same bytes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { unzipSync, strFromU8 } from 'fflate';
import type { FolderEntry, HistoryStatus } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
let rig: Rig;
let ftpUrl: string;
let dav: string;
const outside = mkdtempSync(join(tmpdir(), 'ews-outside-'));
writeFileSync(join(outside, 'secret.txt'), 'secret');

/** A real client in a child process (asynchronously: the servers run in this process). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.stderr.on('data', (d: Buffer) => err.push(d));
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}
const curl = (args: string[]) => run('curl', ['-s', '-S', '--max-time', '20', ...args]);
const parseRows = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(';').map((c) => c.replace(',', '.')));

before(async () => {
  rig = await startRig({
    captureLogs: true,
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A', loadId: 'lighting' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'B', loadId: 'heating' },
    ],
  });
  // The simulated meters count energy in real time (device A ~1.4 kW: 1 Wh in ~2.5 s, at 1 Wh
  // resolution): five ticks a second apart, more (up to ten) until A's counter has moved 2 Wh,
  // so that the files' sums below cannot be 0 by bad luck of timing.
  const slotMs = 15 * 60_000;
  const MAX_TICKS = 10;
  const base = Math.floor(Date.now() / slotMs) * slotMs - (MAX_TICKS - 1) * slotMs;
  const energyOfA = (tick: Awaited<ReturnType<typeof rig.daemon.poller.runTick>>) => Number(tick.readings.find((r) => r.deviceId === 1)?.values?.activeEnergyImportWh?.value);
  let firstWh: number | undefined;
  let movedWh = 0;
  for (let i = 0; i < MAX_TICKS && (i < 5 || movedWh < 2); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const tick = await rig.daemon.poller.runTick(base + i * slotMs);
    assert.ok(tick.readings.every((r) => r.ok));
    firstWh ??= energyOfA(tick);
    movedWh = energyOfA(tick) - firstWh;
  }
  assert.ok(movedWh >= 2, `device A's counter moved ${movedWh} Wh over the ticks`);
  await rig.daemon.historyFolder.idle();
  const ftp = rig.daemon.ftp()?.status();
  assert.ok(ftp?.listening, `FTP listens: ${JSON.stringify(ftp)}`);
  ftpUrl = `ftp://127.0.0.1:${ftp.port}`;
  dav = `${rig.daemon.url}/dav`;
  symlinkSync(outside, join(rig.daemon.historyFolder.root, 'escape'));
});
after(async () => {
  await rig?.stop();
  // ftp-srv leaves passive data listeners of finished transfers open (they keep the process alive):
  // the results are in, end the test process a moment later if it would not end by itself
  setTimeout(() => process.exit(), 2000).unref();
});

async function energyFiles(): Promise<string[]> {
  const r = await rig.api<FolderEntry[]>('/api/history/files?path=energy/');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.filter((e) => e.kind === 'file' && e.name.startsWith('devices_')).map((e) => e.name);
}

/** Sum of all rows of a column over the files vs the API's total of the scope (decade: everything). */
async function apiTotal(scope: string): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  const r = await rig.api<{ series: Array<{ values: Array<number | null> }> }>(`/api/consumption?scope=${scope}&period=decade&date=${today}&byLoad=false`);
  assert.equal(r.status, 200);
  return r.body.series[0].values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

test('HTTP: listings, files and zips of the folder; values equal the consumption API', async () => {
  const top = await rig.api<FolderEntry[]>('/api/history/files?path=');
  assert.deepEqual(top.body.filter((e) => e.kind === 'folder' && e.name !== 'escape').map((e) => e.name), ['devices', 'energy', 'overallTotal', 'settings']);
  const files = await energyFiles();
  assert.ok(files.length >= 1 && files.every((f) => new RegExp(`^devices_\\d{4}-\\d{2}_${rig.daemon.config.version()}\\.csv$`).test(f)), files.join());
  let sumA = 0, sumB = 0;
  for (const f of files) {
    const r = await rig.api<string>(`/api/history/file?path=energy/${f}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    for (const row of parseRows(r.body)) { sumA += Number(row[2] || 0); sumB += Number(row[3] || 0); }
  }
  assert.ok(sumA > 0 && Math.abs(sumA - await apiTotal('device:1')) < 0.01, `device 1: ${sumA}`);
  assert.ok(Math.abs(sumB - await apiTotal('device:2')) < 0.01, `device 2: ${sumB}`);
  const zip = await fetch(`${rig.daemon.url}/api/history/zip?path=energy/`, { headers: { cookie: await cookieOf() } });
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
  assert.deepEqual(Object.keys(entries).filter((n) => n.startsWith('devices_')).sort(), files.sort());
  const direct = await rig.api<string>(`/api/history/file?path=energy/${files[0]}`);
  assert.equal(strFromU8(entries[files[0]]), direct.body);
});

/** The bytes of a file through the HTTP API (rig.api decodes text, which drops the BOM). */
async function raw(path: string): Promise<Buffer> {
  const r = await fetch(`${rig.daemon.url}/api/history/file?path=${encodeURIComponent(path)}`, { headers: { cookie: await cookieOf() } });
  assert.equal(r.status, 200);
  return Buffer.from(await r.arrayBuffer());
}

let cookieJar = '';
async function cookieOf(): Promise<string> {
  if (cookieJar) return cookieJar;
  const r = await fetch(`${rig.daemon.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: rig.daemon.url }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
  cookieJar = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return cookieJar;
}

test('HTTP: ways out of the folder are refused; the status warns of the default password', async () => {
  for (const [path, status] of [['../history-state/progress.json', 400], ['%2e%2e%2fhistory-state', 400], ['energy/../../ews.lmdb', 400], ['/etc/passwd', 404], ['escape/secret.txt', 400], ['..%5c..%5cetc', 400]] as const) {
    const r = await rig.api(`/api/history/file?path=${path}`);
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
    const z = await rig.api(`/api/history/zip?path=${path}`);
    assert.ok(z.status === 400 || z.status === 404, `zip ${path}: ${z.status}`);
  }
  const s = await rig.api<HistoryStatus>('/api/history/status');
  assert.equal(s.body.defaultPassword, true);
  assert.equal(s.body.user, 'wsmeasure');
  const user = rig.client();
  await user.login('11111', '00000 1111 00000');
  assert.equal((await user('/api/history/files?path=')).status, 403, 'the user role has no Reports right');
});

test('FTP (curl, lftp): list and download read-only; wrong password, writes and escapes refused', async () => {
  const list = await curl(['--user', 'wsmeasure:wsmeasure', '--list-only', `${ftpUrl}/energy/`]);
  assert.equal(list.status, 0, list.stderr.toString());
  const names = list.stdout.toString().trim().split(/\r?\n/).sort();
  assert.deepEqual(names.filter((n) => n.startsWith('devices_')), (await energyFiles()).sort());
  let sum = 0;
  for (const f of names.filter((n) => n.startsWith('devices_'))) {
    const got = await curl(['--user', 'wsmeasure:wsmeasure', `${ftpUrl}/energy/${f}`]);
    assert.equal(got.status, 0, got.stderr.toString());
    assert.ok(got.stdout.equals(await raw(`energy/${f}`)), 'FTP and HTTP give the same bytes');
    for (const row of parseRows(got.stdout.toString('utf8'))) sum += Number(row[2] || 0);
  }
  assert.ok(Math.abs(sum - await apiTotal('device:1')) < 0.01);
  // the whole folder with lftp (passive mode, mirror)
  const dest = mkdtempSync(join(tmpdir(), 'ews-lftp-'));
  const lftp = await run('lftp', ['-u', 'wsmeasure,wsmeasure', '-e', `set ftp:passive-mode on; set net:max-retries 1; set net:timeout 10; mirror --no-symlinks /energy ${dest}/energy; bye`, ftpUrl]);
  assert.equal(lftp.status, 0, lftp.stderr.toString());
  assert.deepEqual(readdirSync(join(dest, 'energy')).sort(), (await rig.api<FolderEntry[]>('/api/history/files?path=energy/')).body.map((e) => e.name).sort());
  // refused
  assert.equal((await curl(['--user', 'wsmeasure:wrong', '--list-only', `${ftpUrl}/`])).status, 67, 'wrong password: login denied');
  assert.equal((await curl(['--user', 'someone:wsmeasure', '--list-only', `${ftpUrl}/`])).status, 67, 'only the wsmeasure user');
  const up = join(outside, 'up.txt');
  writeFileSync(up, 'x');
  assert.notEqual((await curl(['--user', 'wsmeasure:wsmeasure', '-T', up, `${ftpUrl}/energy/up.txt`])).status, 0, 'upload refused');
  assert.notEqual((await curl(['--user', 'wsmeasure:wsmeasure', '-Q', `DELE /settings/General.csv`, `${ftpUrl}/`])).status, 0, 'delete refused');
  for (const p of ['/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/escape/secret.txt', '/..%2f..%2fews.lmdb/data.mdb', `/${encodeURIComponent(outside)}/secret.txt`]) {
    const r = await curl(['--user', 'wsmeasure:wsmeasure', '--path-as-is', `${ftpUrl}${p}`]);
    assert.notEqual(r.status, 0, `${p} must be refused`);
    assert.ok(!r.stdout.toString().includes('secret') && !r.stdout.toString().includes('root:'), p);
  }
});

test('WebDAV (curl PROPFIND/GET): listing and files read-only; wrong password, writes and escapes refused', async () => {
  const auth = ['--user', 'wsmeasure:wsmeasure'];
  const prop = await curl([...auth, '-X', 'PROPFIND', '-H', 'Depth: 1', '-w', '\n%{http_code}', `${dav}/energy/`]);
  const text = prop.stdout.toString();
  assert.match(text, /207$/, text.slice(-400));
  const files = await energyFiles();
  for (const f of files) assert.ok(text.includes(f), `${f} in the PROPFIND answer`);
  const got = await curl([...auth, `${dav}/energy/${files[0]}`]);
  assert.ok(got.stdout.equals(await raw(`energy/${files[0]}`)), 'WebDAV and HTTP give the same bytes');
  const code = async (args: string[]) => (await curl(['-o', '/dev/null', '-w', '%{http_code}', ...args])).stdout.toString();
  assert.equal(await code(['--user', 'wsmeasure:wrong', '-X', 'PROPFIND', `${dav}/`]), '401');
  assert.equal(await code(['-X', 'PROPFIND', `${dav}/`]), '401');
  for (const m of [['-X', 'PUT', '--data', 'x', `${dav}/energy/new.csv`], ['-X', 'DELETE', `${dav}/settings/General.csv`], ['-X', 'MKCOL', `${dav}/new/`]]) {
    const c = await code([...auth, ...m]);
    assert.ok(['401', '403', '405'].includes(c), `${m.join(' ')} → ${c}`);
  }
  assert.ok(readFileSync(join(rig.daemon.historyFolder.root, 'settings/General.csv')).length > 0, 'nothing deleted');
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/escape/secret.txt', '/energy/..%2f..%2f..%2fetc/passwd']) {
    const r = await curl([...auth, '--path-as-is', '-w', '\n%{http_code}', `${dav}${p}`]);
    const out = r.stdout.toString();
    assert.ok(!out.includes('secret') && !out.includes('root:'), `${p}: ${out.slice(0, 200)}`);
  }
});

test('HIST-5: data download with progress; reportdata.zip totals equal the API', async () => {
  // dates in the box's zone, as the export counts them (UTC dates missed the data after 23:00 UTC)
  const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: rig.daemon.config.time().timezone }).format(ms);
  const today = localDate(Date.now());
  const yesterday = localDate(Date.now() - 86_400_000);
  const bad = await rig.api<{ fields: Record<string, string[]> }>('/api/exports', { method: 'POST', body: JSON.stringify({ kind: 'data', scopes: ['device:99'], from: today, to: today }) });
  assert.equal(bad.status, 404);
  const start = await rig.api<{ id: string; percent: number; done: boolean }>('/api/exports', {
    method: 'POST', body: JSON.stringify({ kind: 'data', scopes: ['device:1', 'device:2', 'load:lighting', 'load:heating'], from: yesterday, to: today, costs: true, rate: '15min' }),
  });
  assert.equal(start.status, 202, JSON.stringify(start.body));
  let state = start.body;
  for (let i = 0; i < 600 && !state.done; i++) { // built in the worker process: its start takes a moment
    await new Promise((r) => setTimeout(r, 50));
    state = (await rig.api<typeof state>(`/api/exports/${start.body.id}`)).body;
  }
  assert.ok(state.done && state.percent === 100, JSON.stringify(state));
  const r = await fetch(`${rig.daemon.url}/api/exports/${start.body.id}/file`, { headers: { cookie: await cookieOf() } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition') ?? '', /reportdata\.zip/);
  const zip = unzipSync(new Uint8Array(await r.arrayBuffer()));
  assert.deepEqual(Object.keys(zip).sort(), ['report_energy_devices_electricity.csv', 'report_energy_devices_electricity_cost.csv', 'report_energy_loads_electricity.csv', 'report_energy_loads_electricity_cost.csv']);
  const rows = parseRows(strFromU8(zip['report_energy_devices_electricity.csv']));
  const sum = (col: number) => rows.reduce((s, row) => s + Number(row[col] || 0), 0);
  assert.ok(Math.abs(sum(2) - await apiTotal('device:1')) < 0.01, `device 1 ${sum(2)}`);
  assert.ok(Math.abs(sum(3) - await apiTotal('device:2')) < 0.01);
  const loads = parseRows(strFromU8(zip['report_energy_loads_electricity.csv']));
  assert.ok(Math.abs(loads.reduce((s, row) => s + Number(row[2] || 0), 0) - await apiTotal('load:lighting')) < 0.01);
});

test('the rebuild button gives byte-identical files', async () => {
  const before = await snapshot();
  const r = await rig.api<HistoryStatus>('/api/history/rebuild', { method: 'POST', body: JSON.stringify({}) });
  assert.equal(r.status, 202);
  for (let i = 0; i < 100 && (await rig.api<HistoryStatus>('/api/history/status')).body.rebuild; i++) await new Promise((res) => setTimeout(res, 50));
  await rig.daemon.historyFolder.idle();
  assert.deepEqual(await snapshot(), before);
  // the rebuild ran in the worker process (it reads the whole store), not in the daemon
  assert.ok(rig.logs.some((l) => l.includes('history folder job done in the worker') && l.includes('"rebuild"')), 'the rebuild ran in the worker');
});

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (path: string) => {
    for (const e of (await rig.api<FolderEntry[]>(`/api/history/files?path=${path}`)).body) {
      if (e.name === 'escape') continue;
      if (e.kind === 'folder') await walk(`${path}${e.name}/`);
      else out[`${path}${e.name}`] = (await rig.api<string>(`/api/history/file?path=${path}${e.name}`)).body;
    }
  };
  await walk('');
  return out;
}
