/**
 * @module sim/installations
 * Simulated installations as plain data (what the daemon's device configuration needs, plus the
 * simulator's hints), and `buildSimBus` that instantiates them from the catalogue.
 */
import type { Family, GenericRegister } from '@ews/shared';
import type { Catalog, Clock } from '@ews/daemon';
import { SimBus } from './bus';
import { hashInts } from './noise';
import type { SimProfile } from './profiles';
import type { SupplyDisturbance } from './physics';
import { combineSlaves, createSimSlave, type SimSlave } from './slave';
import { createSimStation, type SimStation } from './station';

export interface InstallationDevice {
  address: number;
  family: Family;
  model: string;
  position?: number;
  generic?: GenericRegister;
  name: string;
  profile?: SimProfile;
  nominalPowerW?: number;
  /** false: configured in the daemon but absent from the bus (never answers). Default true. */
  simulated?: boolean;
  /** Charging stations: the side of a two-side old-range station, the phase of a single-phase one. */
  side?: 'A' | 'B';
  phase?: 'L1' | 'L2' | 'L3';
  /** A meter upstream of the bus's charging stations: their draw adds to its per-phase currents. */
  feedsStations?: boolean;
  /** How the demo's configuration assigns it: load id, measure groups (by name), exclusion. */
  loadId?: string;
  groups?: string[];
  excludeFromTotals?: boolean;
}

export interface InstallationBus {
  /** "Local" for the box's own RS485 port, else the IP gateway's name. */
  name: string;
  kind: 'local' | 'tcp';
  devices: InstallationDevice[];
  /**
   * On the bus but not in the daemon's configuration (a scan proposes them: CAT-3): simulated,
   * never seeded, no history.
   */
  unconfigured?: InstallationDevice[];
}

export interface Installation {
  name: string;
  /** Measure groups the devices refer to by name. */
  groups?: string[];
  buses: InstallationBus[];
}

