/**
 * @module costs/schedule
 * Cost rules → the tariff in force at each minute (COST-3). Rules are read top-down and the
 * first true rule gives the tariff; a minute no rule covers has none. Dates, days of the week
 * and time frames are wall-clock, in the installation's zone: a local day is painted once
 * (rules from the last to the first, so the first true rule wins), and a UTC day's minutes are
 * mapped onto the local days they fall in (a DST day has 23 or 25 hours of them).
 */
import { WEEKDAYS, type CostRule } from '@ews/shared';
import { offsetMs } from '../energy/index';
import { NO_TARIFF } from '../store/index';

export { NO_TARIFF };

const DAY_MS = 86_400_000, MINUTE_MS = 60_000;
/** Days of profiles kept (1.4 KB each): a block check walks 33 consecutive days. */
const CACHE_DAYS = 72;

interface Compiled {
  tariff: number;
  /** Bit i: WEEKDAYS[i] (Monday = bit 0). */
  days: number;
  from: number | null;
  to: number | null;
  repeat: boolean;
  tFrom: number;
  tTo: number;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** `YYYY-MM-DD` → yyyymmdd. */
const dateKey = (s: string): number => Number(s.slice(0, 4)) * 10000 + Number(s.slice(5, 7)) * 100 + Number(s.slice(8, 10));

/** Local calendar day number (days since 1970-01-01) → yyyymmdd and Monday-first weekday. */
function civil(dayNum: number): { ymd: number; weekday: number } {
  const d = new Date(dayNum * DAY_MS);
  return { ymd: d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate(), weekday: (dayNum + 3) % 7 };
}

export interface ScheduleOptions {
  /** The tariffs the profile indexes refer to, in order (the tariffs of the rules' type). */
  tariffIds: readonly string[];
  rules: readonly CostRule[];
  timezone: string;
}

export class TariffSchedule {
  readonly tariffIds: readonly string[];
  readonly timezone: string;
  private readonly rules: Compiled[];
  private localCache = new Map<number, Uint8Array>();
  private utcCache = new Map<number, Uint8Array>();
  /** A fingerprint of what decides the profile (rules, tariff order, zone). */
  readonly key: string;

  constructor(opts: ScheduleOptions) {
    this.tariffIds = opts.tariffIds;
    this.timezone = opts.timezone;
    const index = new Map(opts.tariffIds.map((id, i) => [id, i]));
    this.rules = opts.rules.map((r): Compiled => ({
      tariff: index.get(r.tariffId) ?? NO_TARIFF,
      days: r.days.reduce((m, d) => m | (1 << WEEKDAYS.indexOf(d)), 0),
      from: r.from ? dateKey(r.from) : null,
      to: r.to ? dateKey(r.to) : null,
      repeat: r.repeatEveryYear,
      tFrom: minutesOf(r.timeFrom),
      tTo: minutesOf(r.timeTo),
    }));
    this.key = JSON.stringify([opts.timezone, opts.tariffIds, opts.rules]);
  }

  get empty(): boolean { return this.rules.length === 0; }

  private appliesOn(r: Compiled, ymd: number, weekday: number): boolean {
    if (!(r.days & (1 << weekday))) return false;
    if (r.from === null) return true;
    const to = r.to ?? r.from;
    if (!r.repeat) return ymd >= r.from && ymd <= to;
    const md = ymd % 10000, f = r.from % 10000, t = to % 10000;
    return f <= t ? md >= f && md <= t : md >= f || md <= t;
  }

  private static covers(r: Compiled, minute: number): boolean {
    return r.tFrom <= r.tTo ? minute >= r.tFrom && minute <= r.tTo : minute >= r.tFrom || minute <= r.tTo;
  }

