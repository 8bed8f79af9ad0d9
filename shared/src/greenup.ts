/**
 * @module greenup
 * Green'Up EV charging management (EV-1…6): settings, the controller's live status, its decision
 * log, per-session overrides, charging sessions and station commands, with their routes.
 */
import { z } from 'zod';

export const PHASES = ['L1', 'L2', 'L3'] as const;
export const greenupPhaseSchema = z.enum(PHASES);
export type GreenupPhase = z.infer<typeof greenupPhaseSchema>;

export const zoneSchema = z.enum(['green', 'yellow', 'red']);
export type Zone = z.infer<typeof zoneSchema>;

export const stationPrioritySchema = z.enum(['normal', 'priority']);
export type StationPriority = z.infer<typeof stationPrioritySchema>;

const deviceId = z.number().int().min(1).max(9999);

/** EV-1 settings (and EV-5's fail-safe, beyond the manual). */
export const greenupSettingsSchema = z.object({
  /** Automatic management ON/OFF. OFF: stations follow their own settings. */
  enabled: z.boolean(),
  /** Total power consumption meter: a device with per-phase currents. */
  meterDeviceId: deviceId.nullable(),
  /** Maximum current available, per phase: the yellow/red threshold. */
  maxCurrentA: z.number().positive().max(6300),
  /** Maximum current available for charging, per phase: the green/yellow threshold. */
  maxChargingCurrentA: z.number().positive().max(6300),
  /** Current consumption hysteresis, % of the maximum current available. */
  hysteresisPct: z.number().min(0).max(50),
  /** Reduction steps, % of each station's rated current. */
  step1Pct: z.number().int().min(10).max(100),
  step2Pct: z.number().int().min(10).max(100),
  /** Minimum guaranteed charging quantity before a charge may be stopped. */
  minGuaranteedAh: z.number().min(0).max(1000),
  /** The meter is lost when it has not answered for this long (EV-5). */
  meterTimeoutMs: z.number().int().min(1000).max(60_000),
  /** Safe current of every charge while the meter is lost; null: each station's step 2; 0: stop. */
  failSafeCurrentA: z.number().min(0).max(80).nullable(),
  /** Default priority per station or side (Priority stations page); absent: Normal. */
  priorities: z.array(z.object({ deviceId, priority: stationPrioritySchema })).max(255),
  /**
   * Local RS485 bus only: when every station of one register map on the bus needs the same new
   * setpoint, one Modbus broadcast (address 0) writes it to all. Only for a bus whose every device
   * is configured: the catalogue is checked that no other configured device has a register at that
   * address, but an unknown device would take the write too. Unacknowledged: each station's report
   * is checked afterwards and a station that did not take it is written to on its own.
   */
  broadcastSetpoints: z.boolean().default(false),
}).superRefine((s, ctx) => {
  if (s.maxChargingCurrentA > s.maxCurrentA) ctx.addIssue({ code: 'custom', path: ['maxChargingCurrentA'], message: 'the current for charging cannot exceed the maximum current available' });
  if (s.step2Pct > s.step1Pct) ctx.addIssue({ code: 'custom', path: ['step2Pct'], message: 'step 2 reduces at least as much as step 1' });
  if (new Set(s.priorities.map((p) => p.deviceId)).size !== s.priorities.length) ctx.addIssue({ code: 'custom', path: ['priorities'], message: 'one priority per station' });
});
export type GreenupSettings = z.infer<typeof greenupSettingsSchema>;

export const DEFAULT_GREENUP_SETTINGS: GreenupSettings = {
  enabled: false, meterDeviceId: null, maxCurrentA: 250, maxChargingCurrentA: 228, hysteresisPct: 0,
  step1Pct: 75, step2Pct: 50, minGuaranteedAh: 32, meterTimeoutMs: 5000, failSafeCurrentA: null, priorities: [], broadcastSetpoints: false,
};

/** The controller's level for a charge. */
export const chargeLevelSchema = z.enum(['full', 'step1', 'step2', 'failSafe', 'stopped', 'held', 'waiting', 'none', 'unmanaged']);
export type ChargeLevel = z.infer<typeof chargeLevelSchema>;

/** The charge as the station reports it. */
export const chargeStateSchema = z.enum(['available', 'connected', 'charging', 'waiting', 'finished', 'error', 'unknown']);
export type StationChargeState = z.infer<typeof chargeStateSchema>;

export const overrideSchema = z.object({
  /** Start/Wait for the current charge only. */
  start: z.enum(['start', 'wait']).optional(),
  /** Normal/Priority for the current charge only. */
  priority: stationPrioritySchema.optional(),
});
export type GreenupOverride = z.infer<typeof overrideSchema>;