/** BEY-4 demo: an office building with its own RS485 bus and a second building behind a gateway. */
export function demoInstallation(): Installation {
  const local: InstallationDevice[] = [
    { address: 1, family: 'multifunction', model: 'F3N200', name: 'Main meter', profile: 'office', nominalPowerW: 60_000, excludeFromTotals: true, groups: ['Building A'] },
    { address: 2, family: 'energyCounter', model: 'F41DM63', name: 'Lighting', profile: 'lighting', nominalPowerW: 8_000, loadId: 'lighting', groups: ['Building A'] },
    { address: 3, family: 'energyCounter', model: 'F41DM63', name: 'Heat pump', profile: 'heating', nominalPowerW: 12_000, loadId: 'heating', groups: ['Building A'] },
    { address: 4, family: 'energyCounter', model: 'F41DM63', name: 'Air conditioning', profile: 'hvac', nominalPowerW: 15_000, loadId: 'air-conditioning', groups: ['Building A'] },
    { address: 5, family: 'energyCounter', model: 'F41DM63', name: 'EV charger', profile: 'ev', nominalPowerW: 11_000, loadId: 'ev-charging', groups: ['Car park'] },
    { address: 6, family: 'energyCounter', model: 'F21DM63', name: 'Power sockets', profile: 'office', nominalPowerW: 3_500, loadId: 'power-sockets', groups: ['Building A'] },
    { address: 7, family: 'energyCounter', model: 'F21DM63', name: 'Kitchen', profile: 'residential', nominalPowerW: 6_000, loadId: 'power-sockets', groups: ['Building A'] },
    { address: 8, family: 'energyCounter', model: 'F21DM63', name: 'Ventilation', profile: 'flat', nominalPowerW: 1_200, loadId: 'ventilation', groups: ['Building A'] },
    { address: 10, family: 'pulseCounter', model: 'pulse-electricity', position: 1, name: 'Canteen', profile: 'residential', nominalPowerW: 9_000 },
    { address: 10, family: 'pulseCounter', model: 'pulse-water', position: 2, name: 'Water', profile: 'water', nominalPowerW: 3_000 },
    { address: 10, family: 'pulseCounter', model: 'pulse-gas', position: 3, name: 'Gas', profile: 'gas', nominalPowerW: 25_000 },
    { address: 11, family: 'breaker', model: 'M7COM-MEGATIKER', name: 'Main breaker', profile: 'office', nominalPowerW: 60_000, excludeFromTotals: true },
    { address: 12, family: 'powerSupervision', model: 'M7TICIO', name: 'Signalling I/O' },
    { address: 13, family: 'generic', model: 'generic-meter', name: 'Server room (third-party)', profile: 'flat', nominalPowerW: 4_000, generic: { fn: 4, address: 0x0100, words: 2, factor: 10 } },
    { address: 20, family: 'energyCounter', model: 'F41DM63', name: 'Workshop', profile: 'office', nominalPowerW: 10_000, simulated: false },
    // EV-charging sub-installation (Green'Up): its own meter upstream of six stations of mixed kinds
    { address: 30, family: 'multifunction', model: 'F3N200', name: 'Car park meter', profile: 'flat', nominalPowerW: 1, feedsStations: true, excludeFromTotals: true, groups: ['Car park'] },
    { address: 31, family: 'evStation', model: 'greenup-premium-3p', name: 'Bay 1 (Premium)', loadId: 'ev-charging', groups: ['Car park'] },
    { address: 32, family: 'evStation', model: 'greenup-premium-dc-3p', name: 'Bay 2 (Premium DC)', loadId: 'ev-charging', groups: ['Car park'] },
    { address: 33, side: 'A', phase: 'L1', family: 'evStation', model: 'greenup-2s-1p', name: 'Bay 3A', loadId: 'ev-charging', groups: ['Car park'] },
    { address: 33, side: 'B', phase: 'L2', family: 'evStation', model: 'greenup-2s-1p', name: 'Bay 3B', loadId: 'ev-charging', groups: ['Car park'] },
    { address: 34, phase: 'L3', family: 'evStation', model: 'greenup-premium-1p', name: 'Bay 4 (Premium 1-phase)', loadId: 'ev-charging', groups: ['Car park'] },
    { address: 35, family: 'evStation', model: 'greenup-1s-3p-rfid', name: 'Bay 5 (RFID)', loadId: 'ev-charging', groups: ['Car park'] },
  ];
  const gateway: InstallationDevice[] = [
    { address: 1, family: 'multifunction', model: 'EMDX3-412045', name: 'Building B main', profile: 'office', nominalPowerW: 40_000, excludeFromTotals: true, groups: ['Building B'] },
    { address: 2, family: 'energyCounter', model: 'F41DM63', name: 'Building B lifts', profile: 'office', nominalPowerW: 9_000, groups: ['Building B'] },
    { address: 3, family: 'energyCounter', model: 'F41DM63', name: 'Solar inverter', profile: 'pv', nominalPowerW: 20_000 },
    { address: 4, family: 'energyCounter', model: 'F21DM63', name: 'Caretaker flat', profile: 'residential', nominalPowerW: 4_500, loadId: 'heating', groups: ['Building B'] },
  ];
  // Wired on the Local bus but not configured yet: Scan → Add selected commissions them (CAT-3).
  const unconfigured: InstallationDevice[] = [
    { address: 40, family: 'multifunction', model: 'F3N200', name: 'Extension main meter', profile: 'office', nominalPowerW: 25_000 },
    { address: 41, family: 'energyCounter', model: 'F41DM63', name: 'Extension lighting', profile: 'lighting', nominalPowerW: 4_000 },
    { address: 42, family: 'energyCounter', model: 'F41DM63', name: 'Extension heating', profile: 'heating', nominalPowerW: 9_000 },
    { address: 43, family: 'energyCounter', model: 'F21DM63', name: 'Extension sockets', profile: 'office', nominalPowerW: 2_500 },
    { address: 44, family: 'pulseCounter', model: 'pulse-water', position: 1, name: 'Extension water', profile: 'water', nominalPowerW: 2_000 },
    { address: 44, family: 'pulseCounter', model: 'pulse-electricity', position: 2, name: 'Extension canteen', profile: 'residential', nominalPowerW: 6_000 },
    { address: 44, family: 'pulseCounter', model: 'pulse-gas', position: 3, name: 'Extension gas', profile: 'gas', nominalPowerW: 15_000 },
  ];
  return {
    name: 'EWS demo',
    groups: ['Building A', 'Building B', 'Car park'],
    buses: [
      { name: 'Local', kind: 'local', devices: local, unconfigured },
      { name: 'Building B', kind: 'tcp', devices: gateway },
    ],
  };
}

