/**
 * @module config/document
 * The whole configuration as one document kept in LMDB (one key per part). Reads come from an
 * in-memory copy; every write builds a new document, validates it, and commits the changed
 * parts, the version and the audit entry in one transaction.
 */
import {
  DEFAULT_MODBUS_SETTINGS, DEFAULT_NETWORK, DEFAULT_TIME, LOCAL_GATEWAY_ID, PREDEFINED_LOADS,
  DEFAULT_COST_SETTINGS, DEFAULT_MQTT_SETTINGS, type MqttSettings,
  type Gateway, type DeviceConfig, type ModbusSettings, type NetworkSettings, type PanelBoard, type Load, type Group, type Edition,
  type CostSettings, type CostRule, type CostType, type Tariff,
} from '@ews/shared';

export interface StoredCsvSettings {
  decimalSeparator: '.' | ',';
  fieldSeparator: ',' | ';';
  /** scrypt hash of the history folder password (HIST-1 default `wsmeasure`). */
  folderPasswordHash: string | null;
  sampleRateMin: number;
  defaultLanguage: string;
  ftpEnabled?: boolean;
  ftpPort?: number;
}

export interface StoredTimeSettings {
  timezone: string;
  ntpEnabled: boolean;
  ntpServer: string;
}

/** Bill of consumptions (COST-1…4). */
export interface StoredCosts {
  settings: CostSettings;
  tariffs: Tariff[];
  /** Ordered cost rules per energy type: the first true rule gives the tariff. */
  rules: Record<CostType, CostRule[]>;
}

/** BEY-2: MQTT publishing (the password kept to log in to the broker, never answered) and /metrics access. */
export interface StoredInterop {
  mqtt: MqttSettings;
  metrics: { open: boolean; tokenHash: string | null };
}

export interface ConfigDocument {
  version: number;
  edition: Edition;
  modbus: ModbusSettings;
  network: NetworkSettings;
  time: StoredTimeSettings;
  csv: StoredCsvSettings;
  gateways: Gateway[];
  devices: DeviceConfig[];
  panelBoards: PanelBoard[];
  loads: Load[];
  groups: Group[];
  costs: StoredCosts;
  interop: StoredInterop;
}

export type ConfigPart = Exclude<keyof ConfigDocument, 'version'>;
export const CONFIG_PARTS: ConfigPart[] = ['edition', 'modbus', 'network', 'time', 'csv', 'gateways', 'devices', 'panelBoards', 'loads', 'groups', 'costs', 'interop'];
/** Parts whose change is structural (CFG-5: a new configuration version). */
export const STRUCTURAL_PARTS = new Set<ConfigPart>(['gateways', 'devices', 'panelBoards', 'loads', 'groups']);

export const LOCAL_GATEWAY: Gateway = {
  id: LOCAL_GATEWAY_ID, kind: 'local', name: 'Local', host: '127.0.0.1', port: 502, description: 'RS485 port of the box',
  panelBoardId: null, enabled: true, timeoutMs: 300,
};

export function defaultLoads(): Load[] {
  return [
    ...PREDEFINED_LOADS.map((l, i): Load => ({ id: l.id, remoteId: i + 1, name: l.name, kind: 'predefined', enabled: true })),
    { id: 'others', remoteId: 7, name: 'Others', kind: 'others', enabled: true },
    { id: 'water', remoteId: 8, name: 'Water', kind: 'water', enabled: true },
    { id: 'gas', remoteId: 9, name: 'Gas', kind: 'gas', enabled: true },
  ];
}

export function defaultDocument(): ConfigDocument {
  return {
    version: 1,
    edition: 'PM1WS255',
    modbus: DEFAULT_MODBUS_SETTINGS,
    network: DEFAULT_NETWORK,
    time: { ...DEFAULT_TIME },
    csv: { decimalSeparator: ',', fieldSeparator: ';', folderPasswordHash: null, sampleRateMin: 15, defaultLanguage: 'en' },
    gateways: [LOCAL_GATEWAY],
    devices: [],
    panelBoards: [],
    loads: defaultLoads(),
    groups: [],
    costs: defaultCosts(),
    interop: { mqtt: { ...DEFAULT_MQTT_SETTINGS }, metrics: { open: false, tokenHash: null } },
  };
}

export const defaultCosts = (): StoredCosts => ({ settings: { ...DEFAULT_COST_SETTINGS }, tariffs: [], rules: { electricity: [], gas: [], water: [] } });
