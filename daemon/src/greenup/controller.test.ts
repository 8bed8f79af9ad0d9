/**
 * The Green'Up controller, table-driven: one case per sentence of EV-2 and EV-3 and per fail-safe
 * rule (EV-5), each named after the sentence it checks. Time is the `now` of each step (no
 * clock, no sleeps). Thresholds: red above 100 A, yellow above 80 A, per phase.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GREENUP_SETTINGS, type GreenupOverride, type GreenupSettings, type GreenupPhase, type DecisionRule } from '@ews/shared';
import { evaluate, initialControllerState, phaseZone, type ControllerOutput, type StationInput, type ControllerState } from './controller';

const T0 = Date.UTC(2026, 0, 5, 18);
const SETTLE_MS = 4000;
const settings = (over: Partial<GreenupSettings> = {}): GreenupSettings => ({
  ...DEFAULT_GREENUP_SETTINGS, enabled: true, meterDeviceId: 1, maxCurrentA: 100, maxChargingCurrentA: 80, ...over,
});
const station = (deviceId: number, over: Partial<StationInput> = {}): StationInput => ({
  deviceId, phases: ['L1', 'L2', 'L3'], ratedCurrentA: 32, minCurrentA: 6, online: true, chargeState: 'charging',
  currentA: 32, sessionAh: 50, defaultPriority: 'normal', ...over,
});

interface Step {
  /** Seconds after T0. */
  t: number;
  /** Per-phase currents, or one number for all three; null: the meter did not answer (its last answer stays). */
  meter: number | [number, number, number] | null;
  stations: StationInput[];
  overrides?: Record<number, GreenupOverride>;
  settings?: Partial<GreenupSettings>;
}

/** Runs the steps through one controller; returns each step's output. */
function run(steps: Step[], base: Partial<GreenupSettings> = {}, state: ControllerState = initialControllerState()): ControllerOutput[] {
  let meterAt: { perPhaseA: Record<GreenupPhase, number>; atMs: number } | undefined;
  return steps.map((step) => {
    const now = T0 + step.t * 1000;
    if (step.meter !== null) {
      const [l1, l2, l3] = typeof step.meter === 'number' ? [step.meter, step.meter, step.meter] : step.meter;
      meterAt = { perPhaseA: { L1: l1, L2: l2, L3: l3 }, atMs: now };
    }
    return evaluate(state, {
      now, settings: settings({ ...base, ...step.settings }), meter: meterAt, stations: step.stations,
      overrides: new Map(Object.entries(step.overrides ?? {}).map(([k, v]) => [Number(k), v])),
    }, { settleMs: SETTLE_MS });
  });
}
const target = (out: ControllerOutput, id: number) => out.targets.find((t) => t.deviceId === id)!;
const rules = (out: ControllerOutput): Array<[DecisionRule, number | undefined]> => out.decisions.filter((d) => d.rule !== 'management-on').map((d) => [d.rule, d.deviceId]);

/** Three charges adopted at full at t=0, connected one second apart (1 oldest). */
const three = (over: Record<number, Partial<StationInput>> = {}) => [1, 2, 3].map((id) => station(id, over[id]));
const adopt = (stations = three()): Step[] => [
  { t: 0, meter: 50, stations: [stations[0]] },
  { t: 1, meter: 50, stations: stations.slice(0, 2) },
  { t: 2, meter: 50, stations },
];

test('EV-2 green: all running charges continue, new requests start', () => {
  const waitingCar = station(4, { chargeState: 'waiting', currentA: 0, sessionAh: 0 });
  const out = run([...adopt(), { t: 10, meter: 40, stations: [...three(), waitingCar] }]);
  const last = out.at(-1)!;
  assert.equal(last.zone, 'green');
  for (const id of [1, 2, 3]) assert.deepEqual([target(last, id).command, target(last, id).setpointA], ['start', 32]);
  assert.deepEqual(rules(last), [['start', 4]]);
  assert.deepEqual([target(last, 4).command, target(last, 4).setpointA], ['start', 32]);
});

