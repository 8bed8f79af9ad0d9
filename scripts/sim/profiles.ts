/**
 * @module sim/profiles
 * Daily load profiles: a signed fraction of a device's nominal power (or nominal flow for water
 * and gas) as a function of simulated time. Local time of the process is used for hours,
 * weekdays and seasons, so a demo box shows evening peaks in the evening where it runs.
 * All noise is deterministic (seed + instant), so the integral (the counters) is reproducible.
 */
import { clamp, hash01, smoothNoise } from './noise';

export const SIM_PROFILES = ['residential', 'office', 'lighting', 'heating', 'hvac', 'ev', 'water', 'gas', 'flat', 'pv'] as const;
/** The catalogue's `simulation.profile` values plus `pv` (a producer: negative power by day). */
export type SimProfile = (typeof SIM_PROFILES)[number];

export function isSimProfile(value: string): value is SimProfile {
  return (SIM_PROFILES as readonly string[]).includes(value);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

interface LocalTime {
  /** Fractional hour of the local day, 0 ≤ hour < 24. */
  hour: number;
  weekend: boolean;
  /** 1 mid-January … 0 mid-July (northern hemisphere). */
  winter: number;
  dayOfYear: number;
  /** Local day number (for per-day events such as EV sessions). */
  dayIndex: number;
}

function localTime(simMs: number): LocalTime {
  const d = new Date(simMs);
  const hour = d.getHours() + d.getMinutes() / 60 + d.getSeconds() / 3600;
  const start = new Date(d.getFullYear(), 0, 1).getTime();
  const dayOfYear = Math.floor((simMs - start) / (24 * HOUR_MS));
  const winter = (1 + Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365)) / 2;
  const dayIndex = Math.floor((simMs - d.getTimezoneOffset() * MINUTE_MS) / (24 * HOUR_MS));
  return { hour, weekend: d.getDay() === 0 || d.getDay() === 6, winter, dayOfYear, dayIndex };
}

/** Gaussian bump around `center` hours (wrapping over midnight). */
function bump(hour: number, center: number, widthH: number): number {
  let dh = Math.abs(hour - center);
  if (dh > 12) dh = 24 - dh;
  return Math.exp(-((dh / widthH) ** 2));
}

/** ≈1 between start and end hours, with smooth ramps of `rampH`. */
function plateau(hour: number, start: number, end: number, rampH = 0.6): number {
  const up = 1 / (1 + Math.exp(-(hour - start) / (rampH / 4)));
  const down = 1 / (1 + Math.exp((hour - end) / (rampH / 4)));
  return up * down;
}

/** Slow wander and fast flicker around 1. */
function jitter(seed: number, simMs: number, amount: number): number {
  return 1 + amount * smoothNoise(seed, simMs, 15 * MINUTE_MS) + (amount / 3) * smoothNoise(seed + 7, simMs, 45_000);
}

function evSession(seed: number, day: number, weekend: boolean): { start: number; durationH: number } | undefined {
  if (hash01(seed, day, 1) > (weekend ? 0.5 : 0.85)) return undefined;
  return { start: 17.5 + 3 * hash01(seed, day, 2), durationH: 1.5 + 4 * hash01(seed, day, 3) };
}

function evFactor(seed: number, t: LocalTime): number {
  for (const back of [0, 1]) {
    const s = evSession(seed, t.dayIndex - back, t.weekend);
    if (!s) continue;
    const elapsed = t.hour + 24 * back - s.start;
    if (elapsed < 0 || elapsed > s.durationH) continue;
    const left = 1 - elapsed / s.durationH;
    return left < 0.15 ? 0.3 + 0.67 * (left / 0.15) : 0.97;
  }
  return 0.002;
}

/** Usage bursts in 3-minute slots, more likely in the morning and the evening. */
function burst(seed: number, simMs: number, t: LocalTime, scale: number): number {
  const slot = Math.floor(simMs / (3 * MINUTE_MS));
  const p = scale * (0.01 + 0.35 * bump(t.hour, 7, 1) + 0.12 * bump(t.hour, 12.5, 1) + 0.3 * bump(t.hour, 19.5, 1.5));
  return hash01(seed, slot) < p ? 0.25 + 0.75 * hash01(seed, slot, 7) : 0;
}