/**
 * The PM1WS255 edition's full installation: 255 devices, the edition's limit, over the Local
 * RS485 line and 7 Modbus TCP gateways (32 addresses each at most, the edition's per-gateway
 * limit). Each bus is one building or wing: a main multifunction meter (excluded from totals,
 * heads the bus's measure group), a breaker, a pulse concentrator (electricity, water, gas) and
 * energy counters on the loads of a tertiary building; the remaining meters are sub-meters.
 */
export function fullInstallation255(): Installation {
  const TOTAL = 255, BUSES = 8, ADDRESSES = 32;
  const loads = ['lighting', 'heating', 'air-conditioning', 'ventilation', 'power-sockets', 'ev-charging', undefined];
  const loadProfile: Record<string, SimProfile> = { lighting: 'lighting', heating: 'heating', 'air-conditioning': 'hvac', ventilation: 'flat', 'power-sockets': 'office', 'ev-charging': 'ev' };
  const groups = Array.from({ length: BUSES }, (_, b) => (b === 0 ? 'Main building' : `Wing ${String.fromCharCode(64 + b)}`));
  const buses: InstallationBus[] = groups.map((g, b) => ({ name: b === 0 ? 'Local' : `Gateway ${b}`, kind: b === 0 ? 'local' : 'tcp', devices: [] }));
  let count = 0;
  const add = (b: number, d: InstallationDevice) => { buses[b].devices.push(d); count++; };
  // fixed equipment of every bus first, then counters round-robin until the edition is full
  for (let b = 0; b < BUSES; b++) {
    const group = [groups[b]];
    add(b, { address: 1, family: 'multifunction', model: b % 2 ? 'EMDX3-412045' : 'F3N200', name: `${groups[b]} main`, profile: 'office', nominalPowerW: 80_000, excludeFromTotals: true, groups: group });
    add(b, { address: 2, family: 'breaker', model: 'M7COM-MEGATIKER', name: `${groups[b]} breaker`, profile: 'office', nominalPowerW: 80_000, excludeFromTotals: true });
    add(b, { address: 3, family: 'pulseCounter', model: 'pulse-electricity', position: 1, name: `${groups[b]} canteen`, profile: 'residential', nominalPowerW: 9_000, groups: group });
    add(b, { address: 3, family: 'pulseCounter', model: 'pulse-water', position: 2, name: `${groups[b]} water`, profile: 'water', nominalPowerW: 3_000, groups: group });
    add(b, { address: 3, family: 'pulseCounter', model: 'pulse-gas', position: 3, name: `${groups[b]} gas`, profile: 'gas', nominalPowerW: 25_000, groups: group });
  }
  for (let address = 4; address <= ADDRESSES && count < TOTAL; address++) {
    for (let b = 0; b < BUSES && count < TOTAL; b++) {
      const k = address * BUSES + b;
      const loadId = loads[k % loads.length];
      add(b, {
        address, family: 'energyCounter', model: k % 3 === 0 ? 'F21DM63' : 'F41DM63', name: `${groups[b]} ${loadId ?? 'sub-meter'} ${address}`,
        profile: loadId ? loadProfile[loadId] : 'office', nominalPowerW: 2_000 + 1_000 * (k % 11),
        ...(loadId ? { loadId } : {}), groups: [groups[b]],
      });
    }
  }
  return { name: 'PM1WS255 full', groups, buses };
}

const BENCH_PROFILES: SimProfile[] = ['office', 'residential', 'lighting', 'hvac', 'heating', 'flat'];