test('EV-2 yellow: running charges continue, no new start', () => {
  const out = run([...adopt(), { t: 10, meter: 90, stations: three() }]);
  assert.equal(out.at(-1)!.zone, 'yellow');
  assert.deepEqual(rules(out.at(-1)!), []);
  for (const id of [1, 2, 3]) assert.equal(target(out.at(-1)!, id).setpointA, 32);
});

test('EV-2 yellow: if a request waits, reduce running charges step by step to return to green so it can start', () => {
  const waitingCar = station(4, { chargeState: 'waiting', currentA: 0, sessionAh: 0 });
  const all = [...three(), waitingCar];
  const out = run([
    ...adopt(),
    { t: 10, meter: 90, stations: all },
    { t: 12, meter: 90, stations: all }, // within the settle time: nothing
    { t: 15, meter: 85, stations: all },
    { t: 20, meter: 60, stations: all },
  ]);
  assert.deepEqual(rules(out[3]), [['reduce-step1', 1], ['reduce-step1', 2], ['reduce-step1', 3]]);
  assert.equal(target(out[3], 4).command, 'wait', 'no start in yellow');
  assert.deepEqual(rules(out[4]), []);
  assert.deepEqual(rules(out[5]), [['reduce-step2', 1], ['reduce-step2', 2], ['reduce-step2', 3]]);
  assert.equal(target(out[5], 1).setpointA, 16);
  assert.deepEqual(rules(out[6]), [['start', 4]], 'back in green the request starts');
  assert.equal(target(out[6], 4).setpointA, 16, 'at the highest level that fits under the charging limit (60 + 16 ≤ 80)');
});

test('EV-2 red: no new start', () => {
  const waitingCar = station(4, { chargeState: 'waiting', currentA: 0, sessionAh: 0 });
  const out = run([...adopt(), { t: 10, meter: 110, stations: [...three(), waitingCar] }]);
  assert.equal(out.at(-1)!.zone, 'red');
  assert.equal(target(out.at(-1)!, 4).command, 'wait');
  assert.ok(!rules(out.at(-1)!).some(([r]) => r === 'start'));
});

test('EV-2 red: reduce running charges, step 1 then step 2 (first red reading acts at once)', () => {
  const out = run([
    ...adopt(),
    { t: 10, meter: 110, stations: three() },
    { t: 11, meter: 108, stations: three() },
    { t: 14, meter: 104, stations: three() },
  ]);
  assert.deepEqual(rules(out[3]), [['reduce-step1', 1], ['reduce-step1', 2], ['reduce-step1', 3]]);
  assert.deepEqual(out[3].decisions.slice(-3).map((d) => [d.fromA, d.toA]), [[32, 24], [32, 24], [32, 24]]);
  assert.deepEqual(rules(out[4]), [], 'waits for the stations to react');
  assert.deepEqual(rules(out[5]), [['reduce-step2', 1], ['reduce-step2', 2], ['reduce-step2', 3]]);
  assert.equal(target(out[5], 2).setpointA, 16);
});

test('EV-2 red with every charge at step 2: stop one by one the non-priority station connected longest that already received the minimum quantity', () => {
  // 1: oldest but Priority; 2: normal, only 10 Ah; 3: normal, 40 Ah; 4: normal, 60 Ah, connected last
  const stations = [station(1, { defaultPriority: 'priority' }), station(2, { sessionAh: 10 }), station(3, { sessionAh: 40 }), station(4, { sessionAh: 60 })];
  const steps: Step[] = stations.map((_, i) => ({ t: i, meter: 50, stations: stations.slice(0, i + 1) }));
  const out = run([
    ...steps,
    { t: 10, meter: 120, stations }, { t: 14, meter: 115, stations }, { t: 18, meter: 110, stations }, { t: 22, meter: 105, stations },
  ]);
  assert.deepEqual(rules(out[4]).map(([r]) => r), ['reduce-step1', 'reduce-step1', 'reduce-step1', 'reduce-step1']);
  assert.deepEqual(rules(out[5]).map(([r]) => r), ['reduce-step2', 'reduce-step2', 'reduce-step2', 'reduce-step2']);
  assert.deepEqual(rules(out[6]), [['stop', 3]], 'not 1 (priority) nor 2 (below 32 Ah): 3, connected before 4');
  assert.equal(target(out[6], 3).command, 'wait');
  assert.deepEqual(rules(out[7]), [['stop', 4]], 'then the next one');
});