/** Burner or compressor cycling in 10-minute slots with the given duty. */
function cycling(seed: number, simMs: number, duty: number): number {
  return hash01(seed, Math.floor(simMs / (10 * MINUTE_MS)), 11) < duty ? 1 : 0;
}

function pvFactor(seed: number, simMs: number, t: LocalTime): number {
  const dayLengthH = 12 + 4 * Math.cos((2 * Math.PI * (t.dayOfYear - 172)) / 365);
  const x = (t.hour - (13 - dayLengthH / 2)) / dayLengthH;
  if (x <= 0 || x >= 1) return 0.002; // inverter standby at night
  const sun = Math.sin(Math.PI * x) ** 1.3;
  const clouds = 0.35 + 0.65 * (0.5 + 0.5 * smoothNoise(seed, simMs, 40 * MINUTE_MS));
  return -sun * (0.55 + 0.45 * (1 - t.winter)) * clouds;
}

/**
 * Signed fraction of nominal power at `simMs` (negative: the device exports).
 * For water and gas it is the fraction of the nominal flow.
 */
export function loadFactor(profile: SimProfile, simMs: number, seed: number): number {
  const t = localTime(simMs);
  const h = t.hour;
  const workday = !t.weekend;
  let f: number;
  switch (profile) {
    case 'residential':
      f = (0.07 + 0.25 * bump(h, 7.5, 1) + 0.12 * bump(h, 12.5, 1.5) * (t.weekend ? 2 : 1) + 0.75 * bump(h, 19.5, 1.6) + 0.12 * t.winter) * jitter(seed, simMs, 0.15);
      break;
    case 'office':
      f = (workday ? 0.12 + 0.75 * plateau(h, 8, 18.5) - 0.12 * bump(h, 12.5, 0.6) : 0.1) * jitter(seed, simMs, 0.12);
      break;
    case 'lighting':
      f = (0.04 + (workday ? 0.88 * plateau(h, 7, 19) + 0.25 * bump(h, 20, 0.7) : 0.05 * plateau(h, 9, 17))) * jitter(seed, simMs, 0.03);
      break;
    case 'heating': {
      const demand = t.winter ** 1.2 * (0.45 + 0.35 * bump(h, 6.5, 1.5) + 0.15 * bump(h, 18, 2) - 0.15 * bump(h, 14, 2));
      f = 0.02 + 0.95 * cycling(seed, simMs, clamp(demand, 0, 1)) * jitter(seed, simMs, 0.05);
      break;
    }
    case 'hvac': {
      const cooling = (1 - t.winter) ** 1.5 * plateau(h, 9, 18) * (0.4 + 0.6 * bump(h, 15, 3));
      const heating = 0.3 * t.winter * plateau(h, 7, 18);
      f = 0.03 + (workday ? (cooling + heating) * jitter(seed, simMs, 0.2) : 0);
      break;
    }
    case 'ev':
      f = evFactor(seed, t);
      break;
    case 'water':
      f = burst(seed, simMs, t, 1);
      break;
    case 'gas': {
      const duty = t.winter ** 1.2 * (0.2 + 0.5 * bump(h, 6.5, 1.5) + 0.3 * bump(h, 18.5, 2));
      f = Math.max(cycling(seed, simMs, clamp(duty, 0, 1)), burst(seed + 3, simMs, t, 0.5));
      break;
    }
    case 'flat':
      f = 0.55 * jitter(seed, simMs, 0.08);
      break;
    case 'pv':
      f = pvFactor(seed, simMs, t);
      break;
  }
  return clamp(f, -1, 1.05);
}

/** Typical displacement power factor of the load type. */
export function basePowerFactor(profile: SimProfile): number {
  const table: Record<SimProfile, number> = {
    residential: 0.93, office: 0.92, lighting: 0.95, heating: 0.98, hvac: 0.88, ev: 0.99,
    water: 0.9, gas: 0.9, flat: 0.9, pv: 0.99,
  };
  return table[profile];
}

/** Typical current THD (%) of the load type at full load. */
export function baseCurrentThdPct(profile: SimProfile): number {
  const table: Record<SimProfile, number> = {
    residential: 18, office: 20, lighting: 24, heating: 6, hvac: 12, ev: 8, water: 10, gas: 10, flat: 10, pv: 5,
  };
  return table[profile];
}
