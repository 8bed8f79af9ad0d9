/**
 * CAT-3 scan on an RS485 line with line timing (an in-memory line at 19200 8E1 that charges each
 * frame its wire time, t3.5 and the slaves' turnaround): an empty address costs one short probe
 * (no retry), an address that answers slower than the probe's budget is found by its late bytes
 * and probed again with the full timeout, a CRC error is probed again, concentrator inputs come
 * in order, and the probe budget follows the baud rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MODBUS_SETTINGS, LOCAL_GATEWAY_ID, type Gateway, type ScanState } from '@ews/shared';
import { createMemoryPipe, type LineSettings } from '../src/modbus/index';
import { GatewayManager } from '../src/gateways/index';
import { Scanner, probeReplyStartMs, PROBE_TURNAROUND_MS } from '../src/scan/index';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { combineSlaves, createSimSlave } from '../../scripts/sim/slave';
import { catalog } from './rig';

const line: LineSettings = { baudRate: 19200, parity: 'even', stopBits: 1 };
const LOCAL: Gateway = { id: LOCAL_GATEWAY_ID, kind: 'local', name: 'Local', host: '127.0.0.1', port: 502, description: '', panelBoardId: null, enabled: true, timeoutMs: 1000 };

test('the probe budget: t3.5 + turnaround + the probe reply on the wire + margin, from the baud rate', () => {
  assert.equal(probeReplyStartMs(line), 35);
  assert.ok(probeReplyStartMs({ ...line, baudRate: 9600 }) > probeReplyStartMs(line), 'slower line, longer wait');
  assert.ok(probeReplyStartMs({ ...line, baudRate: 38400 }) < probeReplyStartMs(line));
  assert.ok(probeReplyStartMs(line, PROBE_TURNAROUND_MS + 30) === probeReplyStartMs(line) + 30);
  // far below the 300 ms response timeout: 247 empty addresses in ~12 s instead of ~76 s
  assert.ok(247 * (probeReplyStartMs(line) + 8 * 11_000 / 19200 + 2) < 13_000);
});

test('scan of a timed line: one probe per empty address, slow and noisy slaves probed again, inputs in order', { timeout: 60_000 }, async () => {
  const sim = new SimBus({ turnaroundMs: 3 });
  const pipe = createMemoryPipe({ line, name: 'scan-line' });
  attachRtuEndpoint(sim, pipe.slave, { line, turnaroundMs: 3 });
  const model = (family: string, name: string) => catalog.require(family, name);
  sim.add(createSimSlave(model('multifunction', 'F3N200'), { address: 2, seed: 2 }));
  sim.add(createSimSlave(model('energyCounter', 'F41DM63'), { address: 5, seed: 5 }));
  // answers 60 ms late: past the probe's budget, well within the 300 ms timeout
  sim.add(createSimSlave(model('energyCounter', 'F21DM63'), { address: 9, seed: 9 }));
  sim.setFault(9, { kind: 'slow', delayMs: 60 });
  // a bad CRC on this one (the retry gets the same: it stays unrecognised, but is looked at twice)
  sim.add(createSimSlave(model('energyCounter', 'F41DM63'), { address: 12, seed: 12 }));
  sim.setFault(12, { kind: 'badCrc' });
  sim.add(combineSlaves(15, [
    createSimSlave(model('pulseCounter', 'pulse-gas'), { address: 15, seed: 1, position: 3 }),
    createSimSlave(model('pulseCounter', 'pulse-water'), { address: 15, seed: 2, position: 1 }),
    createSimSlave(model('pulseCounter', 'pulse-electricity'), { address: 15, seed: 3, position: 2 }),
  ]));
  const gateways = new GatewayManager({ ...DEFAULT_MODBUS_SETTINGS, ...line, timeoutMs: 300, retries: 1 }, { linkFactory: () => pipe.master });
  await gateways.sync([LOCAL]);
  const scanner = new Scanner(gateways, catalog);
  try {
    const started = scanner.start('local', { from: 1, to: 20 });
    assert.equal(started.probeReplyStartMs, probeReplyStartMs(line));
    let s: ScanState = started;
    for (let i = 0; i < 600 && s.state === 'running'; i++) { await new Promise((r) => setTimeout(r, 50)); s = scanner.get(started.id); }
    assert.equal(s.state, 'done');
    assert.equal(s.done, 20);
    assert.deepEqual(s.found.map((f) => `${f.address}${f.position ? `-${f.position}` : ''}:${f.model}`), [
      '2:F3N200', '5:F41DM63', '9:F21DM63', '15-1:pulse-water', '15-2:pulse-electricity', '15-3:pulse-gas',
    ]);
    const probes = [1, 3, 4, 6, 7, 14, 16, 20].map((a) => [a, sim.requestCount(a)]);
    // (a host that stalls past a probe's budget may cost one empty address a second look, no more)
    assert.ok(probes.filter(([, n]) => n !== 1).length <= 1, `one probe per empty address: ${JSON.stringify(probes)}`);
    assert.ok(sim.requestCount(12) >= 2, 'the CRC error is probed again');
    assert.ok(s.retried >= 2, `probed again: ${s.retried}`);
    assert.ok(s.elapsedMs > 0);
  } finally {
    await gateways.stop();
  }
});