test('EV-2 minimum guaranteed quantity: a charge below it is never stopped, and the controller says why', () => {
  const young = three({ 1: { sessionAh: 5 }, 2: { sessionAh: 31.9 }, 3: { sessionAh: 0 } });
  const out = run([...adopt(young), { t: 10, meter: 130, stations: young }, { t: 14, meter: 130, stations: young }, { t: 18, meter: 130, stations: young }, { t: 22, meter: 130, stations: young }]);
  assert.deepEqual(rules(out[5]), [['no-stop-candidate', undefined]]);
  assert.deepEqual(rules(out[6]), [], 'said once while it holds');
  for (const id of [1, 2, 3]) assert.equal(target(out[6], id).command, 'start');
});

test('EV-2 going back to a lower zone: resume waiting charges, longest waiting first', () => {
  const s = three({ 1: { sessionAh: 40 }, 2: { sessionAh: 40 }, 3: { sessionAh: 0 } });
  const stopped = (ids: number[]) => s.map((x) => (ids.includes(x.deviceId) ? { ...x, chargeState: 'waiting' as const, currentA: 0 } : x));
  const out = run([
    ...adopt(s),
    { t: 10, meter: 130, stations: s }, { t: 14, meter: 130, stations: s },
    { t: 18, meter: 125, stations: s }, // stop 1
    { t: 22, meter: 110, stations: stopped([1]) }, // stop 2
    { t: 26, meter: 40, stations: stopped([1, 2]) },
    { t: 30, meter: 50, stations: stopped([2]) },
  ]);
  assert.deepEqual(rules(out[5]), [['stop', 1]]);
  assert.deepEqual(rules(out[6]), [['stop', 2]]);
  assert.deepEqual(rules(out[7]), [['resume', 1]], 'station 1 waits since t=18, station 2 since t=22');
  assert.deepEqual(rules(out[8]), [['resume', 2]]);
});

test('EV-2 going back to a lower zone with nothing waiting: raise reduced charges, first reduced first', () => {
  const out = run([
    { t: 0, meter: 50, stations: [station(1)] },
    { t: 1, meter: 105, stations: [station(1)] }, // 1 reduced first
    { t: 2, meter: 50, stations: [station(1), station(2)] },
    { t: 6, meter: 105, stations: [station(1), station(2)] }, // 1 → step 2, 2 → step 1
    { t: 10, meter: 40, stations: [station(1), station(2)] },
    { t: 14, meter: 45, stations: [station(1), station(2)] },
    { t: 18, meter: 50, stations: [station(1), station(2)] },
  ]);
  assert.deepEqual(rules(out[1]), [['reduce-step1', 1]]);
  assert.deepEqual(rules(out[3]), [['reduce-step1', 2]], 'station 2 at full goes to step 1 first (one step per round)');
  assert.deepEqual(rules(out[4]), [['raise', 1]], 'station 1 was reduced first');
  assert.deepEqual(rules(out[5]), [['raise', 2]]);
  assert.deepEqual([target(out[5], 1).setpointA, target(out[5], 2).setpointA], [32, 32]);
});

test('EV-2 hysteresis: current variations inside the band are ignored (no flapping)', () => {
  const band = { hysteresisPct: 5 }; // 5 % of 100 A: leave yellow below 75 A
  const waitingCar = station(4, { chargeState: 'waiting', currentA: 0, sessionAh: 0 });
  const meters = [82, 79, 81, 78, 76, 79, 77];
  const out = run([...adopt(), ...meters.map((m, i) => ({ t: 10 + i * 5, meter: m, stations: three() }))], band);
  assert.deepEqual(out.slice(3).map((o) => o.zone), meters.map(() => 'yellow'), 'stays yellow inside the band');
  assert.equal(phaseZone(74, 'yellow', settings(band)), 'green');
  assert.equal(phaseZone(79, 'yellow', settings({ hysteresisPct: 0 })), 'green', 'without hysteresis it would flap');
  // with a waiting car, nothing starts while the band holds it yellow (the reductions happen once per step, not back and forth)
  const withCar = run([...adopt(), ...meters.map((m, i) => ({ t: 10 + i * 5, meter: m, stations: [...three(), waitingCar] }))], band);
  const all = withCar.slice(3).flatMap(rules).map(([r]) => r);
  assert.ok(!all.includes('raise'), `no raise/reduce flapping: ${all.join(',')}`);
});

