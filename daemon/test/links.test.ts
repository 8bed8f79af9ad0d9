/**
 * DEV-4 over the simulated bus: the links between EMS modules are read from their F80BIM1
 * interface, both ends named from the configuration (name, function, gateway, module-interface
 * address), errors flagged (the interface reports one, or a module is not configured), and the
 * devices concerned carry the link mark.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSummary, LinksView } from '@ews/shared';
import { createMemoryPipe } from '../src/modbus/memory-link';
import { SimBus } from '../../scripts/sim/bus';
import { attachRtuEndpoint } from '../../scripts/sim/serve-rtu';
import { combineSlaves } from '../../scripts/sim/slave';
import { linkTableSlave } from '../../scripts/sim/ems-links';
import { CODES, slave, startRig, waitFor, type Rig } from './rig';

const sim = new SimBus();
const pipe = createMemoryPipe({ name: 'links-rs485' });
attachRtuEndpoint(sim, pipe.slave);
sim.add(combineSlaves(4, [
  slave('ems', 'F80BCR', 4, { position: 1 }), slave('ems', 'F80BCS', 4, { position: 2 }), slave('ems', 'F80BVS', 4, { position: 3 }),
  linkTableSlave(4, [{ source: 1, target: 2 }, { source: 3, target: 2, status: 1 }, { source: 1, target: 7 }]),
]));
sim.add(slave('energyCounter', 'F41DM63', 9));

let rig: Rig;
before(async () => {
  rig = await startRig({
    linkFactory: (g) => (g.kind === 'local' ? pipe.master : undefined),
    devices: [
      { gatewayId: 'local', family: 'ems', model: 'F80BCR', address: 4, position: 1, name: 'Trip contact' },
      { gatewayId: 'local', family: 'ems', model: 'F80BCS', address: 4, position: 2, name: 'Lighting contactor' },
      { gatewayId: 'local', family: 'ems', model: 'F80BVS', address: 4, position: 3, name: 'Door state' },
      { gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', address: 9, name: 'Meter' },
    ],
  });
});
after(async () => { await rig?.stop(); });

test('the links are read from the interface with both ends named, errors flagged', async () => {
  const r = await rig.api<LinksView>('/api/links');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.unreadable, []);
  const [first, second, third] = r.body.links;
  assert.equal(r.body.links.length, 3);
  assert.deepEqual(
    [first.source.name, first.source.address, first.source.function, first.source.gateway, first.target.name, first.target.address, first.ok],
    ['Trip contact', '1-4', 'EMS CX3 signalling auxiliary contact CA+SD F80BCR', 'Local', 'Lighting contactor', '2-4', true],
  );
  assert.equal(second.ok, false);
  assert.match(second.error ?? '', /does not answer/);
  assert.equal(third.ok, false);
  assert.equal(third.target.deviceId, null);
  assert.match(third.error ?? '', /7-4 is not configured/);

  const user = rig.client();
  await user.login(...CODES.user);
  assert.equal((await user('/api/links')).status, 403);
});

test('the devices concerned carry the link mark', async () => {
  const list = await waitFor('link marks', async () => {
    const l = (await rig.api<DeviceSummary[]>('/api/devices')).body;
    return l.some((d) => d.linked) ? l : false;
  });
  const marked = list.filter((d) => d.linked).map((d) => d.name).sort();
  assert.deepEqual(marked, ['Door state', 'Lighting contactor', 'Trip contact']);
});
