/**
 * @module units
 * Display helpers shared by the SPA and reports: scale a value to a readable unit prefix.
 */
import type { Unit } from './catalog';

const SCALABLE = new Set<Unit>(['Wh', 'varh', 'VAh', 'W', 'var', 'VA']);

/** Formats a value with its unit, switching to k/M/G prefixes for energies and powers. */
export function formatQuantity(value: number | string, unit: Unit, digits = 2): string {
  if (typeof value === 'string') return value;
  if (unit === 'dm3') return Math.abs(value) >= 10000 ? `${(value / 1000).toFixed(digits)} m³` : `${value.toFixed(0)} dm³`;
  if (unit === 'degC') return `${value.toFixed(1)} °C`;
  if (unit === '' || unit === 'state') return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  if (SCALABLE.has(unit)) {
    const abs = Math.abs(value);
    if (abs >= 1e9) return `${(value / 1e9).toFixed(digits)} G${unit}`;
    if (abs >= 1e6) return `${(value / 1e6).toFixed(digits)} M${unit}`;
    if (abs >= 1e3) return `${(value / 1e3).toFixed(digits)} k${unit}`;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(digits)} ${unit}`;
}
