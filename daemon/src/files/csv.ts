/**
 * @module files/csv
 * The cells and lines of the history folder's CSV files (HIST-1): the CSV settings' decimal and
 * field separators, no thousands separators, at most 3 decimals (trailing zeros dropped), CRLF
 * line ends, a UTF-8 byte-order mark at the start of each file (Excel reads UTF-8 with it), fields
 * quoted when they hold a separator or a quote. Dates are the installation's local time.
 */
import { localTime } from '../energy/index';

export interface CsvFormat { decimalSeparator: '.' | ','; fieldSeparator: ',' | ';' }

export const BOM = '\uFEFF';
export const EOL = '\r\n';

export function cell(text: string, sep: string): string {
  return text.includes(sep) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function num(v: number | null | undefined, dec: '.' | ','): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const r = Math.round(v * 1000) / 1000;
  if (Number.isInteger(r)) return r === 0 ? '0' : String(r);
  let s = r.toFixed(3);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--; // trailing zeros
  s = s.slice(0, end);
  return dec === '.' ? s : s.replace('.', dec);
}

export function line(cells: readonly string[], f: CsvFormat): string {
  return cells.map((c) => cell(c, f.fieldSeparator)).join(f.fieldSeparator) + EOL;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const stamps = new Map<string, string>();
/** `2026-03-29 02:15` in the zone (a repeated DST hour shows twice: the UTC column tells them apart). */
export function localStamp(tz: string, ms: number): string {
  // the zone's offset is constant within an hour on every zone of whole-quarter offsets: one Intl call per hour
  const hour = Math.floor(ms / 3_600_000) * 3_600_000;
  const key = `${tz}|${hour}`;
  let h = stamps.get(key);
  if (h === undefined) {
    const l = localTime(tz, hour);
    h = `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`;
    if (stamps.size > 100_000) stamps.clear();
    stamps.set(key, h);
  }
  if (ms === hour) return h;
  // add the minutes within the hour to the local hour's stamp
  const m = Number(h.slice(14, 16)) + (ms - hour) / 60_000;
  if (m < 60 && Number.isInteger(m)) return `${h.slice(0, 14)}${pad(m)}`;
  const l = localTime(tz, ms); // half-hour zones past the local hour
  return `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`;
}

/** `2026-03-29T00:15Z`. */
export function utcStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** `2026-03` of the local month holding `ms`. */
export function monthOf(tz: string, ms: number): string {
  const l = localTime(tz, ms);
  return `${l.year}-${pad(l.month)}`;
}