  /** Tariff index per wall-clock minute of local day `dayNum` (NO_TARIFF where none). */
  localDay(dayNum: number): Uint8Array {
    let p = this.localCache.get(dayNum);
    if (p) return p;
    p = new Uint8Array(1440).fill(NO_TARIFF);
    const { ymd, weekday } = civil(dayNum);
    for (let k = this.rules.length - 1; k >= 0; k--) {
      const r = this.rules[k];
      if (!this.appliesOn(r, ymd, weekday)) continue;
      if (r.tFrom <= r.tTo) p.fill(r.tariff, r.tFrom, r.tTo + 1);
      else { p.fill(r.tariff, r.tFrom, 1440); p.fill(r.tariff, 0, r.tTo + 1); }
    }
    if (this.localCache.size > CACHE_DAYS) this.localCache.clear();
    this.localCache.set(dayNum, p);
    return p;
  }

  /** Index of the first rule true at wall-clock `minute` of local day `dayNum`, or null. */
  ruleAt(dayNum: number, minute: number): number | null {
    const { ymd, weekday } = civil(dayNum);
    const i = this.rules.findIndex((r) => this.appliesOn(r, ymd, weekday) && TariffSchedule.covers(r, minute));
    return i < 0 ? null : i;
  }

  /** Local day number and wall-clock minute of instant `ms`. */
  local(ms: number): { dayNum: number; minute: number } {
    const l = ms + offsetMs(this.timezone, ms);
    const dayNum = Math.floor(l / DAY_MS);
    return { dayNum, minute: Math.floor((l - dayNum * DAY_MS) / MINUTE_MS) };
  }

  tariffAt(ms: number): number {
    const { dayNum, minute } = this.local(ms);
    return this.localDay(dayNum)[minute];
  }

  /** Tariff index for each minute of UTC day `day` (NO_TARIFF where no rule covers it). */
  utcDay(day: number): Uint8Array {
    let p = this.utcCache.get(day);
    if (p) return p;
    p = new Uint8Array(1440);
    const start = day * DAY_MS;
    const o0 = offsetMs(this.timezone, start), o1 = offsetMs(this.timezone, start + DAY_MS - MINUTE_MS);
    // first minute at which the offset is o1 (the zone changes offset at most once in a day)
    let change = 1440;
    if (o0 !== o1) {
      let lo = 0, hi = 1439;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offsetMs(this.timezone, start + mid * MINUTE_MS) === o1) hi = mid; else lo = mid + 1;
      }
      change = lo;
    }
    for (const [from, to, off] of [[0, change, o0], [change, 1440, o1]] as const) {
      let m = from;
      while (m < to) {
        const l = start + m * MINUTE_MS + off;
        const dayNum = Math.floor(l / DAY_MS);
        const lm = Math.floor((l - dayNum * DAY_MS) / MINUTE_MS);
        const n = Math.min(to - m, 1440 - lm);
        p.set(this.localDay(dayNum).subarray(lm, lm + n), m);
        m += n;
      }
    }
    if (this.utcCache.size > CACHE_DAYS) this.utcCache.clear();
    this.utcCache.set(day, p);
    return p;
  }

  /**
   * The stretches of [fromMs, toMs) that no rule covers, as local wall-clock times
   * `YYYY-MM-DD HH:MM` (both ends inclusive, to the minute).
   */
  uncovered(fromMs: number, toMs: number): Array<{ from: string; to: string }> {
    const out: Array<{ from: string; to: string }> = [];
    let runStart = -1, last = -1;
    for (let t = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS; t < toMs; t += MINUTE_MS) {
      const none = this.utcDay(Math.floor(t / DAY_MS))[Math.floor((t % DAY_MS) / MINUTE_MS)] === NO_TARIFF;
      if (none && runStart < 0) runStart = t;
      if (!none && runStart >= 0) { out.push({ from: this.label(runStart), to: this.label(last) }); runStart = -1; }
      last = t;
      if (out.length >= 50) return out;
    }
    if (runStart >= 0) out.push({ from: this.label(runStart), to: this.label(last) });
    return out;
  }

  private label(ms: number): string {
    const { dayNum, minute } = this.local(ms);
    const d = new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
    return `${d} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  }
}