/** `n` multifunction meters with full register maps at addresses 1…n (bus throughput). */
export function benchInstallation(n = 32, model = 'F3N200'): Installation {
  if (n < 1 || n > 247) throw new RangeError(`bench size ${n} outside 1…247`);
  const devices = Array.from({ length: n }, (_, i): InstallationDevice => ({
    address: i + 1, family: 'multifunction', model, name: `Meter ${i + 1}`,
    profile: BENCH_PROFILES[i % BENCH_PROFILES.length], nominalPowerW: 10_000 + 5_000 * (i % 7),
  }));
  return { name: `bench-${n}`, buses: [{ name: 'Local', kind: 'local', devices }] };
}

export interface BuildSimBusOptions {
  clock?: Clock;
  timeScale?: number;
  turnaroundMs?: number;
  /** Mixed into every device's seed (default 1). */
  seed?: number;
  /** Extra per-phase load (A) of the meters that feed the stations, on top of the stations' draw. */
  stationMeterBaseA?: () => [number, number, number];
  /** A supply disturbance shared by every device of the bus (EQ-1 bad week). */
  supply?: SupplyDisturbance;
}

/**
 * Instantiates the simulated devices of one bus (configured and `unconfigured` ones): one slave
 * per address; several positions at one address become one concentrator slave. Devices with
 * `simulated: false` are left out.
 */
export function buildSimBus(catalog: Catalog, bus: InstallationBus, opts: BuildSimBusOptions = {}): SimBus & { stations: SimStation[] } {
  const simBus = new SimBus({ ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.turnaroundMs !== undefined ? { turnaroundMs: opts.turnaroundMs } : {}) });
  const byAddress = new Map<number, SimSlave[]>();
  // charging stations first (the sides of one address are one slave): meters upstream add their draw
  const stations: SimStation[] = [];
  const all = [...bus.devices, ...(bus.unconfigured ?? [])];
  const stationDevices = all.filter((d) => d.family === 'evStation' && d.simulated !== false);
  for (const address of new Set(stationDevices.map((d) => d.address))) {
    const sides = stationDevices.filter((d) => d.address === address);
    const station = createSimStation(catalog.require('evStation', sides[0].model), {
      address, name: sides.map((d) => d.name).join(' / '), seed: hashInts(opts.seed ?? 1, address),
      sides: sides.map((d) => ({ ...(d.side ? { side: d.side } : {}), ...(d.phase ? { phase: d.phase } : {}) })),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
    });
    stations.push(station);
    simBus.add(station);
  }
  const stationCurrents = (): [number, number, number] => {
    const sum: [number, number, number] = opts.stationMeterBaseA ? opts.stationMeterBaseA() : [0, 0, 0];
    for (const st of stations) st.phaseCurrentsA().forEach((a, i) => { sum[i] += a; });
    return sum;
  };
  for (const d of all) {
    if (d.simulated === false || d.family === 'evStation') continue;
    const model = catalog.require(d.family, d.model);
    const slave = createSimSlave(model, {
      address: d.address,
      seed: hashInts(opts.seed ?? 1, d.address, d.position ?? 0, d.model.length),
      name: d.name,
      ...(d.position !== undefined ? { position: d.position } : {}),
      ...(d.generic ? { generic: d.generic } : {}),
      ...(d.profile ? { profile: d.profile } : {}),
      ...(d.nominalPowerW !== undefined ? { nominalPowerW: d.nominalPowerW } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
      ...(opts.supply ? { supply: opts.supply } : {}),
      ...(d.feedsStations ? { extraPhaseCurrentsA: stationCurrents } : {}),
    });
    byAddress.set(d.address, [...(byAddress.get(d.address) ?? []), slave]);
  }
  for (const [address, slaves] of byAddress) {
    if (slaves.length === 1 && slaves[0].position === undefined) simBus.add(slaves[0]);
    else if (slaves.every((s) => s.position !== undefined)) simBus.add(combineSlaves(address, slaves));
    else throw new Error(`${bus.name}: address ${address} is used by ${slaves.map((s) => s.name).join(', ')}`);
  }
  return Object.assign(simBus, { stations });
}
