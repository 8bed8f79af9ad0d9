/**
 * @module state/hex
 * The generic meter's register is written in hexadecimal, as meter manuals give it (CAT-1
 * "Other devices"): "0x1A2B", "1A2B", "1a2bh". Pure, no DOM.
 */

/** The register number, or NaN when `s` is not 1–4 hex digits (0…0xFFFF). */
export function parseHex(s: string): number {
  const v = s.trim().replace(/^0x/i, '').replace(/h$/i, '');
  return /^[0-9a-f]{1,4}$/i.test(v) ? parseInt(v, 16) : NaN;
}

/** How the form shows a saved register: upper-case hex with the 0x prefix. */
export function formatHex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}
