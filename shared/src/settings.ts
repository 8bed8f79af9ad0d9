/**
 * @module settings
 * Web server configuration (SPEC §13, HIST-1, STO-1): network, date and time, CSV and other
 * settings. Secrets (the history folder password) are write-only: answers say only whether set.
 */
import { z } from 'zod';
import { LANGUAGES, SAMPLE_RATES_MIN } from './constants';

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'an IPv4 address such as 192.168.1.100');

function isNetmask(m: string): boolean {
  const n = m.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const inv = ~n >>> 0;
  return (inv & (inv + 1)) === 0 && n !== 0;
}

export const networkSettingsSchema = z.object({
  address: ipv4,
  netmask: ipv4.refine(isNetmask, 'not a valid netmask (e.g. 255.255.255.0)'),
  gateway: ipv4,
  dns: ipv4,
}).strict();
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;
export const DEFAULT_NETWORK: NetworkSettings = { address: '192.168.1.100', netmask: '255.255.255.0', gateway: '192.168.1.1', dns: '192.168.1.1' };

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

export const timeSettingsSchema = z.object({
  timezone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Paris'),
  ntpEnabled: z.boolean().default(true),
  ntpServer: z.string().trim().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name or IP address').default('pool.ntp.org'),
  /** Set the clock by hand (only when NTP is off): ISO date-time. */
  dateTime: z.iso.datetime({ offset: true, local: true }).optional(),
}).strict();
export type TimeSettings = z.infer<typeof timeSettingsSchema>;
export const DEFAULT_TIME: Omit<TimeSettings, 'dateTime'> = { timezone: 'Europe/Paris', ntpEnabled: true, ntpServer: 'pool.ntp.org' };


export const csvSettingsSchema = z.object({
  decimalSeparator: z.enum(['.', ',']).default(','),
  fieldSeparator: z.enum([',', ';']).default(';'),
  /** Write-only. */
  folderPassword: z.string().min(4, 'at least 4 characters').max(64).optional(),
  sampleRateMin: z.number().int().refine((n) => (SAMPLE_RATES_MIN as readonly number[]).includes(n), `one of ${SAMPLE_RATES_MIN.join(', ')} minutes`).default(15),
  defaultLanguage: z.enum(LANGUAGES).default('en'),
}).strict().refine((s) => s.decimalSeparator !== s.fieldSeparator, { message: 'the decimal and field separators must differ', path: ['fieldSeparator'] });
export type CsvSettingsInput = z.input<typeof csvSettingsSchema>;
export interface CsvSettings {
  decimalSeparator: '.' | ',';
  fieldSeparator: ',' | ';';
  folderPasswordSet: boolean;
  sampleRateMin: number;
  defaultLanguage: (typeof LANGUAGES)[number];
}
