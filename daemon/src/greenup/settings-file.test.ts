/**
 * `settings/GreenUpSettings.csv` (HIST-2): written only when Green'Up exists; lists the settings
 * and every charging station with its default priority (stations configured through the real
 * configuration store).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GREENUP_SETTINGS } from '@ews/shared';
import { tempStore } from '../store/history/testkit';
import { ConfigStore } from '../config/index';
import { loadCatalog } from '../catalog/index';
import { greenupSettingsFile, GREENUP_SETTINGS_FILE } from './index';

test('GreenUpSettings.csv: absent without Green\'Up, then the settings and the stations with their priority', async () => {
  const t = tempStore();
  try {
    const config = new ConfigStore(t.dbs, loadCatalog());
    await config.applySeed({ devices: [{ gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', address: 2, name: 'Meter' }] });
    let settings = DEFAULT_GREENUP_SETTINGS;
    const file = greenupSettingsFile(() => settings, () => config.devices());
    assert.deepEqual(file(), {}, 'no station, management never set up: no file');
    await config.createDevice({ gatewayId: 'local', family: 'evStation', model: 'greenup-2s-1p', address: 13, side: 'A', phase: 'L1', name: 'Bay 13A' }, 'test');
    await config.createDevice({ gatewayId: 'local', family: 'evStation', model: 'greenup-premium-3p', address: 11, name: 'Bay 11' }, 'test');
    const [a, b] = config.devices().filter((d) => d.family === 'evStation');
    settings = { ...DEFAULT_GREENUP_SETTINGS, priorities: [{ deviceId: b.id, priority: 'priority' }] };
    const rows = file()[GREENUP_SETTINGS_FILE];
    assert.ok(rows, 'stations configured: the file exists');
    assert.deepEqual(rows.find((r) => r[1] === 'Automatic management'), ["Green'Up", 'Automatic management', 'off', '', '', '', '', '', '']);
    const stations = rows.filter((r) => r[0] === 'Station');
    assert.deepEqual(stations.map((r) => [r[3], r[4], r[6], r[7]]).sort(), [
      [String(a.id), 'Bay 13A', '13-A', 'normal'], [String(b.id), 'Bay 11', '11', 'priority'],
    ].sort());
  } finally { await t.dispose(); }
});
