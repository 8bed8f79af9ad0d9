/**
 * @module config
 * The installation's configuration as the daemon persists it and the API exposes it (SPEC §1–2).
 */
import { z } from 'zod';
import { familySchema } from './catalog';
import { BAUD_RATES, MAX_GROUPS_PER_DEVICE } from './constants';

export const LOCAL_GATEWAY_ID = 'local';

export const paritySchema = z.enum(['none', 'even', 'odd']);
export type Parity = z.infer<typeof paritySchema>;


const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipv4Address = z.string().regex(IPV4_RE, 'an IPv4 address such as 0.0.0.0 or 192.168.1.100');
/** An IPv4 address or network in CIDR notation (`192.168.1.0/24`). */
export const cidrSchema = z.string().refine((s) => {
  const [ip, bits, ...rest] = s.split('/');
  return rest.length === 0 && IPV4_RE.test(ip) && (bits === undefined || (/^\d{1,2}$/.test(bits) && Number(bits) <= 32));
}, 'an IPv4 address or network such as 192.168.1.0/24');

/** BUS-2 Modbus settings of the Local RS485 port, and the MS-1 Modbus TCP server. */
export const modbusSettingsSchema = z.object({
  /**
   * The RS485 port: a device path (`/dev/ttyS1`, `/dev/ttyUSB0`) or `tcp://host:port` for a
   * remote serial port carrying raw RTU frames (ser2net style; the demo uses it).
   */
  path: z.string().min(1).max(200),
  baudRate: z.number().int().refine((b) => (BAUD_RATES as readonly number[]).includes(b), { message: `one of ${BAUD_RATES.join(', ')}` }),
  parity: paritySchema,
  stopBits: z.union([z.literal(1), z.literal(2)]),
  timeoutMs: z.number().int().min(20).max(5000),
  /** Further attempts after a failed transaction (BUS-4: retries with a limit). */
  retries: z.number().int().min(0).max(5),
  /** Extra silence after each reply before the next request, on top of t3.5. */
  interFrameDelayMs: z.number().min(0).max(500),
  /** MS-1: the Modbus TCP server (gateway to the Local bus, slave unit 247), started and stopped live. */
  tcpServer: z.boolean(),
  /** Its TCP port (502 on the box: the systemd unit grants only that privileged port). */
  tcpPort: z.number().int().min(1).max(65535),
  /** The address it listens on (`0.0.0.0`: every interface). */
  tcpBind: ipv4Address,
  /** Client addresses allowed (`192.168.1.0/24`, `10.0.0.7`); empty: any client. */
  tcpAllow: z.array(cidrSchema).max(32, 'at most 32 entries'),
  /** Concurrent client connections; more are refused at once. */
  tcpMaxConnections: z.number().int().min(1).max(64),
  /** Gateway function: pass write function codes (05, 06, 15, 16) to Local devices. Off: exception 01. */
  tcpGatewayWrites: z.boolean(),
});
export type ModbusSettings = z.infer<typeof modbusSettingsSchema>;
/** `PUT /api/settings/modbus`: the fields to change (the others keep their value). */
export const modbusSettingsPatchSchema = modbusSettingsSchema.partial().strict();
export type ModbusSettingsPatch = z.input<typeof modbusSettingsPatchSchema>;

export const DEFAULT_MODBUS_SETTINGS: ModbusSettings = {
  path: '/dev/ttyS1', baudRate: 19200, parity: 'even', stopBits: 1, timeoutMs: 300, retries: 1,
  interFrameDelayMs: 0, tcpServer: false, tcpPort: 502, tcpBind: '0.0.0.0', tcpAllow: [], tcpMaxConnections: 8, tcpGatewayWrites: false,
};

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'an IPv4 address such as 192.168.1.20');

/** MS-1 Remote IDs: 1XXXX a device, 2YYYY a load, 3ZZZZ a measure group, 29999 the total. */
export function isRemoteId(n: number): boolean {
  return Number.isInteger(n) && n >= 10001 && n <= 39999 && n % 10000 !== 0;
}
export const remoteIdSchema = z.number().int().refine(isRemoteId, 'a Remote ID: 1XXXX (device), 2YYYY (load), 3ZZZZ (group) or 29999 (All)');
const hostSchema = z.union([ipv4, z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'an IPv4 address or host name')]);

export const gatewaySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  kind: z.enum(['local', 'tcp']),
  name: z.string().trim().min(1).max(40),
  /** IP gateways only; the Local gateway is 127.0.0.1 and cannot be edited (BUS-1). */
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(502),
  description: z.string().max(200).default(''),
  panelBoardId: z.string().nullable().default(null),
  enabled: z.boolean().default(true),
  timeoutMs: z.number().int().min(20).max(10000).default(1000),
  /** EQ-1: the device of this gateway whose supply is checked against EN 50160 every week. */
  eqDeviceId: z.number().int().min(1).max(9999).nullable().optional(),
});
export type Gateway = z.infer<typeof gatewaySchema>;

export const genericRegisterSchema = z.object({
  fn: z.union([z.literal(3), z.literal(4)]),
  /** Register address (the UI shows and accepts hex). */
  address: z.number().int().min(0).max(0xffff),
  words: z.union([z.literal(1), z.literal(2), z.literal(4)]),
  /** Wh per raw unit. */
  factor: z.number().positive(),
});
export type GenericRegister = z.infer<typeof genericRegisterSchema>;

export const deviceConfigSchema = z.object({
  /** Permanent numeric ID (CSV folders, Remote ID 1XXXX). */
  id: z.number().int().min(1).max(9999),
  gatewayId: z.string(),
  family: familySchema,
  model: z.string().min(1),
  address: z.number().int().min(1).max(247),
  position: z.number().int().min(1).max(32).optional(),
  side: z.enum(['A', 'B']).optional(),
  phase: z.enum(['L1', 'L2', 'L3']).optional(),
  supply: z.enum(['upstream', 'downstream']).default('upstream'),
  name: z.string().trim().max(40),
  enabled: z.boolean().default(true),
  generic: genericRegisterSchema.optional(),
  loadId: z.string().nullable().default(null),
  groupIds: z.array(z.string()).max(MAX_GROUPS_PER_DEVICE).default([]),
  excludeFromTotals: z.boolean().default(false),
  excludeAlerts: z.boolean().default(false),
  /** Custom labels of inputs/outputs (M7TIC/IO, M7TICPROG, F80BVS, F80BC), by register key. */
  labels: z.record(z.string(), z.string().max(40)).default({}),
  /** WSMEASURE (MS-3): the Remote ID read on the slave web server (1XXXX, 2YYYY, 3ZZZZ, 29999 = All). */
  remoteAddress: remoteIdSchema.optional(),
});
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type DeviceConfigInput = z.input<typeof deviceConfigSchema>;

/**
 * The address as the UI shows it: `address`, `address-position`, `address-side`, `247-<remote id>`;
 * an EMS module behind its F80BIM1 interface (`module`) shows `module-interface` (e.g. `2-1`, CAT-1).
 */
export function deviceAddressLabel(d: Pick<DeviceConfig, 'address' | 'position' | 'side'> & { remoteAddress?: number | undefined }, module = false): string {
  if (d.remoteAddress !== undefined) return `${d.address}-${d.remoteAddress}`;
  if (d.position !== undefined) return module ? `${d.position}-${d.address}` : `${d.address}-${d.position}`;
  if (d.side !== undefined) return `${d.address}-${d.side}`;
  return String(d.address);
}

/** A device to create: the permanent ID is given by the box when absent. */
export type NewDeviceInput = Omit<DeviceConfigInput, 'id'> & { id?: number };
