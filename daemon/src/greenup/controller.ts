/**
 * @module greenup/controller
 * The Green'Up charging controller as a pure function of its inputs (EV-2, EV-3, EV-5): the
 * main meter's per-phase currents with their age, the stations' reports, the settings and the
 * per-session overrides → the setpoint and start/wait command each station should have, and
 * the decisions taken, each with its rule and reason (EV-6). Time comes in `now`; nothing here
 * reads a clock, touches the bus or stores anything.
 *
 * Zones are evaluated per phase (beyond the manual): a phase is red above the maximum current
 * available, yellow above the maximum current for charging, green below; a phase leaves a zone
 * downwards only once its current is `hysteresis` below the threshold. A station acts on the
 * zones of the phases it draws on, so a single-phase station on L1 is reduced for an overload on
 * L1, not on L3. The installation's zone is its worst phase's.
 *
 * One round of actions, then the controller waits `settleMs` for the stations to react and the
 * meter to show it before the next round (a first red reading acts at once).
 */
import type {
  ChargeLevel, Decision, DecisionRule, GreenupOverride, GreenupPhase, GreenupSettings, StationChargeState, StationPriority, Zone,
} from '@ews/shared';

export const PHASE_LIST: readonly GreenupPhase[] = ['L1', 'L2', 'L3'];
const ZONE_RANK: Record<Zone, number> = { green: 0, yellow: 1, red: 2 };
const worse = (a: Zone, b: Zone): Zone => (ZONE_RANK[a] >= ZONE_RANK[b] ? a : b);
const better = (a: Zone, b: Zone): Zone => (ZONE_RANK[a] <= ZONE_RANK[b] ? a : b);

export interface StationInput {
  deviceId: number;
  /** Phases the station draws on (single-phase: its wiring phase). */
  phases: GreenupPhase[];
  ratedCurrentA: number;
  minCurrentA: number;
  /** The station answered recently; a silent one is counted at its rated current. */
  online: boolean;
  chargeState: StationChargeState;
  /** Current it draws per phase (last reading). */
  currentA: number;
  /** Charge delivered in the current session. */
  sessionAh: number;
  defaultPriority: StationPriority;
}

export interface MeterReading {
  perPhaseA: Record<GreenupPhase, number>;
  /** When the meter answered (epoch ms). */
  atMs: number;
}

export interface ControllerInput {
  now: number;
  settings: GreenupSettings;
  meter: MeterReading | undefined;
  stations: StationInput[];
  overrides: ReadonlyMap<number, GreenupOverride>;
}

/** What the controller knows of one charge (a car plugged into a station or side). */
export interface Session {
  deviceId: number;
  connectedAt: number;
  /** Set while the charge waits (new request, stopped or held), null while it runs. */
  waitingSince: number | null;
  level: 'full' | 'step1' | 'step2';
  /** When it was first reduced (raise order: first reduced first); null at full. */
  reducedAt: number | null;
  running: boolean;
  stoppedBy: 'controller' | 'override' | null;
}

export interface ControllerState {
  enabled: boolean;
  zones: Record<GreenupPhase, Zone>;
  sessions: Map<number, Session>;
  failSafe: boolean;
  lastActionAt: number;
  offline: Set<number>;
  /** Last "nothing to stop" decision, not repeated while it holds. */
  stuckLogged: boolean;
}

export interface StationTarget {
  deviceId: number;
  managed: boolean;
  command: 'start' | 'wait';
  setpointA: number;
  level: ChargeLevel;
}

export interface ControllerOutput {
  zone: Zone;
  zones: Record<GreenupPhase, Zone>;
  /** Currents the zones were computed on (meter + silent stations at rated), null when lost. */
  currentsA: Record<GreenupPhase, number | null>;
  failSafe: boolean;
  meterAgeMs: number | null;
  targets: StationTarget[];
  decisions: Decision[];
}

