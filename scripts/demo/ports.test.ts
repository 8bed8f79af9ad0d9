/**
 * The demo's ports: the simulator takes free ports by default (two demos side by side), a data
 * folder from an earlier run is pointed at the ports bound now, and a taken port is a one-line
 * error naming the variable to set (simulator, demo, daemon).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, openDatabases, ConfigStore } from '@ews/daemon';
import { demoInstallation } from '../sim/installations';
import { pointAtSimulator, startSimulator } from './harness';
import { PortError } from './ports';
import { seedFor } from './seed';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const catalog = loadCatalog();
const inst = demoInstallation();

/** Holds a port (any free one) until released. */
async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, release: () => new Promise((r) => server.close(() => r())) };
}

/** Runs a script with tsx; resolves with its exit code and output (killed after 60 s). */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

function assertOneLine(text: string, ...parts: RegExp[]): void {
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${text}`);
  for (const p of parts) assert.match(lines[0], p);
  assert.doesNotMatch(text, /\n\s+at /);
}

test('two simulators started with the defaults bind different free ports', async () => {
  const a = await startSimulator(catalog, inst);
  const b = await startSimulator(catalog, inst);
  try {
    const ports = [a.localRtuPort, ...Object.values(a.gatewayPorts), b.localRtuPort, ...Object.values(b.gatewayPorts)];
    assert.ok(ports.every((p) => p > 0), `${ports}`);
    assert.equal(new Set(ports).size, ports.length, `${ports}`);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a taken simulator port is a PortError naming its variable', async () => {
  const held = await holdPort();
  try {
    await assert.rejects(startSimulator(catalog, inst, { simRtuPort: held.port }), (err: Error) => {
      assert.ok(err instanceof PortError);
      assert.match(err.message, new RegExp(`port ${held.port} .*EADDRINUSE.*EWS_SIM_RTU_PORT`));
      return true;
    });
    await assert.rejects(startSimulator(catalog, inst, { simGatewayPort: held.port }), /EWS_SIM_GATEWAY_PORT/);
  } finally {
    await held.release();
  }
});

test('a data folder seeded with earlier simulator ports is pointed at the ports bound now', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-ports-'));
  const names = inst.buses.filter((b) => b.kind !== 'local').map((b) => b.name);
  const ports = (rtu: number, gw: number) => ({ localRtuPort: rtu, gatewayPorts: Object.fromEntries(names.map((n, i) => [n, gw + i])) });
  try {
    let dbs = openDatabases(dir);
    await new ConfigStore(dbs, catalog).applySeed(seedFor(inst, ports(15020, 15502)));
    await dbs.close();
    await pointAtSimulator(dir, catalog, seedFor(inst, ports(40001, 40100)));
    dbs = openDatabases(dir);
    const config = new ConfigStore(dbs, catalog);
    assert.equal(config.modbus().path, 'tcp://127.0.0.1:40001');
    const tcp = config.gateways().filter((g) => g.kind === 'tcp');
    assert.equal(tcp.length, names.length);
    assert.deepEqual(tcp.map((g) => g.port), names.map((_, i) => 40100 + i));
    assert.equal(config.devices().length, seedFor(inst, ports(1, 2)).devices!.length, 'devices kept');
    await dbs.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken port: one line and exit code 1 from the demo, the simulator and the daemon', async () => {
  const held = await holdPort();
  const dir = mkdtempSync(join(tmpdir(), 'ews-ports-'));
  try {
    const demo = await run(['scripts/demo.ts'], { EWS_PORT: String(held.port), EWS_DATA_DIR: join(dir, 'demo'), EWS_DEMO_MONTHS: '0' });
    assert.equal(demo.code, 1, demo.stderr);
    assertOneLine(demo.stderr, new RegExp(`port ${held.port} .*EADDRINUSE.*set EWS_PORT`));

    const sim = await run(['scripts/sim/main.ts', '--rtu-tcp-port', String(held.port)], {});
    assert.equal(sim.code, 1, sim.stderr);
    assertOneLine(sim.stderr, new RegExp(`port ${held.port} .*EADDRINUSE.*--rtu-tcp-port or EWS_SIM_RTU_PORT`));

    const daemon = await run(['daemon/src/main.ts'], { EWS_PORT: String(held.port), EWS_DATA_DIR: join(dir, 'daemon'), EWS_LOG: 'error' });
    assert.equal(daemon.code, 1, daemon.stdout + daemon.stderr);
    assertOneLine(daemon.stdout, /EADDRINUSE/, /EWS_PORT/);
  } finally {
    await held.release();
    rmSync(dir, { recursive: true, force: true });
  }
});
