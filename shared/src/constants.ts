/**
 * @module constants
 * Choices of the contract the SPA needs at run time (selects, limits). No zod here: importing
 * this from the SPA must not bundle the schemas.
 */
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
