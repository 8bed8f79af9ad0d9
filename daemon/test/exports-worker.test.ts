/**
 * HIST-5's reportdata.zip is built outside the daemon's process (a whole-store read would leave
 * the store's pages resident in the daemon): the job's builder is a child process of the daemon,
 * reading the store the daemon writes; killed, the job answers a clear error, the daemon goes on,
 * and the next data download is built again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import type { ExportState } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1));
let rig: Rig;

before(async () => {
  rig = await startRig({
    captureLogs: true,
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [{ gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'A' }],
  });
  const slotMs = 15 * 60_000;
  const base = Math.floor(Date.now() / slotMs) * slotMs - 2 * slotMs;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await rig.daemon.poller.runTick(base + i * slotMs)).readings.every((r) => r.ok));
  }
});
after(async () => { await rig?.stop(); });

/** The daemon's (this process's) child processes running the worker's export job. */
function exportWorkers(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => /history-worker\.(js|ts)$/.test(a)) && argv.includes('export')) out.push(Number(name));
    } catch { /* ended meanwhile */ }
  }
  return out;
}

async function waitDone(id: string): Promise<ExportState> {
  for (let i = 0; i < 600; i++) {
    const s = (await rig.api<ExportState>(`/api/exports/${id}`)).body;
    if (s.done) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the data download did not end');
}

const today = new Date().toISOString().slice(0, 10);
const request = JSON.stringify({ kind: 'data', scopes: ['device:1'], from: today, to: today, costs: false, rate: '15min' });

test('the zip is built by a child process; killed, the job reports an error and the daemon goes on', async () => {
  const start = await rig.api<ExportState>('/api/exports', { method: 'POST', body: request });
  assert.equal(start.status, 202);
  let pids: number[] = [];
  for (let i = 0; i < 2000 && pids.length === 0; i++) { pids = exportWorkers(); if (!pids.length) await new Promise((r) => setTimeout(r, 5)); }
  assert.equal(pids.length, 1, 'one export worker, a child of the daemon');
  assert.notEqual(pids[0], process.pid);
  process.kill(pids[0], 'SIGKILL');
  const state = await waitDone(start.body.id);
  assert.match(state.error ?? '', /export failed.*stopped \(SIGKILL\)/, JSON.stringify(state));
  assert.equal((await rig.api(`/api/exports/${start.body.id}/file`)).status, 404, 'no file for a failed job');
  assert.deepEqual(readdirSync(join(rig.dataDir, 'exports')), [], 'the partial zip is removed');
  assert.equal((await rig.api('/api/health')).status, 200, 'the daemon goes on');

  // the next one is built (by a new worker) and downloaded
  const again = await rig.api<ExportState>('/api/exports', { method: 'POST', body: request });
  const done = await waitDone(again.body.id);
  assert.ok(!done.error && done.percent === 100, JSON.stringify(done));
  const file = await fetch(`${rig.daemon.url}/api/exports/${again.body.id}/file`, { headers: { cookie: await cookie() } });
  assert.equal(file.status, 200);
  const zip = unzipSync(new Uint8Array(await file.arrayBuffer()));
  assert.match(strFromU8(zip['report_energy_devices_electricity.csv']), /1 A \(Wh\)/);
  assert.ok(rig.logs.some((l) => l.includes('job started in the worker') && l.includes('"export"')), 'logged with its pid');
});

async function cookie(): Promise<string> {
  const login = await fetch(`${rig.daemon.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: rig.daemon.url }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}
