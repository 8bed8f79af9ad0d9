/**
 * The real serialport code path: the daemon's Local gateway opens one end of a socat pty pair,
 * the simulator serves the other at 19200 8E1. Faults are reported with their reason, and
 * "unplugging" (socat killed, both ptys vanish) never crashes the daemon, which reopens the
 * port once it is back.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceSummary } from '@ews/shared';
import { SimBus } from '../../scripts/sim/bus';
import { serveRtuOverSerial } from '../../scripts/sim/serve-rtu';
import { createPtyPair, socatAvailable, type PtyPair } from '../../scripts/sim/pty';
import { startRig, slave, waitFor, type Rig } from './rig';

const skip = socatAvailable() ? false : 'socat is not installed (apt-get install socat)';
const line = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;
const dir = mkdtempSync(join(tmpdir(), 'ews-pty-'));
const links = { linkA: join(dir, 'daemon-side'), linkB: join(dir, 'sim-side') };
const sim = new SimBus({ turnaroundMs: 2 });
sim.add(slave('energyCounter', 'F41DM63', 1)).add(slave('energyCounter', 'F21DM63', 2));
let pair: PtyPair | undefined;
let serial: { close(): Promise<void> } | undefined;
let rig: Rig | undefined;

before(async () => {
  if (skip) return;
  pair = await createPtyPair(links);
  serial = await serveRtuOverSerial(sim, pair.b, line, { reopenMs: 100 });
  rig = await startRig({
    modbus: { path: pair.a, ...line, timeoutMs: 150 },
    devices: [
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 1, name: 'P1' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'P2' },
    ],
  });
});
after(async () => {
  await rig?.stop();
  await serial?.close();
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

const devices = async () => (await rig!.api<DeviceSummary[]>('/api/devices')).body;
const dev = async (a: number) => (await devices()).find((d) => d.address === a)!;

test('over a real pty: faults are reported with their reason and recover', { skip }, async () => {
  await waitFor('all on', async () => (await devices()).every((d) => d.status === 'on'));
  for (const [fault, reason] of [[{ kind: 'noReply' }, 'timeout'], [{ kind: 'badCrc' }, 'crc']] as const) {
    sim.setFault(2, fault);
    await waitFor(reason, async () => (await dev(2)).statusReason === reason);
    assert.equal((await dev(1)).status, 'on');
    sim.setFault(2, null);
    await waitFor('recovered', async () => (await dev(2)).status === 'on');
  }
});

test('over a real pty: unplug and replug without a crash', { skip }, async () => {
  await pair!.close();
  await waitFor('error: closed', async () => (await devices()).every((d) => d.status === 'error' && (d.statusReason === 'closed' || d.statusReason === 'unreachable')));
  assert.equal((await rig!.api<{ ok: boolean }>('/api/health')).body.ok, true);
  await new Promise((r) => setTimeout(r, 800));
  pair = await createPtyPair(links);
  await waitFor('all on again', async () => (await devices()).every((d) => d.status === 'on'), 30_000);
});
