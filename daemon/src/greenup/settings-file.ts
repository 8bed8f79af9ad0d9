/**
 * @module greenup/settings-file
 * `settings/GreenUpSettings.csv` of the history folder (HIST-2): Green'Up's settings (EV-1, EV-5)
 * and its charging stations with their default priority, written beside `EnergySettings.csv`
 * and `General.csv` when Green'Up exists (charging stations configured, or management set up).
 */
import { greenupSettingsSchema, deviceAddressLabel, type DeviceConfig, type GreenupSettings } from '@ews/shared';
import type { RootDatabase } from 'lmdb';

export const GREENUP_SETTINGS_FILE = 'GreenUpSettings.csv';

/** Does the installation have Green'Up: stations, or management configured. */
export function greenupExists(settings: GreenupSettings, devices: readonly DeviceConfig[]): boolean {
  return settings.enabled || settings.meterDeviceId !== null || devices.some((d) => d.family === 'evStation');
}

/** The rows of `GreenUpSettings.csv` (a header, the settings, then one row per station). */
export function greenupSettingsRows(settings: GreenupSettings, devices: readonly DeviceConfig[]): string[][] {
  const meter = settings.meterDeviceId === null ? undefined : devices.find((d) => d.id === settings.meterDeviceId);
  const rows: string[][] = [['Section', 'Setting', 'Value', 'Device ID', 'Name', 'Model', 'Modbus address', 'Priority', 'Enabled']];
  const setting = (name: string, value: string) => rows.push(["Green'Up", name, value, '', '', '', '', '', '']);
  setting('Automatic management', settings.enabled ? 'on' : 'off');
  setting('Total consumption meter', meter ? `${meter.id} ${meter.name}` : settings.meterDeviceId === null ? '' : String(settings.meterDeviceId));
  setting('Maximum current available (A)', String(settings.maxCurrentA));
  setting('Maximum current for charging (A)', String(settings.maxChargingCurrentA));
  setting('Hysteresis (%)', String(settings.hysteresisPct));
  setting('Reduction step 1 (%)', String(settings.step1Pct));
  setting('Reduction step 2 (%)', String(settings.step2Pct));
  setting('Minimum guaranteed charge (Ah)', String(settings.minGuaranteedAh));
  setting('Meter timeout (s)', String(settings.meterTimeoutMs / 1000));
  setting('Fail-safe current (A)', settings.failSafeCurrentA === null ? 'step 2 of each station' : String(settings.failSafeCurrentA));
  const priority = new Map(settings.priorities.map((p) => [p.deviceId, p.priority]));
  for (const d of [...devices].filter((x) => x.family === 'evStation').sort((a, b) => a.id - b.id)) {
    rows.push(['Station', '', '', String(d.id), d.name, d.model, deviceAddressLabel(d), priority.get(d.id) ?? 'normal', d.enabled ? 'yes' : 'no']);
  }
  return rows;
}

/** The history folder's settings-file source: `{GreenUpSettings.csv: rows}`, or nothing without Green'Up. */
export function greenupSettingsFile(settings: () => GreenupSettings, devices: () => readonly DeviceConfig[]): () => Record<string, string[][]> {
  return (): Record<string, string[][]> => {
    const s = settings();
    const list = devices();
    return greenupExists(s, list) ? { [GREENUP_SETTINGS_FILE]: greenupSettingsRows(s, list) } : {};
  };
}

/** The saved settings read straight from the store (a rebuild with the daemon stopped). */
export function storedGreenupSettings(root: RootDatabase): GreenupSettings | undefined {
  const saved = greenupSettingsSchema.safeParse(root.openDB<unknown, string>({ name: 'greenup' }).get('settings'));
  return saved.success ? saved.data : undefined;
}
