/**
 * @module interop
 * The box talks to others (MS-1…3, BEY-2): the register map of the Modbus TCP slave function
 * (unit 247), which the master side (WSMEASURE devices) reads too; the MQTT and Prometheus
 * settings; their routes, spread into the endpoints table with one line.
 */
import { z } from 'zod';
import type { Right } from './roles';
import { isRemoteId } from './config';
import { SLAVE_UNIT_ID, TOTAL_REMOTE_ID } from './constants';
import type { ResolvedRegister } from './catalog';

// #region slave register map (MS-1 b)
/** Holding registers per Remote ID. */
export const SLAVE_BLOCK_WORDS = 8;
/** Highest XXXX / YYYY / ZZZZ the map has room for. */
export const SLAVE_MAP_LIMITS = { device: 4999, load: 999, group: 1999 } as const;

/**
 * Where a Remote ID's block starts (holding registers, 0-based protocol address), or undefined
 * when the map has no room for it. Blocks are 8 words, index × 8:
 * - 29999 (All) → index 0 (address 0)
 * - 1XXXX device, XXXX 1…4999 → index XXXX (address 8 × XXXX)
 * - 2YYYY load, YYYY 1…999 → index 5000 + YYYY
 * - 3ZZZZ group, ZZZZ 1…1999 → index 6000 + ZZZZ
 */
export function slaveBlockAddress(remoteId: number): number | undefined {
  if (!isRemoteId(remoteId)) return undefined;
  if (remoteId === TOTAL_REMOTE_ID) return 0;
  const kind = Math.floor(remoteId / 10000);
  const n = remoteId % 10000;
  if (kind === 1 && n <= SLAVE_MAP_LIMITS.device) return SLAVE_BLOCK_WORDS * n;
  if (kind === 2 && n <= SLAVE_MAP_LIMITS.load) return SLAVE_BLOCK_WORDS * (5000 + n);
  if (kind === 3 && n <= SLAVE_MAP_LIMITS.group) return SLAVE_BLOCK_WORDS * (6000 + n);
  return undefined;
}

/** The Remote ID whose block holds `address`, and the word's offset in it. */
export function remoteIdAt(address: number): { remoteId: number; offset: number } | undefined {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) return undefined;
  const index = Math.floor(address / SLAVE_BLOCK_WORDS);
  const offset = address % SLAVE_BLOCK_WORDS;
  if (index === 0) return { remoteId: TOTAL_REMOTE_ID, offset };
  if (index <= SLAVE_MAP_LIMITS.device) return { remoteId: 10000 + index, offset };
  if (index > 5000 && index <= 5000 + SLAVE_MAP_LIMITS.load) return { remoteId: 20000 + index - 5000, offset };
  if (index > 6000 && index <= 6000 + SLAVE_MAP_LIMITS.group) return { remoteId: 30000 + index - 6000, offset };
  return undefined;
}

/** Offsets inside a block. */
export const SLAVE_BLOCK = {
  /** Positive active energy in Wh, unsigned 64-bit, most significant word first (4 words). */
  energyWh: 0,
  /** Slot the energy belongs to: Unix time in seconds, unsigned 32-bit (2 words). */
  slotTimeS: 4,
  /** Devices of the Remote ID not answering now (0: all answer). */
  devicesDown: 6,
  /** The Remote ID again (a check for the reader). */
  remoteId: 7,
} as const;

/** The documentation of the map, for the README and the OpenAPI description. */
export const SLAVE_MAP_DOC = `Modbus TCP slave function (MS-1), unit id ${SLAVE_UNIT_ID}, function 03 (04 answers the same map). `
  + `Each Remote ID has a block of ${SLAVE_BLOCK_WORDS} holding registers (0-based protocol addresses): `
  + `29999 (All) at 0; device 1XXXX (XXXX 1-${SLAVE_MAP_LIMITS.device}) at 8 x XXXX; load 2YYYY (YYYY 1-${SLAVE_MAP_LIMITS.load}) at 8 x (5000 + YYYY); `
  + `group 3ZZZZ (ZZZZ 1-${SLAVE_MAP_LIMITS.group}) at 8 x (6000 + ZZZZ). Block words: +0..+3 positive active energy in Wh, unsigned 64-bit, big-endian `
  + `(the stored corrected counter at the last sample slot), +4..+5 that slot's Unix time in seconds (u32), +6 devices of the Remote ID not answering now, `
  + '+7 the Remote ID. A read touching a Remote ID that does not exist (or has no active energy) answers exception 02; one whose value is not stored yet, exception 0B.';

/** The WSMEASURE register the master reads for a Remote ID (the energy of the block). */
export function wsmeasureRegisters(remoteId: number): ResolvedRegister[] {
  const address = slaveBlockAddress(remoteId);
  if (address === undefined) return [];
  return [{
    key: 'activeEnergyImportWh', address: address + SLAVE_BLOCK.energyWh, fn: 3, type: 'u64', words: 4, scale: 1,
    unit: 'Wh', group: 'energy', label: 'Active energy +', phase: 'total', counter: 'activeEnergyImport', statistic: false,
  }];
}
// #endregion

