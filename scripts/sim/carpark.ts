/**
 * @module sim/carpark
 * The demo's EV-charging sub-installation as a script of simulated time: an "evening peak" in
 * the first minutes — the six cars arrive within 90 s, then the car park's own load (lifts,
 * lighting, ventilation) rises for four minutes — so the Green'Up controller reduces the charges
 * step by step and stops one within minutes of the demo's start. Cars leave when full (or after
 * their stay) and others come, so it keeps going. Deterministic for a seed.
 */
import { systemClock, type Clock, type Timer } from '@ews/daemon';
import { hash01 } from './noise';
import type { SimCar, SimStation, Side } from './station';

export interface CarParkSlot { station: SimStation; side?: Side; car: SimCar; arriveAfterMs: number }

export interface CarPark {
  /** The car park's own load per phase now (A), on top of the stations. */
  baseLoadA(): [number, number, number];
  stop(): void;
}

const MINUTE_MS = 60_000;

export function startCarPark(slots: CarParkSlot[], opts: { clock?: Clock; seed?: number } = {}): CarPark {
  const clock = opts.clock ?? systemClock;
  const seed = opts.seed ?? 7;
  const t0 = clock.now();
  const timers = new Set<Timer>();
  let stopped = false;
  const later = (ms: number, fn: () => void) => {
    const t = clock.setTimeout(() => { timers.delete(t); if (!stopped) fn(); }, ms);
    timers.add(t);
  };
  slots.forEach((slot, i) => {
    let visit = 0;
    const arrive = () => {
      slot.station.plug(slot.car, slot.side);
      const stayMs = (25 + 40 * hash01(seed, i, visit)) * MINUTE_MS;
      const check = () => {
        const s = slot.station.side(slot.side);
        if (s.chargeState === 'finished' || clock.now() - arrivedAt > stayMs) {
          slot.station.unplug(slot.side);
          visit++;
          later((2 + 6 * hash01(seed, i, visit, 1)) * MINUTE_MS, arrive);
        } else later(10_000, check);
      };
      const arrivedAt = clock.now();
      later(10_000, check);
    };
    later(slot.arriveAfterMs, arrive);
  });
  return {
    baseLoadA() {
      // 6 A of lighting and ventilation; the evening peak: +30 A from minute 3 to minute 7 of every 20
      const minute = ((clock.now() - t0) / MINUTE_MS) % 20;
      const peak = minute >= 3 && minute < 7 ? 30 : 0;
      return [6 + peak, 5 + peak, 7 + peak];
    },
    stop() { stopped = true; for (const t of timers) clock.clearTimeout(t); timers.clear(); },
  };
}

/** The demo's cars: the evening peak's arrivals in the first 90 s (mixed cars, one per station or side). */
export function demoCarParkSlots(stations: SimStation[]): CarParkSlot[] {
  const cars = [
    { maxCurrentA: 32, phases: 3 as const, needWh: 40_000 }, { maxCurrentA: 16, phases: 3 as const, needWh: 30_000 },
    { maxCurrentA: 16, phases: 1 as const, needWh: 12_000 }, { maxCurrentA: 32, phases: 1 as const, needWh: 20_000 },
  ];
  const slots: CarParkSlot[] = [];
  for (const st of stations) {
    const sides = st.model.sides ? (['A', 'B'] as const) : [undefined];
    for (const side of sides) {
      const car = st.model.station!.phases === 1 ? cars[2 + (slots.length % 2)] : cars[slots.length % 2];
      slots.push({ station: st, ...(side ? { side } : {}), car, arriveAfterMs: 10_000 + 15_000 * slots.length });
    }
  }
  return slots;
}

