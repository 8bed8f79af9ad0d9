/**
 * pnpm demo:check — starts the demo on a fresh data folder and checks what a newcomer should
 * see: every simulated device "on" with plausible values, the silent address in "error" with
 * reason "timeout", live values that move, meter energy that increases between two reads
 * CHECK_WAIT_S (60) seconds apart, and the alarm log's own events: the box's start and the silent
 * address's communication error once the default delay (60 s) has passed (NOTE-5). Prints one JSON line and exits non-zero on a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlarmPage, DeviceSummary, LiveResponse } from '@ews/shared';
import { startDemo } from './harness';

const waitS = Number(process.env.CHECK_WAIT_S ?? 60);
const dataDir = mkdtempSync(join(tmpdir(), 'ews-check-'));
const demo = await startDemo({ dataDir, simRtuPort: 0, simGatewayPort: 0 });
const failures: string[] = [];
try {
  const login = await fetch(`${demo.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '99999', puk: '00000 9999 00000' }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const get = async <T>(path: string): Promise<T> => (await (await fetch(demo.url + path, { headers: { cookie } })).json()) as T;
  let devices: DeviceSummary[] = [];
  for (let i = 0; i < 60; i++) {
    devices = await get<DeviceSummary[]>('/api/devices');
    if (devices.every((d) => d.status !== 'error' || d.statusReason !== 'pending')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const silent = devices.filter((d) => d.status === 'error');
  const on = devices.filter((d) => d.status === 'on');
  if (silent.length !== 1 || silent[0].statusReason !== 'timeout') failures.push(`expected one silent device in timeout, got ${JSON.stringify(silent.map((d) => [d.name, d.statusReason]))}`);
  const meters = on.filter((d) => d.energyType === 'electricity');
  const first: Record<number, LiveResponse> = {};
  for (const d of on) first[d.id] = await get<LiveResponse>(`/api/devices/${d.id}/live`);
  for (const d of on) if (Object.keys(first[d.id].values).length === 0) failures.push(`${d.name}: no values`);
  const v = first[devices.find((d) => d.family === 'multifunction')!.id].values;
  const voltage = v.voltageL1V?.value as number;
  if (!(voltage > 200 && voltage < 260)) failures.push(`main meter voltage ${voltage} V`);
  await new Promise((r) => setTimeout(r, waitS * 1000));
  const increases: Record<string, number> = {};
  let moved = 0;
  for (const d of on) {
    const again = await get<LiveResponse>(`/api/devices/${d.id}/live`);
    if (Object.entries(again.values).some(([k, x]) => typeof x.value === 'number' && x.value !== first[d.id].values[k]?.value)) moved++;
    if (meters.includes(d)) {
      const e0 = first[d.id].values.activeEnergyImportWh?.value as number;
      const e1 = again.values.activeEnergyImportWh?.value as number;
      increases[d.name] = Math.round((e1 - e0) * 10) / 10;
      if (!(e1 >= e0)) failures.push(`${d.name}: energy went from ${e0} to ${e1}`);
    }
  }
  // NOTE-5: the demo shows alarms of its own: the silent address, after the default delay
  let alarms: AlarmPage['items'] = [];
  for (let i = 0; i < 40; i++) {
    alarms = (await get<AlarmPage>('/api/alarms?limit=50')).items;
    if (silent.length && alarms.some((a) => a.type === 'communication-error' && a.deviceId === silent[0].id)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!alarms.some((a) => a.type === 'box-started')) failures.push('no "box started" event in the alarm log');
  if (!silent.length || !alarms.some((a) => a.type === 'communication-error' && a.deviceId === silent[0].id)) failures.push(`no communication error of the silent address in the alarm log: ${JSON.stringify(alarms.map((a) => a.type))}`);
  const grew = Object.values(increases).filter((x) => x > 0).length;
  if (grew < meters.length * 0.8) failures.push(`energy grew on only ${grew} of ${meters.length} meters`);
  if (moved < on.length * 0.8) failures.push(`values moved on only ${moved} of ${on.length} devices`);
  console.log(JSON.stringify({
    metric: 'demoCheck', devices: devices.length, on: on.length, silent: silent.map((d) => ({ name: d.name, address: d.addressLabel, reason: d.statusReason })),
    alarms: alarms.map((a) => ({ type: a.type, device: a.deviceName, message: a.message })), valuesMoved: moved, energyIncreaseWhOver: `${waitS}s`, increases, mainVoltageL1V: voltage, failures,
  }));
} finally {
  await demo.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failures.length ? 1 : 0);
