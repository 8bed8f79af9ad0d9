import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash } from './router';
import { formatHex, parseHex } from './hex';

test('configuration routes', () => {
  assert.deepEqual(parseHash('#/system'), { name: 'system' });
  assert.deepEqual(parseHash('#/system/gateways'), { name: 'gateways' });
  assert.deepEqual(parseHash('#/system/gateways/new'), { name: 'gateways', gatewayId: 'new' });
  assert.deepEqual(parseHash('#/system/gateways/gw-1'), { name: 'gateways', gatewayId: 'gw-1' });
  assert.deepEqual(parseHash('#/system/gateways/local/devices'), { name: 'devices', gatewayId: 'local' });
  assert.deepEqual(parseHash('#/system/gateways/local/devices/new'), { name: 'devices', gatewayId: 'local', deviceId: 'new' });
  assert.deepEqual(parseHash('#/system/gateways/gw-2/devices/12/'), { name: 'devices', gatewayId: 'gw-2', deviceId: 12 });
  assert.deepEqual(parseHash('#/system/gateways/gw-2/scan'), { name: 'scan', gatewayId: 'gw-2' });
  assert.deepEqual(parseHash('#/system/loads'), { name: 'structure', kind: 'loads' });
  assert.deepEqual(parseHash('#/system/panelboards'), { name: 'structure', kind: 'panelboards' });
  assert.deepEqual(parseHash('#/system/audit'), { name: 'audit' });
  assert.deepEqual(parseHash('#/settings'), { name: 'settings' });
  assert.deepEqual(parseHash('#/settings/time'), { name: 'setting', section: 'time' });
  assert.deepEqual(parseHash('#/settings/users'), { name: 'users' });
  assert.deepEqual(parseHash('#/change-codes'), { name: 'changeCodes' });
  for (const bad of ['#/system/nope', '#/system/gateways/gw-1/devices/x', '#/settings/time/x', '#/system/gateways/a/b/c/d/e']) {
    assert.deepEqual(parseHash(bad), { name: 'notFound' }, bad);
  }
  // The routes that existed before keep working.
  assert.deepEqual(parseHash('#/panel/7'), { name: 'measure', deviceId: 7 });
  assert.deepEqual(parseHash(''), { name: 'home' });
});

test('generic register in hexadecimal', () => {
  assert.equal(parseHex('0x1A2B'), 0x1a2b);
  assert.equal(parseHex('1a2b'), 0x1a2b);
  assert.equal(parseHex(' 1A2Bh '), 0x1a2b);
  assert.equal(parseHex('0'), 0);
  assert.equal(parseHex('FFFF'), 0xffff);
  for (const bad of ['', '0x', '10000', 'G1', '12 34', '-1']) assert.ok(Number.isNaN(parseHex(bad)), bad);
  assert.equal(formatHex(0x1a), '0x001A');
  assert.equal(parseHex(formatHex(0xbeef)), 0xbeef);
});
