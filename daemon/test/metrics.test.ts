/**
 * BEY-2: `GET /metrics` in the Prometheus exposition format. Closed by default, then a bearer
 * token (write-only) or open on the LAN by setting; Debian's `promtool check metrics` accepts
 * the exposition; two scrapes show the bus counters moving; device status, energies, the sample
 * tick, the store and the process are there.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { startRig, slave, waitFor, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe();
attachRtuEndpoint(sim, pipe.slave);
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('multifunction', 'F3N200', 2));
let rig: Rig;
const TOKEN = 'scrape-token-0123456789abcdef';

before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'Main' },
      { gatewayId: 'local', family: 'multifunction', model: 'F3N200', address: 2, name: 'Panel "B"' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 9, name: 'Absent' },
    ],
  });
});
after(async () => { await rig?.stop(); });

const scrape = (headers: Record<string, string> = {}) => fetch(`${rig.daemon.url}/metrics`, { headers });

function promtool(text: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
    p.stdin.end(text);
  });
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

test('closed by default; a bearer token (write-only) opens it; "open" serves it without one', async () => {
  assert.equal((await scrape()).status, 401);
  const set = await rig.api<{ open: boolean; tokenSet: boolean }>('/api/settings/metrics', { method: 'PUT', body: JSON.stringify({ token: TOKEN }) });
  assert.deepEqual(set.body, { open: false, tokenSet: true });
  assert.ok(!JSON.stringify((await rig.api('/api/settings/metrics')).body).includes(TOKEN), 'the token is never answered');
  assert.equal((await scrape({ authorization: 'Bearer wrong-token-0123456789' })).status, 401);
  const ok = await scrape({ authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
  assert.equal((await rig.api('/api/settings/metrics', { method: 'PUT', body: JSON.stringify({ token: 'short' }) })).status, 400);
  await rig.api('/api/settings/metrics', { method: 'PUT', body: JSON.stringify({ open: true }) });
  assert.equal((await scrape()).status, 200);
  await rig.api('/api/settings/metrics', { method: 'PUT', body: JSON.stringify({ open: false }) });
  assert.equal((await scrape()).status, 401);
});

test('promtool accepts the exposition; the bus counters move between scrapes; every family is there', async () => {
  await waitFor('main on', async () => (await rig.api<Array<{ name: string; status: string }>>('/api/devices')).body.find((d) => d.name === 'Main')?.status === 'on');
  const slotMs = 15 * 60_000;
  await rig.daemon.poller.runTick(Math.floor(Date.now() / slotMs) * slotMs - slotMs);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const first = await (await scrape(auth)).text();
  await new Promise((r) => setTimeout(r, 1500)); // ticks and background refreshes run
  const second = await (await scrape(auth)).text();

  let check: { code: number | null; out: string };
  try {
    check = await promtool(second);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' && !process.env.CI) { console.log('# promtool not installed (apt-get install prometheus): exposition not checked'); return; }
    throw err;
  }
  assert.equal(check.code, 0, `promtool check metrics:\n${check.out}`);

  const t1 = value(first, 'ews_bus_transactions_total', { gateway: 'local' })!;
  const t2 = value(second, 'ews_bus_transactions_total', { gateway: 'local' })!;
  assert.ok(t2 > t1, `transactions ${t1} → ${t2}`);
  assert.ok((value(second, 'ews_bus_failures_total', { gateway: 'local', reason: 'timeout' }) ?? 0) > 0, 'the absent meter times out');
  assert.ok((value(second, 'ews_bus_busy_seconds_total', { gateway: 'local' }) ?? 0) > 0);
  assert.equal(value(second, 'ews_device_up', { name: 'Main' }), 1);
  assert.equal(value(second, 'ews_device_up', { name: 'Absent' }), 0);
  assert.ok((value(second, 'ews_device_active_power_watts', { name: 'Main' }) ?? 0) > 0);
  assert.ok((value(second, 'ews_energy_active_import_wh', { scope: 'total' }) ?? -1) >= 0);
  assert.ok((value(second, 'ews_energy_active_import_wh', { scope: 'device:1' }) ?? 0) > 0);
  assert.ok((value(second, 'ews_sample_tick_duration_seconds_count') ?? 0) >= 1);
  assert.ok((value(second, 'ews_store_bytes', { db: 'counters' }) ?? 0) > 0);
  assert.ok((value(second, 'ews_process_resident_memory_bytes') ?? 0) > 0);
  assert.equal(value(second, 'ews_mqtt_connected'), 0);
  assert.match(second, /name="Panel \\"B\\""/, 'label values are escaped');
});
