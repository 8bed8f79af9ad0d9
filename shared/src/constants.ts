/**
 * @module constants
 * Choices of the contract the SPA needs at run time (selects, limits). No zod here: importing
 * this from the SPA must not bundle the schemas.
 */
import type { CounterKind } from './catalog';

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
/** STO-1 sample rates. */
export const SAMPLE_RATES_MIN = [1, 5, 10, 15, 30, 60] as const;
/** SYS-3 languages. */
export const LANGUAGES = ['zh', 'de', 'en', 'es', 'fr', 'fr-BE', 'el', 'it', 'nl-BE', 'nl', 'pl', 'pt', 'ru'] as const;
/** BUS-6 editions and their limits. */
export const EDITIONS = ['PM1WS10', 'PM1WS32', 'PM1WS255'] as const;
export type Edition = (typeof EDITIONS)[number];
export const EDITION_LIMITS: Record<Edition, { devices: number; perGateway: number }> = {
  PM1WS10: { devices: 10, perGateway: 10 },
  PM1WS32: { devices: 32, perGateway: 32 },
  PM1WS255: { devices: 255, perGateway: 32 },
};

/** CFG-3: measure groups a device may belong to. */
export const MAX_GROUPS_PER_DEVICE = 5;

/** COST-2/3: the energy types that have tariffs and cost rules. */
export const COST_TYPES = ['electricity', 'gas', 'water'] as const;
export type CostType = (typeof COST_TYPES)[number];
export const isCostType = (s: string): s is CostType => (COST_TYPES as readonly string[]).includes(s);
/** The type whose tariffs cost a counter; null for active energy export (it has no cost). */
export function costTypeOfCounter(counter: CounterKind | undefined): CostType | null {
  if (counter === 'activeEnergyImport') return 'electricity';
  return counter === 'water' || counter === 'gas' ? counter : null;
}
/** COST-2 limits. */
export const MAX_TARIFFS_PER_TYPE = 5;
export const MAX_PRICES_PER_TARIFF = 5;
/** COST-3: rules per type (the vendor's pages show about 20; we allow more). */
export const MAX_RULES_PER_TYPE = 50;
/** Days of the week as cost rules name them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** CON-2 colours of the energy types in pies and tables. */
export const ENERGY_COLORS: Record<CostType, string> = { electricity: '#f28c28', gas: '#3aa655', water: '#2f7fd1' };

/** MS-1: the unit id of the Modbus slave function (the vendor's fixed "Modbus address 247"). */
export const SLAVE_UNIT_ID = 247;
/** MS-1: Remote ID "All", the total positive active energy of every electrical load. */
export const TOTAL_REMOTE_ID = 29999;
/**
 * NOTE-5 event types. Device events: a communication error (after the configured delay) and its
 * recovery, a configuration error, a state change (a breaker tripped, opened, closed). Box
 * events: a configuration change, the Green'Up fail-safe engaged and released, a start.
 */
export const ALARM_TYPES = [
  'communication-error', 'communication-restored', 'configuration-error', 'state-change',
  'configuration-change', 'fail-safe', 'fail-safe-end', 'box-started', 'threshold-exceeded', 'threshold-restored',
] as const;
/** NOTE-1 SMTP connection security. */
export const SMTP_SECURITY = ['ssl', 'starttls', 'none'] as const;

export const PREDEFINED_LOADS: Array<{ id: string; name: string }> = [
  { id: 'lighting', name: 'Lighting' }, { id: 'heating', name: 'Heating' },
  { id: 'air-conditioning', name: 'Air conditioning' }, { id: 'ventilation', name: 'Ventilation' },
  { id: 'power-sockets', name: 'Power sockets' }, { id: 'ev-charging', name: 'EV charging' },
];
/** The English names the default loads are created with (a renamed load keeps its own name in every language). */
export const DEFAULT_LOAD_NAMES: Record<string, string> = {
  ...Object.fromEntries(PREDEFINED_LOADS.map((l) => [l.id, l.name])), others: 'Others', water: 'Water', gas: 'Gas',
};
