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

function intlKnowsTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

let knowsTimeZone: (tz: string) => boolean = intlKnowsTimeZone;

/**
 * Where time zones are looked up: Intl by default (the browser). The daemon plugs in its tz
 * database (energy/zoneinfo), so that validating a setting does not fault ICU's time-zone data
 * into its resident memory.
 */
export function setTimeZoneLookup(lookup: (tz: string) => boolean): void { knowsTimeZone = lookup; }

export function isValidTimeZone(tz: string): boolean {
  return (tz.includes('/') || tz === 'UTC') && knowsTimeZone(tz);
}

const timeFields = {
  timezone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Paris'),
  ntpEnabled: z.boolean(),
  ntpServer: z.string().trim().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name or IP address'),
  /** Set the clock by hand (only when NTP is off): ISO date-time. */
  dateTime: z.iso.datetime({ offset: true, local: true }).optional(),
};
export const timeSettingsSchema = z.object({
  ...timeFields,
  ntpEnabled: timeFields.ntpEnabled.default(true),
  ntpServer: timeFields.ntpServer.default('pool.ntp.org'),
}).strict();
export type TimeSettings = z.infer<typeof timeSettingsSchema>;
/** `PUT /api/settings/time`: the fields to change (the others keep their value). */
export const timeSettingsPatchSchema = z.object(timeFields).partial().strict();
export type TimeSettingsPatch = z.input<typeof timeSettingsPatchSchema>;
/** The settings as stored and answered (`now`: the box's clock, on GET). */
export const timeAnswerSchema = z.object({
  timezone: z.string(), ntpEnabled: z.boolean(), ntpServer: z.string(), now: z.string().optional(),
});
export type TimeAnswer = z.infer<typeof timeAnswerSchema>;
export const DEFAULT_TIME: Omit<TimeSettings, 'dateTime'> = { timezone: 'Europe/Paris', ntpEnabled: true, ntpServer: 'pool.ntp.org' };


const csvFields = {
  decimalSeparator: z.enum(['.', ',']),
  fieldSeparator: z.enum([',', ';']),
  /** Write-only. */
  folderPassword: z.string().min(4, 'at least 4 characters').max(64).optional(),
  sampleRateMin: z.number().int().refine((n) => (SAMPLE_RATES_MIN as readonly number[]).includes(n), `one of ${SAMPLE_RATES_MIN.join(', ')} minutes`),
  defaultLanguage: z.enum(LANGUAGES),
  /** HIST-4: read-only FTP of the history folder (user `wsmeasure`, the folder password). */
  ftpEnabled: z.boolean(),
  /** 21 on the box; another when the daemon may not bind low ports. */
  ftpPort: z.number().int().min(1).max(65535),
};
/** HIST-1: the history folder's password until it is changed (the UI warns meanwhile). */
export const DEFAULT_FOLDER_PASSWORD = 'wsmeasure';
/** HIST-4: the fixed FTP and WebDAV user name. */
export const FOLDER_USER = 'wsmeasure';
const separatorsDiffer = { message: 'the decimal and field separators must differ', path: ['fieldSeparator'] };
export const csvSettingsSchema = z.object({
  ...csvFields,
  decimalSeparator: csvFields.decimalSeparator.default(','),
  fieldSeparator: csvFields.fieldSeparator.default(';'),
  sampleRateMin: csvFields.sampleRateMin.default(15),
  defaultLanguage: csvFields.defaultLanguage.default('en'),
  ftpEnabled: csvFields.ftpEnabled.default(true),
  ftpPort: csvFields.ftpPort.default(21),
}).strict().refine((s) => s.decimalSeparator !== s.fieldSeparator, separatorsDiffer);
/** `PUT /api/settings/csv`: the fields to change (the others keep their value). */
export const csvSettingsPatchSchema = z.object(csvFields).partial().strict()
  .refine((s) => s.decimalSeparator === undefined || s.decimalSeparator !== s.fieldSeparator, separatorsDiffer);
export type CsvSettingsInput = z.input<typeof csvSettingsPatchSchema>;
/** The CSV settings as answered: the folder password only says whether it is set. */
export const csvSettingsAnswerSchema = z.object({
  decimalSeparator: z.enum(['.', ',']),
  fieldSeparator: z.enum([',', ';']),
  folderPasswordSet: z.boolean(),
  sampleRateMin: z.number().int(),
  defaultLanguage: z.enum(LANGUAGES),
  ftpEnabled: z.boolean(),
  ftpPort: z.number().int(),
});
export type CsvSettings = z.infer<typeof csvSettingsAnswerSchema>;

/** `GET /api/settings/network` (with a note), `PUT` (with where the box now answers). */
export const networkAnswerSchema = networkSettingsSchema.extend({
  note: z.string().optional(),
  applied: z.string().optional(),
  newUrl: z.string().optional(),
});
export type NetworkAnswer = z.infer<typeof networkAnswerSchema>;
