/**
 * @module energy/zoneinfo
 * UTC offsets of an IANA time zone read from the system's compiled tz database
 * (`/usr/share/zoneinfo/<zone>`, TZif format, RFC 8536: Debian's tzdata on the box), with the
 * file's POSIX TZ footer for instants past its transition table.
 *
 * Why not `Intl.DateTimeFormat`: the first zone-aware format makes Node fault in ~8 MB of its
 * embedded ICU data and code, resident for the life of the process — a tenth of the box's memory
 * budget for what one 3 KB file answers. `energy/calendar` falls back to Intl when a zone has no
 * file here (a development machine without tzdata); tests compare both on every zone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Offset (local minus UTC) in seconds at an instant in epoch seconds. */
export type OffsetAt = (epochS: number) => number;

export const ZONEINFO_DIR = process.env.EWS_ZONEINFO_DIR ?? '/usr/share/zoneinfo';

const zones = new Map<string, OffsetAt | null>();

/** The offset function of `tz`, or undefined when the system has no such zone file. */
export function zoneOffsets(tz: string, dir = ZONEINFO_DIR): OffsetAt | undefined {
  const key = `${dir}|${tz}`;
  let f = zones.get(key);
  if (f === undefined) {
    f = null;
    // Only names shaped like IANA zones: never a path out of the folder.
    if (/^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}$/.test(tz)) {
      try { f = parseTzif(readFileSync(join(dir, tz))); } catch { f = null; }
    }
    zones.set(key, f);
  }
  return f ?? undefined;
}

/** Parses a TZif file (versions 1-4); throws on anything else. */
export function parseTzif(buf: Buffer): OffsetAt {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') throw new Error('not a TZif file');
  const version = buf[4];
  const counts = (at: number) => ({
    isut: buf.readUInt32BE(at + 20), isstd: buf.readUInt32BE(at + 24), leap: buf.readUInt32BE(at + 28),
    time: buf.readUInt32BE(at + 32), type: buf.readUInt32BE(at + 36), char: buf.readUInt32BE(at + 40),
  });
  let c = counts(0);
  let at = 44;
  let timeSize = 4;
  if (version !== 0) { // skip the 32-bit block; the 64-bit one follows with its own header
    at += c.time * 4 + c.time + c.type * 6 + c.char + c.leap * 8 + c.isstd + c.isut;
    if (buf.toString('latin1', at, at + 4) !== 'TZif') throw new Error('bad TZif v2 header');
    c = counts(at);
    at += 44;
    timeSize = 8;
  }
  const times = new Float64Array(c.time);
  for (let i = 0; i < c.time; i++) times[i] = timeSize === 8 ? Number(buf.readBigInt64BE(at + i * 8)) : buf.readInt32BE(at + i * 4);
  at += c.time * timeSize;
  const idx = buf.subarray(at, at + c.time);
  at += c.time;
  const offsets: number[] = [];
  for (let i = 0; i < c.type; i++) offsets.push(buf.readInt32BE(at + i * 6));
  at += c.type * 6 + c.char + c.leap * (timeSize + 4) + c.isstd + c.isut;
  if (offsets.length === 0) throw new Error('TZif without local time types');
  let footer: OffsetAt | undefined;
  if (version !== 0 && buf[at] === 0x0a) {
    const end = buf.indexOf(0x0a, at + 1);
    const text = buf.toString('latin1', at + 1, end < 0 ? buf.length : end);
    if (text) footer = parsePosixTz(text);
  }
  const first = offsets[0];
  const transitionOffsets = Int32Array.from(idx, (i) => offsets[i] ?? first);
  const last = times.length ? times[times.length - 1] : -Infinity;
  return (t) => {
    if (times.length === 0 || t < times[0]) return footer && times.length === 0 ? footer(t) : first;
    if (t >= last && footer) return footer(t);
    let lo = 0; let hi = times.length - 1; // last transition <= t
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return transitionOffsets[lo];
  };
}

interface Rule { kind: 'J' | 'n' | 'M'; day: number; week: number; month: number; timeS: number }

/**
 * A POSIX TZ string as TZif footers use it (with RFC 8536's extensions: hours beyond ±24 in the
 * rule times): `std offset [dst [offset] [,start[/time],end[/time]]]`.
 */
export function parsePosixTz(text: string): OffsetAt {
  let i = 0;
  const name = () => {
    if (text[i] === '<') { const e = text.indexOf('>', i); if (e < 0) throw new Error(`bad TZ "${text}"`); i = e + 1; return; }
    const s = i;
    while (i < text.length && /[A-Za-z]/.test(text[i])) i++;
    if (i - s < 3) throw new Error(`bad TZ name in "${text}"`);
  };
  const hms = (): number => { // [+-]hh[:mm[:ss]] in seconds
    let sign = 1;
    if (text[i] === '+' || text[i] === '-') { if (text[i] === '-') sign = -1; i++; }
    const m = /^(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(text.slice(i));
    if (!m) throw new Error(`bad TZ time in "${text}"`);
    i += m[0].length;
    return sign * (Number(m[1]) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0));
  };
  name();
  const std = 0 - hms(); // POSIX offsets count west of Greenwich
  if (i >= text.length) return () => std;
  name();
  const dst = i < text.length && text[i] !== ',' ? 0 - hms() : std + 3600;
  const rule = (): Rule => {
    let r: Rule;
    const m = /^(?:J(\d{1,3})|(\d{1,3})|M(\d{1,2})\.(\d)\.(\d))/.exec(text.slice(i));
    if (!m) throw new Error(`bad TZ rule in "${text}"`);
    i += m[0].length;
    if (m[1]) r = { kind: 'J', day: Number(m[1]), week: 0, month: 0, timeS: 7200 };
    else if (m[2]) r = { kind: 'n', day: Number(m[2]), week: 0, month: 0, timeS: 7200 };
    else r = { kind: 'M', month: Number(m[3]), week: Number(m[4]), day: Number(m[5]), timeS: 7200 };
    if (text[i] === '/') { i++; r.timeS = hms(); }
    return r;
  };
  if (text[i] !== ',') { // no rule: US rules by POSIX default, never in TZif footers
    throw new Error(`TZ without rules: "${text}"`);
  }
  i++;
  const start = rule();
  if (text[i] !== ',') throw new Error(`bad TZ "${text}"`);
  i++;
  const end = rule();
  /** Local wall time (as seconds since the epoch of the local calendar) of a rule in a year. */
  const ruleLocalS = (r: Rule, year: number): number => {
    const jan1 = Date.UTC(year, 0, 1) / 1000;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    let day: number; // zero-based day of the year
    if (r.kind === 'J') day = r.day - 1 + (leap && r.day >= 60 ? 1 : 0);
    else if (r.kind === 'n') day = r.day;
    else {
      const first = Date.UTC(year, r.month - 1, 1);
      const weekday1 = new Date(first).getUTCDay();
      let dom = 1 + ((r.day - weekday1 + 7) % 7) + (r.week - 1) * 7;
      const dim = new Date(Date.UTC(year, r.month, 0)).getUTCDate();
      while (dom > dim) dom -= 7;
      day = (first / 1000 - jan1) / 86400 + dom - 1;
    }
    return jan1 + day * 86400 + r.timeS;
  };
  return (t) => {
    const year = new Date((t + std) * 1000).getUTCFullYear();
    const s = ruleLocalS(start, year) - std; // DST starts at a standard-time wall clock
    const e = ruleLocalS(end, year) - dst; // and ends at a daylight-time wall clock
    const inDst = s < e ? t >= s && t < e : !(t >= e && t < s);
    return inDst ? dst : std;
  };
}
