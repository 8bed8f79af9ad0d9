/**
 * pnpm bench:memory — runs the demo as `pnpm demo` does (simulated installation, 13 months of
 * back-filled history, the built daemon as its own process) for BENCH_MINUTES (10), with a client
 * watching as residents do (device list every 5 s, live values every second, a consumption
 * chart every 10 s: day, month, year, 10 years in turn), and samples the daemon's resident memory
 * (VmRSS from /proc/<pid>/status) every 5 s.
 * Prints one JSON line: {metric:"daemonRss", minutes, maxRssMB, finalRssMB, samples}.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../demo/harness';

const minutes = Number(process.env.BENCH_MINUTES ?? 10);
/** `full` (default): panel, live values and charts; `live`: panel and live values; `none`: the demo alone. */
const client = process.env.BENCH_CLIENT ?? 'full';
const dataDir = mkdtempSync(join(tmpdir(), 'ews-mem-'));
const demo = await startDemo({ dataDir, simRtuPort: 0, simGatewayPort: 0, backfillMonths: Number(process.env.BENCH_BACKFILL_MONTHS ?? 13) });

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

let cookie = '';
const login = await fetch(`${demo.url}/api/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ pin: '99999', puk: '00000999900000' }),
});
cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const get = (path: string) => fetch(demo.url + path, { headers: { cookie } }).then((r) => r.arrayBuffer()).catch(() => undefined);

const end = Date.now() + minutes * 60_000;
const samples: number[] = [];
let i = 0;
while (Date.now() < end) {
  if (client !== 'none' && i % 5 === 0) await get('/api/devices');
  if (client === 'full' && i % 10 === 0) {
    const period = ['day', 'month', 'year', 'decade'][(i / 10) % 4];
    const scope = ['total', 'type:electricity', 'group:group-1', 'device:1'][Math.floor(i / 40) % 4];
    await get(`/api/consumption?scope=${scope}&period=${period}&date=${new Date().toISOString().slice(0, 10)}`);
  }
  if (client !== 'none') await get(`/api/devices/${1 + (Math.floor(i / 10) % 19)}/live`);
  if (i % 5 === 0) samples.push(rssMB(demo.daemon.pid!));
  await new Promise((r) => setTimeout(r, 1000));
  i++;
}
samples.push(rssMB(demo.daemon.pid!));
// Where the resident memory is: the node executable's own pages (code, ICU data: shared,
// read-only), the LMDB map (page cache), and private anonymous memory (heaps).
const parts: Record<string, number> = {};
let region = '';
for (const line of readFileSync(`/proc/${demo.daemon.pid}/smaps`, 'utf8').split('\n')) {
  const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (m) { region = /\/node$/.test(m[1]) ? 'nodeExecutable' : m[1].endsWith('ews.lmdb') ? 'lmdbMap' : !m[1] || m[1] === '[heap]' ? 'anonymous' : 'otherFiles'; continue; }
  if (line.startsWith('Rss:')) parts[region] = (parts[region] ?? 0) + Number(line.split(/\s+/)[1]) / 1024;
}
const breakdownMB = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Math.round(v * 10) / 10]));
console.log(JSON.stringify({
  metric: 'daemonRss', minutes, maxRssMB: Math.max(...samples), finalRssMB: samples[samples.length - 1],
  firstRssMB: samples[0], samples: samples.length, client, breakdownMB, how: 'VmRSS of the daemon process (/proc/<pid>/status), demo with back-filled history',
}));
await demo.stop();
rmSync(dataDir, { recursive: true, force: true });