test('EV-2 per phase (beyond the manual): a single-phase station on L1 is reduced for an overload on L1, not on L3', () => {
  const onL1 = station(1, { phases: ['L1'] });
  const onL3 = station(2, { phases: ['L3'] });
  const out = run([
    { t: 0, meter: 50, stations: [onL1, onL3] },
    { t: 5, meter: [50, 50, 110], stations: [onL1, onL3] },
    { t: 10, meter: [110, 50, 50], stations: [onL1, onL3] },
  ]);
  assert.deepEqual(out[1].zones, { L1: 'green', L2: 'green', L3: 'red' });
  assert.deepEqual(rules(out[1]), [['reduce-step1', 2]]);
  assert.equal(target(out[1], 1).setpointA, 32);
  assert.deepEqual(rules(out[2]), [['reduce-step1', 1]]);
});

test('EV-2 per phase: a waiting single-phase car starts on a green phase while another phase is yellow', () => {
  const onL2 = station(5, { phases: ['L2'], chargeState: 'waiting', currentA: 0, sessionAh: 0, ratedCurrentA: 16 });
  const out = run([{ t: 0, meter: [90, 40, 90], stations: [onL2] }]);
  assert.equal(out[0].zone, 'yellow');
  assert.deepEqual(rules(out[0]), [['start', 5]]);
});

test('EV-3 priorities: a Priority station (default setting) is never the one stopped, and comes first in the waiting list', () => {
  const s = three({ 1: { defaultPriority: 'priority' } });
  const out = run([...adopt(s), { t: 10, meter: 130, stations: s }, { t: 14, meter: 130, stations: s }, { t: 18, meter: 130, stations: s }]);
  assert.deepEqual(rules(out[5]), [['stop', 2]]);
  const waiting = [station(7, { chargeState: 'waiting', currentA: 0 }), station(8, { chargeState: 'waiting', currentA: 0, defaultPriority: 'priority' })];
  const q = run([{ t: 0, meter: 10, stations: [waiting[0]] }, { t: 5, meter: 10, stations: waiting }]);
  assert.deepEqual(rules(q[0]), [['start', 7]]);
  const q2 = run([{ t: 0, meter: 70, stations: waiting }, { t: 5, meter: 10, stations: waiting }]);
  assert.deepEqual(rules(q2[1]), [['start', 8]], 'the priority station first, though 7 waited as long');
});

test('EV-3 per-session Wait override holds the charge; the default setting is unchanged', () => {
  const out = run([...adopt(), { t: 10, meter: 50, stations: three(), overrides: { 2: { start: 'wait' } } }, { t: 20, meter: 20, stations: three(), overrides: { 2: { start: 'wait' } } }]);
  assert.deepEqual(rules(out[3]), [['hold', 2]]);
  assert.equal(target(out[3], 2).command, 'wait');
  assert.equal(target(out[3], 2).level, 'held');
  assert.deepEqual(rules(out[4]), [], 'a held charge is not resumed in green');
  const cleared = run([...adopt(), { t: 10, meter: 50, stations: three(), overrides: { 2: { start: 'wait' } } }, { t: 20, meter: 20, stations: three() }]);
  assert.deepEqual(rules(cleared[4]), [['resume', 2]], 'without the override, the charge goes back to the waiting list');
});

test('EV-3 per-session Start override starts a waiting charge in yellow and protects it from stops; Priority override for the session', () => {
  const car = station(4, { chargeState: 'waiting', currentA: 0, sessionAh: 50 });
  const out = run([...adopt(), { t: 10, meter: 82, stations: [...three(), car], overrides: { 4: { start: 'start' } } }]);
  assert.equal(out[3].zone, 'yellow');
  assert.deepEqual(rules(out[3]), [['start', 4]]);
  assert.equal(target(out[3], 4).setpointA, 16, 'the highest level under the red threshold: 82 + 16 ≤ 100');
  const s = three();
  const prio = run([...adopt(s), { t: 10, meter: 130, stations: s, overrides: { 1: { priority: 'priority' } } },
    { t: 14, meter: 130, stations: s, overrides: { 1: { priority: 'priority' } } }, { t: 18, meter: 130, stations: s, overrides: { 1: { priority: 'priority' } } }]);
  assert.deepEqual(rules(prio[5]), [['stop', 2]], 'station 1 is Priority for this charge');
});