export const stationStatusSchema = z.object({
  deviceId,
  name: z.string(),
  model: z.string(),
  address: z.number().int(),
  side: z.enum(['A', 'B']).optional(),
  phases: z.array(greenupPhaseSchema),
  /** Station answers (status "on") and its reading's age. */
  online: z.boolean(),
  ageMs: z.number().nullable(),
  /** What the station reports: station state, charge state, errors. */
  stationState: z.string().nullable(),
  chargeState: chargeStateSchema,
  stationError: z.string().nullable(),
  chargeError: z.string().nullable(),
  managed: z.boolean(),
  evPlug: z.boolean().nullable(),
  domesticPlug: z.boolean().nullable(),
  /** The controller's view: level and setpoint it wants, what the station draws. */
  state: chargeLevelSchema,
  setpointA: z.number(),
  currentA: z.number(),
  ratedCurrentA: z.number(),
  priority: stationPrioritySchema,
  defaultPriority: stationPrioritySchema,
  override: overrideSchema,
  ahDelivered: z.number(),
  energyWh: z.number(),
  connectedAt: z.number().nullable(),
  waitingSince: z.number().nullable(),
  firmwareVersion: z.number().nullable(),
  hardwareVersion: z.number().nullable(),
});
export type StationStatus = z.infer<typeof stationStatusSchema>;

const phaseStatus = z.object({ currentA: z.number().nullable(), zone: zoneSchema });

export const greenupStatusSchema = z.object({
  enabled: z.boolean(),
  /** Why the controller does nothing, when it does nothing (management off, no meter). */
  idleReason: z.string().optional(),
  zone: zoneSchema,
  perPhase: z.object({ L1: phaseStatus, L2: phaseStatus, L3: phaseStatus }),
  maxCurrentA: z.number(),
  maxChargingCurrentA: z.number(),
  failSafe: z.boolean(),
  /** Age of the main meter's last good reading (null: never read). */
  meterAgeMs: z.number().nullable(),
  meterDeviceId: deviceId.nullable(),
  stations: z.array(stationStatusSchema),
});
export type GreenupStatus = z.infer<typeof greenupStatusSchema>;

export const decisionRuleSchema = z.enum([
  'start', 'resume', 'raise', 'reduce-step1', 'reduce-step2', 'stop', 'hold', 'no-stop-candidate',
  'fail-safe', 'fail-safe-end', 'management-on', 'management-off', 'station-lost', 'station-back',
]);
export type DecisionRule = z.infer<typeof decisionRuleSchema>;

export const decisionSchema = z.object({
  at: z.number(),
  zone: zoneSchema,
  rule: decisionRuleSchema,
  deviceId: deviceId.optional(),
  fromA: z.number().optional(),
  toA: z.number().optional(),
  /** Per-phase currents the decision was taken on (A; null when the meter is lost). */
  currentsA: z.object({ L1: z.number().nullable(), L2: z.number().nullable(), L3: z.number().nullable() }),
  reason: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const chargingSessionSchema = z.object({
  id: z.number().int(),
  deviceId,
  start: z.number(),
  end: z.number().nullable(),
  energyWh: z.number(),
  ah: z.number(),
  /** Cost from the electricity tariffs in force (null: no tariff covers the charge). */
  cost: z.number().nullable(),
  currency: z.string(),
});
export type ChargingSession = z.infer<typeof chargingSessionSchema>;

export const stationCommandSchema = z.object({
  evPlug: z.boolean().optional(),
  domesticPlug: z.boolean().optional(),
}).strict().refine((c) => c.evPlug !== undefined || c.domesticPlug !== undefined, { message: 'give evPlug or domesticPlug' });

const stationParam = z.object({ deviceId: z.coerce.number({ error: 'a device id is a number' }).int('a device id is a whole number').min(1, 'device ids go from 1 to 9999').max(9999, 'device ids go from 1 to 9999') });

export const greenupEndpoints = {
  'GET /api/greenup/settings': { summary: 'Green\'Up management settings (EV-1)', right: 'greenUp', response: greenupSettingsSchema },
  'PUT /api/greenup/settings': { summary: 'Change the Green\'Up management settings (EV-1); applied at the next control cycle', right: 'greenUp', body: greenupSettingsSchema, response: greenupSettingsSchema },
  'GET /api/greenup/status': { summary: 'Zone, per-phase currents against the thresholds, fail-safe, stations (EV-2, EV-4, EV-5)', right: 'greenUp', response: greenupStatusSchema },
  'GET /api/greenup/decisions': { summary: 'The controller\'s decisions with their reasons, newest first (EV-6)', right: 'greenUp', query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: z.array(decisionSchema) },
  'PUT /api/greenup/overrides/:deviceId': { summary: 'Start/Wait and Normal/Priority for the current charge only (EV-3)', right: 'greenUp', params: stationParam, body: overrideSchema.strict(), response: stationStatusSchema },
  'GET /api/greenup/sessions': { summary: 'Charging sessions, newest first: start, end, energy, Ah, cost', right: 'greenUp', query: z.object({ deviceId: z.coerce.number().int().min(1).max(9999).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: z.array(chargingSessionSchema) },
  'POST /api/greenup/stations/:deviceId/commands': { summary: 'Enable or disable the EV plug or the domestic plug (EV-4)', right: 'greenUp', params: stationParam, body: stationCommandSchema, response: stationStatusSchema },
} as const; // checked where it is spread into `endpoints`
