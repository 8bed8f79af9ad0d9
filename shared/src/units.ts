/**
 * @module units
 * Display helpers shared by the SPA and reports: scale a value to a readable unit prefix.
 */
import type { Unit } from './catalog';

const SCALABLE = new Set<Unit>(['Wh', 'varh', 'VAh', 'W', 'var', 'VA']);

/** Writes a number with `digits` decimals: `toFixed` by default; the SPA passes its locale's (decimal comma…). */
export type NumberWriter = (value: number, digits: number) => string;
const fixed: NumberWriter = (value, digits) => value.toFixed(digits);

/** Formats a value with its unit, switching to k/M/G prefixes for energies and powers. */
export function formatQuantity(value: number | string, unit: Unit, digits = 2, num: NumberWriter = fixed): string {
  if (typeof value === 'string') return value;
  if (unit === 'dm3') return Math.abs(value) >= 10000 ? `${num(value / 1000, digits)} m³` : `${num(value, 0)} dm³`;
  if (unit === 'degC') return `${num(value, 1)} °C`;
  if (unit === '' || unit === 'state') return Number.isInteger(value) ? String(value) : num(value, digits);
  if (SCALABLE.has(unit)) {
    const abs = Math.abs(value);
    if (abs >= 1e9) return `${num(value / 1e9, digits)} G${unit}`;
    if (abs >= 1e6) return `${num(value / 1e6, digits)} M${unit}`;
    if (abs >= 1e3) return `${num(value / 1e3, digits)} k${unit}`;
  }
  return `${Number.isInteger(value) ? value : num(value, digits)} ${unit}`;
}