export interface ControllerOptions {
  /** Wait for stations to react before the next round of actions. */
  settleMs: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = { settleMs: 4000 };

export function initialControllerState(): ControllerState {
  return {
    enabled: false, zones: { L1: 'green', L2: 'green', L3: 'green' }, sessions: new Map(), failSafe: false,
    lastActionAt: Number.NEGATIVE_INFINITY, offline: new Set(), stuckLogged: false,
  };
}

/** Zone of one current against the thresholds, with hysteresis when leaving a zone downwards. */
export function phaseZone(currentA: number, previous: Zone, s: Pick<GreenupSettings, 'maxCurrentA' | 'maxChargingCurrentA' | 'hysteresisPct'>): Zone {
  const raw = (i: number): Zone => (i > s.maxCurrentA ? 'red' : i > s.maxChargingCurrentA ? 'yellow' : 'green');
  const now = raw(currentA);
  if (ZONE_RANK[now] >= ZONE_RANK[previous]) return now;
  const bandA = (s.hysteresisPct / 100) * s.maxCurrentA;
  return worse(now, better(previous, raw(currentA + bandA)));
}

const round1 = (a: number) => Math.round(a * 10) / 10;

export function levelCurrentA(level: Session['level'], st: Pick<StationInput, 'ratedCurrentA' | 'minCurrentA'>, s: GreenupSettings): number {
  const pct = level === 'full' ? 100 : level === 'step1' ? s.step1Pct : s.step2Pct;
  return round1(Math.max(st.minCurrentA, Math.min(st.ratedCurrentA, (st.ratedCurrentA * pct) / 100)));
}

export function failSafeCurrentA(st: Pick<StationInput, 'ratedCurrentA' | 'minCurrentA'>, s: GreenupSettings): number {
  if (s.failSafeCurrentA === null) return levelCurrentA('step2', st, s);
  return round1(Math.min(st.ratedCurrentA, s.failSafeCurrentA));
}

const hasCar = (c: StationChargeState) => c === 'connected' || c === 'charging' || c === 'waiting' || c === 'finished';
const LEVELS: Session['level'][] = ['full', 'step1', 'step2'];

/**
 * One control cycle. Mutates `state` (the controller's memory) and returns the targets and the
 * decisions of this cycle.
 */
export function evaluate(state: ControllerState, input: ControllerInput, options: ControllerOptions = DEFAULT_CONTROLLER_OPTIONS): ControllerOutput {
  const { now, settings: s } = input;
  const decisions: Decision[] = [];
  const byId = new Map(input.stations.map((st) => [st.deviceId, st]));
  const meterAgeMs = input.meter ? Math.max(0, now - input.meter.atMs) : null;

  // Sessions follow the cars: one per plugged car, gone when the station is available again.
  for (const st of input.stations) {
    const had = state.sessions.get(st.deviceId);
    if (!st.online) continue; // a silent station keeps its session as it was
    if (hasCar(st.chargeState) && !had) {
      // a charge already running when management starts (or after a restart) is adopted as it is
      const running = st.chargeState === 'charging';
      state.sessions.set(st.deviceId, { deviceId: st.deviceId, connectedAt: now, waitingSince: running ? null : now, level: 'full', reducedAt: null, running, stoppedBy: null });
    } else if (!hasCar(st.chargeState) && had) {
      state.sessions.delete(st.deviceId);
    }
  }
  for (const id of [...state.sessions.keys()]) if (!byId.has(id)) state.sessions.delete(id);

  // Currents the zones are computed on: the meter's, plus every silent station at its rated current.
  const currentsA: Record<GreenupPhase, number | null> = { L1: null, L2: null, L3: null };
  const fresh = input.meter !== undefined && meterAgeMs !== null && meterAgeMs <= s.meterTimeoutMs;
  if (fresh && input.meter) {
    for (const p of PHASE_LIST) currentsA[p] = input.meter.perPhaseA[p];
    for (const st of input.stations) {
      if (st.online) continue;
      const extra = Math.max(0, st.ratedCurrentA - st.currentA);
      for (const p of st.phases) currentsA[p] = (currentsA[p] ?? 0) + extra;
    }
  }
  const decide = (rule: DecisionRule, reason: string, extra: { deviceId?: number; fromA?: number; toA?: number } = {}): void => {
    const zone = PHASE_LIST.reduce<Zone>((z, p) => worse(z, state.zones[p]), 'green');
    decisions.push({ at: now, zone, rule, ...extra, currentsA: { ...currentsA }, reason });
  };
  const fmt = (p: GreenupPhase) => `${p} ${(currentsA[p] ?? 0).toFixed(1)} A`;
  const override = (id: number): GreenupOverride => input.overrides.get(id) ?? {};
  const priorityOf = (st: StationInput): StationPriority => override(st.deviceId).priority ?? st.defaultPriority;

  // Station lost / back (EV-5: a silent station counts at its rated current).
  for (const st of input.stations) {
    if (!st.online && !state.offline.has(st.deviceId)) {
      state.offline.add(st.deviceId);
      if (s.enabled) decide('station-lost', `station ${st.deviceId} does not answer: counted at its rated current ${st.ratedCurrentA} A until it answers again`, { deviceId: st.deviceId });
    } else if (st.online && state.offline.has(st.deviceId)) {
      state.offline.delete(st.deviceId);
      if (s.enabled) decide('station-back', `station ${st.deviceId} answers again`, { deviceId: st.deviceId });
    }
  }

  // Automatic management OFF: stations follow their own settings.
  if (!s.enabled) {
    if (state.enabled) decide('management-off', 'automatic management switched off: every station follows its own settings');
    state.enabled = false;
    state.failSafe = false;
    return {
      zone: 'green', zones: { ...state.zones }, currentsA, failSafe: false, meterAgeMs, decisions,
      targets: input.stations.map((st) => ({ deviceId: st.deviceId, managed: false, command: 'start', setpointA: st.ratedCurrentA, level: 'unmanaged' })),
    };
  }
  if (!state.enabled) {
    state.enabled = true;
    decide('management-on', 'automatic management switched on');
  }

  const setpointOf = (sess: Session, st: StationInput) => levelCurrentA(sess.level, st, s);
  const targets = (): StationTarget[] => input.stations.map((st) => {
    const sess = state.sessions.get(st.deviceId);
    if (!sess) return { deviceId: st.deviceId, managed: true, command: 'wait', setpointA: st.ratedCurrentA, level: 'none' };
    if (state.failSafe && sess.running) return { deviceId: st.deviceId, managed: true, command: 'start', setpointA: failSafeCurrentA(st, s), level: 'failSafe' };
    if (!sess.running) {
      const level: ChargeLevel = sess.stoppedBy === 'override' ? 'held' : sess.stoppedBy === 'controller' ? 'stopped' : 'waiting';
      return { deviceId: st.deviceId, managed: true, command: 'wait', setpointA: setpointOf(sess, st), level };
    }
    return { deviceId: st.deviceId, managed: true, command: 'start', setpointA: setpointOf(sess, st), level: sess.level };
  });
  const output = (): ControllerOutput => ({
    zone: PHASE_LIST.reduce<Zone>((z, p) => worse(z, state.zones[p]), 'green'),
    zones: { ...state.zones }, currentsA, failSafe: state.failSafe, meterAgeMs, targets: targets(), decisions,
  });

  // Fail-safe (EV-5): no fresh meter reading → every charge at the safe current, no new start.
  if (!fresh) {
    if (!state.failSafe) {
      state.failSafe = true;
      const why = input.meter ? `the main meter has not answered for ${Math.round((meterAgeMs ?? 0) / 100) / 10} s` : 'the main meter has not answered yet';
      decide('fail-safe', `${why}: every charge falls to the safe current`);
      for (const sess of state.sessions.values()) {
        const st = byId.get(sess.deviceId);
        if (st && sess.running) decide('fail-safe', `safe current while the meter is lost`, { deviceId: st.deviceId, fromA: setpointOf(sess, st), toA: failSafeCurrentA(st, s) });
      }
    }
    return output();
  }
  if (state.failSafe) {
    state.failSafe = false;
    // resume from step 2: normal control raises the charges again, first reduced first
    for (const sess of state.sessions.values()) {
      if (!sess.running) continue;
      sess.level = 'step2';
      sess.reducedAt ??= sess.connectedAt;
    }
    decide('fail-safe-end', 'the main meter answers again: normal control resumes from step 2');
    state.lastActionAt = now;
  }

  // Per-phase zones with hysteresis.
  for (const p of PHASE_LIST) state.zones[p] = phaseZone(currentsA[p] ?? 0, state.zones[p], s);
  const zoneOfStation = (st: StationInput): Zone => st.phases.reduce<Zone>((z, p) => worse(z, state.zones[p]), 'green');

  // Held by the Wait override: stop at once, whatever the zone.
  for (const sess of state.sessions.values()) {
    const st = byId.get(sess.deviceId);
    if (!st || override(st.deviceId).start !== 'wait') continue;
    if (sess.running || sess.stoppedBy !== 'override') {
      decide('hold', 'Wait override for this charge', { deviceId: st.deviceId, fromA: sess.running ? setpointOf(sess, st) : 0, toA: 0 });
      sess.running = false;
      sess.stoppedBy = 'override';
      sess.waitingSince ??= now;
    }
  }

  const settled = now - state.lastActionAt >= options.settleMs;
  const anyRed = PHASE_LIST.some((p) => state.zones[p] === 'red');
  if (!anyRed) state.stuckLogged = false;
  const sessionsWith = (pred: (sess: Session, st: StationInput) => boolean) => [...state.sessions.values()]
    .map((sess) => ({ sess, st: byId.get(sess.deviceId) }))
    .filter((x): x is { sess: Session; st: StationInput } => x.st !== undefined && pred(x.sess, x.st));
  const drawing = (sess: Session, st: StationInput) => sess.running && st.online && st.chargeState !== 'finished';

  /** One step down for every running charge on the given phases; false when all are at step 2. */
  const reduceOn = (phases: Set<GreenupPhase>, why: string): boolean => {
    const affected = sessionsWith((sess, st) => drawing(sess, st) && st.phases.some((p) => phases.has(p)));
    const from = affected.some((x) => x.sess.level === 'full') ? 'full' : affected.some((x) => x.sess.level === 'step1') ? 'step1' : undefined;
    if (!from) return false;
    const to = from === 'full' ? 'step1' : 'step2';
    for (const { sess, st } of affected.filter((x) => x.sess.level === from).sort((a, b) => a.sess.connectedAt - b.sess.connectedAt)) {
      const fromA = setpointOf(sess, st);
      sess.level = to;
      sess.reducedAt ??= now;
      decide(to === 'step1' ? 'reduce-step1' : 'reduce-step2', why, { deviceId: st.deviceId, fromA, toA: setpointOf(sess, st) });
    }
    state.lastActionAt = now;
    return true;
  };

  if (anyRed) {
    if (!settled) return output();
    const red = new Set(PHASE_LIST.filter((p) => state.zones[p] === 'red'));
    const redText = [...red].map(fmt).join(', ');
    if (reduceOn(red, `red zone (${redText} > ${s.maxCurrentA} A): reduce the running charges`)) return output();
    // all at step 2 and still red: stop the non-priority charge connected longest that got its minimum
    const candidates = sessionsWith((sess, st) => drawing(sess, st) && st.phases.some((p) => red.has(p))
      && priorityOf(st) === 'normal' && override(st.deviceId).start !== 'start' && st.sessionAh >= s.minGuaranteedAh)
      .sort((a, b) => a.sess.connectedAt - b.sess.connectedAt);
    const victim = candidates[0];
    if (victim) {
      const fromA = setpointOf(victim.sess, victim.st);
      victim.sess.running = false;
      victim.sess.stoppedBy = 'controller';
      victim.sess.waitingSince = now;
      decide('stop', `red zone (${redText}) with every charge at step 2: stop the non-priority station connected longest that received the minimum ${s.minGuaranteedAh} Ah (${victim.st.sessionAh.toFixed(1)} Ah)`, { deviceId: victim.st.deviceId, fromA, toA: 0 });
      state.lastActionAt = now;
      state.stuckLogged = false;
    } else if (!state.stuckLogged) {
      decide('no-stop-candidate', `red zone (${redText}) with every charge at step 2, but no non-priority charge has received the minimum ${s.minGuaranteedAh} Ah yet`);
      state.stuckLogged = true;
    }
    return output();
  }
  if (!settled) return output();

  // Waiting requests, Start overrides first, then priority stations, then longest waiting first.
  const waiting = sessionsWith((sess, st) => !sess.running && st.online && override(st.deviceId).start !== 'wait' && st.chargeState !== 'finished')
    .sort((a, b) => {
      const rank = (x: { st: StationInput }) => (override(x.st.deviceId).start === 'start' ? 0 : 2) + (priorityOf(x.st) === 'priority' ? 0 : 1);
      return rank(a) - rank(b) || (a.sess.waitingSince ?? 0) - (b.sess.waitingSince ?? 0);
    });
  /** Highest level whose current fits under `limitA` on each of the station's phases. */
  const fits = (st: StationInput, addA: (level: Session['level']) => number, limitA: number): Session['level'] | undefined =>
    LEVELS.find((level) => st.phases.every((p) => (currentsA[p] ?? 0) + addA(level) <= limitA));

  const blockedPhases = new Set<GreenupPhase>();
  for (const { sess, st } of waiting) {
    const forced = override(st.deviceId).start === 'start';
    const zone = zoneOfStation(st);
    if (zone === 'green' || (forced && zone === 'yellow')) {
      const limitA = forced ? s.maxCurrentA : s.maxChargingCurrentA;
      const level = fits(st, (l) => levelCurrentA(l, st, s), limitA);
      if (level) {
        const resumed = sess.stoppedBy !== null;
        sess.running = true;
        sess.level = level;
        sess.reducedAt = level === 'full' ? null : now;
        sess.stoppedBy = null;
        const waitedS = Math.round((now - (sess.waitingSince ?? now)) / 1000);
        sess.waitingSince = null;
        const where = st.phases.map(fmt).join(', ');
        decide(resumed ? 'resume' : 'start', `${forced ? 'Start override' : zone === 'green' ? 'green zone' : 'yellow zone'} on ${where}: ${resumed ? 'resume' : 'start'} the charge waiting longest (${waitedS} s) at ${level === 'full' ? 'its rated current' : level}`, { deviceId: st.deviceId, fromA: 0, toA: setpointOf(sess, st) });
        state.lastActionAt = now;
        return output();
      }
    }
    for (const p of st.phases) blockedPhases.add(p);
    // yellow (or no room yet): reduce the running charges on its phases so that it can start
    const busy = new Set(st.phases.filter((p) => state.zones[p] !== 'green' || (currentsA[p] ?? 0) + levelCurrentA('step2', st, s) > s.maxChargingCurrentA));
    if (busy.size > 0 && reduceOn(busy, `a charge waits on station ${st.deviceId} (${[...busy].map(fmt).join(', ')}): reduce the running charges to make room`)) return output();
  }

  // Nothing waits there: raise the reduced charges, first reduced first.
  const reduced = sessionsWith((sess, st) => drawing(sess, st) && sess.level !== 'full' && !st.phases.some((p) => blockedPhases.has(p)))
    .sort((a, b) => (a.sess.reducedAt ?? 0) - (b.sess.reducedAt ?? 0) || a.sess.connectedAt - b.sess.connectedAt);
  for (const { sess, st } of reduced) {
    if (zoneOfStation(st) !== 'green') continue;
    const next = sess.level === 'step2' ? 'step1' : 'full';
    const addA = levelCurrentA(next, st, s) - setpointOf(sess, st);
    if (!st.phases.every((p) => (currentsA[p] ?? 0) + addA <= s.maxChargingCurrentA)) continue;
    const fromA = setpointOf(sess, st);
    sess.level = next;
    if (next === 'full') sess.reducedAt = null;
    decide('raise', `green zone on ${st.phases.map(fmt).join(', ')}: raise the charge reduced first`, { deviceId: st.deviceId, fromA, toA: setpointOf(sess, st) });
    state.lastActionAt = now;
    return output();
  }
  return output();
}