test('EV-5 fail-safe: when the main meter has not answered for the timeout, every charge falls to the safe current (default step 2) and nothing starts', () => {
  const car = station(4, { chargeState: 'waiting', currentA: 0 });
  const out = run([...adopt(), { t: 5, meter: null, stations: three() }, { t: 7.1, meter: null, stations: [...three(), car] }, { t: 9, meter: null, stations: [...three(), car] }]);
  assert.equal(out[3].failSafe, false, '3 s old: still fresh');
  assert.equal(out[4].failSafe, true, '5.1 s old: lost');
  assert.deepEqual(rules(out[4]).map(([r]) => r), ['fail-safe', 'fail-safe', 'fail-safe', 'fail-safe']);
  for (const id of [1, 2, 3]) assert.deepEqual([target(out[4], id).command, target(out[4], id).setpointA, target(out[4], id).level], ['start', 16, 'failSafe']);
  assert.equal(target(out[4], 4).command, 'wait', 'no new start on stale data');
  assert.deepEqual(rules(out[5]), [], 'decided once');
  assert.equal(out[4].meterAgeMs, 5100);
});

test('EV-5 fail-safe: the safe current is configurable', () => {
  const out = run([...adopt(), { t: 10, meter: null, stations: three() }], { failSafeCurrentA: 10 });
  for (const id of [1, 2, 3]) assert.equal(target(out[3], id).setpointA, 10);
  const stop = run([...adopt(), { t: 10, meter: null, stations: three() }], { failSafeCurrentA: 0 });
  assert.equal(target(stop[3], 1).setpointA, 0);
});

test('EV-5 fail-safe: normal control resumes by itself when the meter is back, from step 2, raising the charges again', () => {
  const out = run([...adopt(), { t: 10, meter: null, stations: three() }, { t: 12, meter: 40, stations: three() }, { t: 16, meter: 40, stations: three() }]);
  assert.equal(out[4].failSafe, false);
  assert.deepEqual(rules(out[4]), [['fail-safe-end', undefined]]);
  for (const id of [1, 2, 3]) assert.equal(target(out[4], id).setpointA, 16);
  assert.deepEqual(rules(out[5]), [['raise', 1]]);
});

test('EV-5 fail-safe: a meter that never answered means the safe current from the start (never unlimited on stale data)', () => {
  const state = initialControllerState();
  const out = evaluate(state, { now: T0, settings: settings(), meter: undefined, stations: three(), overrides: new Map() });
  assert.equal(out.failSafe, true);
  for (const id of [1, 2, 3]) assert.equal(out.targets.find((t) => t.deviceId === id)!.setpointA, 16);
});

test('EV-5 a station that stops answering is counted at its rated current until it answers again', () => {
  const silent = three({ 3: { online: false, currentA: 0 } });
  const out = run([...adopt(), { t: 10, meter: 75, stations: silent }, { t: 20, meter: 75, stations: three() }]);
  assert.deepEqual(out[3].currentsA, { L1: 107, L2: 107, L3: 107 }, '75 + 32');
  assert.equal(out[3].zone, 'red');
  assert.ok(rules(out[3]).some(([r, id]) => r === 'station-lost' && id === 3));
  assert.deepEqual(out[4].currentsA, { L1: 75, L2: 75, L3: 75 });
  assert.ok(rules(out[4]).some(([r, id]) => r === 'station-back' && id === 3));
});

test('EV-5 automatic management OFF leaves the stations at their own settings and says so', () => {
  const out = run([...adopt(), { t: 10, meter: 150, stations: three(), settings: { enabled: false } }]);
  assert.deepEqual(rules(out[3]), [['management-off', undefined]]);
  for (const t of out[3].targets) assert.deepEqual([t.managed, t.level], [false, 'unmanaged']);
});