// #region API
export const slaveEntrySchema = z.object({
  remoteId: z.number().int(),
  /** First holding register of the block (0-based). */
  address: z.number().int(),
  /** `device:<id>`, `load:<id>`, `group:<id>` or `total`. */
  scope: z.string(),
  name: z.string(),
  /** null: no value stored yet (a read answers exception 0B). */
  energyWh: z.number().nullable(),
  slotTime: z.string().nullable(),
  devicesDown: z.number().int(),
});
export type SlaveEntry = z.infer<typeof slaveEntrySchema>;
export const slaveMapSchema = z.object({
  unitId: z.number().int(),
  running: z.boolean(),
  /** Where it listens when running. */
  listening: z.string().nullable(),
  connections: z.number().int(),
  entries: z.array(slaveEntrySchema),
});
export type SlaveMap = z.infer<typeof slaveMapSchema>;

const hostName = z.string().trim().regex(/^[A-Za-z0-9.:-]{1,253}$/, 'a host name or IP address');
const topicSchema = z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a topic such as ews or site/ews (no + or #)').max(100);

const mqttFields = {
  enabled: z.boolean(),
  host: hostName,
  port: z.number().int().min(1).max(65535),
  tls: z.boolean(),
  user: z.string().max(100),
  /** Write-only; an empty string clears it. */
  password: z.string().max(200).optional(),
  baseTopic: topicSchema,
  /** Home Assistant MQTT discovery (under `homeassistant/`). */
  discovery: z.boolean(),
  discoveryPrefix: topicSchema,
};
/** `PUT /api/settings/mqtt`: the fields to change (the others keep their value). */
export const mqttSettingsPatchSchema = z.object(mqttFields).partial().strict();
export type MqttSettingsPatch = z.input<typeof mqttSettingsPatchSchema>;
/** The MQTT settings as answered: the password only says whether it is set; `state` is the connection's. */
export const mqttSettingsAnswerSchema = z.object({
  enabled: z.boolean(), host: z.string(), port: z.number().int(), tls: z.boolean(), user: z.string(),
  passwordSet: z.boolean(), baseTopic: z.string(), discovery: z.boolean(), discoveryPrefix: z.string(),
  state: z.enum(['off', 'connecting', 'connected', 'error']),
  lastError: z.string().optional(),
});
export type MqttSettingsAnswer = z.infer<typeof mqttSettingsAnswerSchema>;
export interface MqttSettings {
  enabled: boolean; host: string; port: number; tls: boolean; user: string; password: string;
  baseTopic: string; discovery: boolean; discoveryPrefix: string;
}
export const DEFAULT_MQTT_SETTINGS: MqttSettings = {
  enabled: false, host: '127.0.0.1', port: 1883, tls: false, user: '', password: '', baseTopic: 'ews', discovery: true, discoveryPrefix: 'homeassistant',
};

/** `PUT /api/settings/metrics`: `open` serves /metrics without a token (LAN); a token is write-only. */
export const metricsSettingsPatchSchema = z.object({
  open: z.boolean(),
  /** Bearer token for scrapers (16–128 characters); an empty string removes it. */
  token: z.union([z.literal(''), z.string().min(16, 'at least 16 characters').max(128)]),
}).partial().strict();
export const metricsSettingsAnswerSchema = z.object({ open: z.boolean(), tokenSet: z.boolean() });
export type MetricsSettingsAnswer = z.infer<typeof metricsSettingsAnswerSchema>;

export const interopEndpoints = {
  'GET /api/modbus/slave': { summary: 'The Modbus TCP slave function: its Remote IDs, their registers and the values served now', description: SLAVE_MAP_DOC, right: 'webServerConfig' as Right, response: slaveMapSchema },
  'GET /api/settings/mqtt': { summary: 'MQTT publishing and Home Assistant discovery (BEY-2); the password is write-only', right: 'webServerConfig' as Right, response: mqttSettingsAnswerSchema },
  'PUT /api/settings/mqtt': { summary: 'Change the MQTT settings (applied at once: reconnects)', right: 'webServerConfig' as Right, body: mqttSettingsPatchSchema, response: mqttSettingsAnswerSchema },
  'GET /api/settings/metrics': { summary: 'Access to /metrics (Prometheus exposition): open on the LAN, or a bearer token', right: 'webServerConfig' as Right, response: metricsSettingsAnswerSchema },
  'PUT /api/settings/metrics': { summary: 'Change the access to /metrics (the token is write-only)', right: 'webServerConfig' as Right, body: metricsSettingsPatchSchema, response: metricsSettingsAnswerSchema },
} as const;
// #endregion
/** What the daemon receives after parsing (defaults applied). */
export type MqttSettingsUpdate = z.output<typeof mqttSettingsPatchSchema>;
export type MetricsSettingsUpdate = z.output<typeof metricsSettingsPatchSchema>;
