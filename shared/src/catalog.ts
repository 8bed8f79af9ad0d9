/**
 * @module catalog
 * The device catalogue as data (CAT-1): one JSON file per model, validated by these schemas.
 * Both the daemon (poller) and the simulator read the same files.
 */
import { z } from 'zod';

export const registerTypeSchema = z.enum(['u16', 's16', 'u32', 's32', 'u64', 's64', 'float32']);
export type RegisterType = z.infer<typeof registerTypeSchema>;

/** Number of 16-bit words each register type occupies. */
export const REGISTER_WORDS: Record<RegisterType, number> = {
  u16: 1, s16: 1, u32: 2, s32: 2, u64: 4, s64: 4, float32: 2,
};

/** `big`: most significant word first (Modbus convention); `little`: word-swapped. */
export const wordOrderSchema = z.enum(['big', 'little']);
export type WordOrder = z.infer<typeof wordOrderSchema>;

export const unitSchema = z.enum([
  'Wh', 'varh', 'VAh', 'W', 'var', 'VA', 'V', 'A', 'Ah', 'Hz', '%', 'dm3', 'degC', 's', '', 'state',
]);
export type Unit = z.infer<typeof unitSchema>;

/** Measure-table group a quantity is shown in (CON-7). */
export const quantityGroupSchema = z.enum([
  'energy', 'power', 'powerFactor', 'voltage', 'current', 'frequency', 'thd', 'harmonics',
  'counter', 'state', 'io', 'identity', 'temperature',
]);
export type QuantityGroup = z.infer<typeof quantityGroupSchema>;

/** Counters that the store keeps as corrected monotonic running counters (STO-4). */
export const counterKindSchema = z.enum(['activeEnergyImport', 'activeEnergyExport', 'water', 'gas']);
export type CounterKind = z.infer<typeof counterKindSchema>;

/** camelCase with the unit as suffix (`activePowerW`); repeated registers put `{n}` where the index goes. */
const keySchema = z.string().regex(/^[a-z][A-Za-z0-9]*(\{n\}[A-Za-z0-9]*)?$/, 'camelCase key, unit as suffix (e.g. activePowerW)');

export const registerSchema = z.object({
  key: keySchema,
  /** Protocol address (0-based), as the vendor tables give it in hex. */
  address: z.number().int().min(0).max(0xffff),
  fn: z.union([z.literal(3), z.literal(4)]),
  type: registerTypeSchema,
  /** value = raw × scale */
  scale: z.number().positive().default(1),
  unit: unitSchema,
  group: quantityGroupSchema,
  label: z.string().optional(),
  /**
   * The label's message key (`q.<labelKey>` in the SPA's dictionaries, SYS-3): every language
   * renders it with `{phase}` (the register's phase: L1, L1-L2…), `{n}` (the repeat index) and
   * `labelParams`; `label` stays the English text (a test checks they agree).
   */
  labelKey: z.string().regex(/^[a-z][A-Za-z0-9]*$/).optional(),
  labelParams: z.record(z.string().regex(/^[a-z]+$/), z.union([z.string(), z.number()])).optional(),
  /** Phase or line the quantity belongs to, for table layout. */
  phase: z.enum(['L1', 'L2', 'L3', 'N', 'L12', 'L23', 'L31', 'total']).optional(),
  /** Marks a corrected running counter (energy, water, gas). */
  counter: counterKindSchema.optional(),
  /** Instantaneous quantity kept as avg/min/max statistics (STO-1). */
  statistic: z.boolean().default(false),
  /** Raw value → state name, for enumerations (breaker state, inputs). */
  states: z.record(z.string().regex(/^-?\d+$/), z.string()).optional(),
  /**
   * Expand into `count` consecutive registers: `{n}` in the key becomes first+i (e.g. harmonic ranks),
   * addresses advance by `stride` words (default: the type's width).
   */
  repeat: z.object({
    count: z.number().int().min(1).max(64),
    first: z.number().int().min(0).default(1),
    stride: z.number().int().min(1).optional(),
  }).optional(),
  /** A holding register (FC03) the device accepts writes to (FC06/FC16): outputs, output settings (DEV-3). */
  writable: z.boolean().default(false),
});
export type RegisterDef = z.infer<typeof registerSchema>;
export type RegisterDefInput = z.input<typeof registerSchema>;

/** Switching commands a model offers on its State/Com. page (DEV-2). */
export const commandKindSchema = z.enum(['open', 'close', 'reset']);
export type CommandKind = z.infer<typeof commandKindSchema>;

/**
 * A switching command: `value` written (FC06) to the holding register `address` (offset by the
 * position like the registers), then confirmed by reading `expect.register` until it shows
 * `expect.state`.
 */
export const commandSchema = z.object({
  kind: commandKindSchema,
  label: z.string(),
  address: z.number().int().min(0).max(0xffff),
  value: z.number().int().min(0).max(0xffff),
  expect: z.object({ register: z.string(), state: z.string() }),
});
export type CommandDef = z.infer<typeof commandSchema>;

export const capabilitySchema = z.enum(['measure', 'state', 'command', 'link']);
export type Capability = z.infer<typeof capabilitySchema>;

/** Device fields a model takes: `module` is an EMS module's address behind its F80BIM1 interface (optional, kept in `position`). */
export const deviceParameterSchema = z.enum(['position', 'side', 'phase', 'supply', 'genericRegister', 'remoteAddress', 'module']);
export type DeviceParameter = z.infer<typeof deviceParameterSchema>;

export const familySchema = z.enum([
  'multifunction', 'energyCounter', 'pulseCounter', 'rcd', 'ems', 'breaker',
  'powerSupervision', 'evStation', 'generic', 'wsmeasure',
]);
export type Family = z.infer<typeof familySchema>;

export const energyTypeSchema = z.enum(['electricity', 'water', 'gas', 'none']);
export type EnergyType = z.infer<typeof energyTypeSchema>;

/** Register keys of a charging station that the Green'Up controller reads and writes. */
export const stationSpecSchema = z.object({
  phases: z.union([z.literal(1), z.literal(3)]),
  ratedCurrentA: z.number().positive().max(80),
  /** Lowest current a charge can run at (IEC 61851: 6 A). */
  minCurrentA: z.number().positive().max(80).default(6),
  rfid: z.boolean().default(false),
  /** Holding registers written with FC06 (keys of this model's registers). */
  writes: z.object({
    /** Maximum charging current, in the register's scale. */
    setpoint: keySchema,
    /** Start (1) or wait (0) for the current charge. */
    command: keySchema,
    /** Remote management: 1 the station follows the setpoint and command, 0 its own settings. */
    managed: keySchema,
    evPlug: keySchema,
    domesticPlug: keySchema.optional(),
  }),
});
export type StationSpec = z.infer<typeof stationSpecSchema>;

export const modelSchema = z.object({
  $schema: z.string().optional(),
  family: familySchema,
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  label: z.string(),
  vendor: z.string().default('Legrand/BTicino'),
  catalogueNumbers: z.array(z.string()).default([]),
  energyType: energyTypeSchema,
  /** Where the register map comes from. `inferred` maps say why in `mapNotes`. */
  mapSource: z.enum(['public', 'inferred', 'user']),
  mapNotes: z.string().optional(),
  capabilities: z.array(capabilitySchema).min(1),
  parameters: z.array(deviceParameterSchema).default([]),
  connection: z.object({
    maxRegistersPerRead: z.number().int().min(1).max(125).default(125),
    /** Largest run of unwanted registers a coalesced read may include to join two blocks. */
    maxGapRegisters: z.number().int().min(0).max(125).default(16),
    interFrameDelayMs: z.number().min(0).max(1000).default(0),
    wordOrder: wordOrderSchema.default('big'),
  }).default({ maxRegistersPerRead: 125, maxGapRegisters: 16, interFrameDelayMs: 0, wordOrder: 'big' }),
  /** Pulse counters: registers are given for input 1; input n adds (n−1)·stride. */
  positions: z.object({
    count: z.number().int().min(1).max(32),
    stride: z.number().int().min(1),
    /**
     * What the position selects: an input of a pulse concentrator (default), an input built into
     * the meter at that address (the meter and its inputs share the Modbus address), or an EMS
     * module behind its F80BIM1 interface (remote address, shown `module-interface`).
     */
    host: z.enum(['concentrator', 'meter', 'interface']).optional(),
  }).optional(),
  /**
   * Two-side stations of the Green'Up old range (one Modbus address): registers are given for
   * side A; side B adds `stride`.
   */
  sides: z.object({ count: z.literal(2), stride: z.number().int().min(1) }).optional(),
  /** EV charging stations (Green'Up, EV-1…5): what the charging controller needs. */
  station: stationSpecSchema.optional(),
  /** A register whose value identifies the model during a bus scan (CAT-3). */
  identity: z.object({
    address: z.number().int().min(0).max(0xffff),
    fn: z.union([z.literal(3), z.literal(4)]),
    value: z.number().int().min(0).max(0xffff),
  }).optional(),
  registers: z.array(registerSchema),
  /**
   * DEV-4: where the F80BIM1 interface in front of this module keeps its link table (read at the
   * interface's address, not offset by the module's): word 0 = number of links, then per link
   * source module, action module, status (0 = ok, else an error code).
   */
  linkTable: z.object({ fn: z.union([z.literal(3), z.literal(4)]), address: z.number().int().min(0).max(0xffff), maxLinks: z.number().int().min(1).max(40) }).optional(),
  /** Switching commands (breakers, EMS state & control modules). */
  commands: z.array(commandSchema).default([]),
  /** Hints for the simulator's profiles; the daemon ignores them. */
  simulation: z.object({
    profile: z.enum(['residential', 'office', 'lighting', 'heating', 'hvac', 'ev', 'water', 'gas', 'flat']).default('office'),
    nominalPowerW: z.number().positive().default(3000),
    phases: z.union([z.literal(1), z.literal(3)]).default(3),
  }).optional(),
}).superRefine((m, ctx) => {
  const keys = new Set<string>();
  for (const r of m.registers) {
    if (r.repeat && !r.key.includes('{n}')) ctx.addIssue({ code: 'custom', message: `${r.key}: repeated registers need {n} in their key`, path: ['registers'] });
    if (!r.repeat && r.key.includes('{n}')) ctx.addIssue({ code: 'custom', message: `${r.key}: {n} only in repeated registers`, path: ['registers'] });
    if (keys.has(r.key)) ctx.addIssue({ code: 'custom', message: `duplicate register key ${r.key}`, path: ['registers'] });
    keys.add(r.key);
    if (r.counter && r.states) ctx.addIssue({ code: 'custom', message: `${r.key}: a counter cannot be an enumeration`, path: ['registers'] });
  }
  if (m.parameters.includes('side') && !m.sides) {
    ctx.addIssue({ code: 'custom', message: 'models with a side parameter need `sides`', path: ['sides'] });
  }
  if (m.station) {
    for (const [what, key] of Object.entries(m.station.writes)) {
      if (key !== undefined && !keys.has(key)) ctx.addIssue({ code: 'custom', message: `station.writes.${what}: no register ${key}`, path: ['station', 'writes', what] });
    }
  }
  if (m.parameters.includes('position') && !m.positions) {
    ctx.addIssue({ code: 'custom', message: 'models with a position parameter need `positions`', path: ['positions'] });
  }
  if (m.parameters.includes('module') && m.positions?.host !== 'interface') {
    ctx.addIssue({ code: 'custom', message: 'EMS modules (parameter module) need `positions` with host "interface"', path: ['positions'] });
  }
  for (const r of m.registers) {
    if (r.writable && r.fn !== 3) ctx.addIssue({ code: 'custom', message: `${r.key}: only holding registers (fn 3) are writable`, path: ['registers'] });
  }
  for (const c of m.commands) {
    const target = m.registers.find((r) => r.key === c.expect.register);
    if (!target?.states || !Object.values(target.states).includes(c.expect.state)) {
      ctx.addIssue({ code: 'custom', message: `command ${c.kind}: ${c.expect.register} has no state ${c.expect.state}`, path: ['commands'] });
    }
  }
  if (m.commands.length > 0 && !m.capabilities.includes('command')) {
    ctx.addIssue({ code: 'custom', message: 'models with commands need the command capability', path: ['capabilities'] });
  }
});
export type ModelDef = z.infer<typeof modelSchema>;
export type ModelDefInput = z.input<typeof modelSchema>;

/** A register after `repeat` expansion and position offset: what the poller and the simulator use. */
export interface ResolvedRegister {
  key: string;
  address: number;
  fn: 3 | 4;
  type: RegisterType;
  words: number;
  scale: number;
  unit: Unit;
  group: QuantityGroup;
  label?: string;
  labelKey?: string;
  labelParams?: Record<string, string | number>;
  phase?: RegisterDef['phase'];
  counter?: CounterKind;
  statistic: boolean;
  states?: Record<string, string>;
  /** A holding register that accepts writes (outputs and their settings). */
  writable?: boolean;
}

/** How a phase is written in labels: L12 → "L1-L2"; the total has none. */
export function phaseLabel(phase: NonNullable<RegisterDef['phase']>): string {
  return phase === 'total' ? '' : phase.length === 3 ? `L${phase[1]}-L${phase[2]}` : phase;
}

/** The message key of a switching command's label (`q.commandOpen`…). */
export function commandLabelKey(kind: CommandKind): string {
  return `command${kind[0].toUpperCase()}${kind.slice(1)}`;
}

/** The address offset of position `position` (1-based): pulse input, built-in input or remote EMS module. */
export function positionOffset(model: ModelDef, position?: number): number {
  return model.positions && position ? (position - 1) * model.positions.stride : 0;
}

/** Register offset of a side of a two-side station (side A: 0). */
export function sideOffset(model: Pick<ModelDef, 'sides'>, side?: 'A' | 'B'): number {
  return model.sides && side === 'B' ? model.sides.stride : 0;
}

/** Expands `repeat` blocks and applies the position's offset (pulse input, built-in input, EMS module; 1-based) or the station side's. */
export function resolveRegisters(model: ModelDef, position?: number, side?: 'A' | 'B'): ResolvedRegister[] {
  const offset = positionOffset(model, position) + sideOffset(model, side);
  const out: ResolvedRegister[] = [];
  for (const r of model.registers) {
    const words = REGISTER_WORDS[r.type];
    const base: ResolvedRegister = {
      key: r.key, address: r.address + offset, fn: r.fn, type: r.type, words, scale: r.scale, unit: r.unit,
      group: r.group, statistic: r.statistic,
      ...(r.writable ? { writable: true } : {}),
      ...(r.label !== undefined ? { label: r.label } : {}),
      ...(r.labelKey !== undefined ? { labelKey: r.labelKey, labelParams: { ...(r.phase ? { phase: phaseLabel(r.phase) } : {}), ...r.labelParams } } : {}),
      ...(r.phase !== undefined ? { phase: r.phase } : {}),
      ...(r.counter !== undefined ? { counter: r.counter } : {}),
      ...(r.states !== undefined ? { states: r.states } : {}),
    };
    if (!r.repeat) { out.push(base); continue; }
    const stride = r.repeat.stride ?? words;
    for (let i = 0; i < r.repeat.count; i++) {
      const n = r.repeat.first + i;
      const reg: ResolvedRegister = { ...base, key: r.key.replace('{n}', String(n)), address: base.address + i * stride };
      if (r.label) reg.label = r.label.replace('{n}', String(n));
      if (base.labelParams) reg.labelParams = { ...base.labelParams, n };
      out.push(reg);
    }
  }
  return out;
}

/** Words of a generic meter's register → its type (CAT-1 "Other devices → Generic Modbus meter"). */
const GENERIC_TYPES: Record<1 | 2 | 4, RegisterType> = { 1: 'u16', 2: 'u32', 4: 'u64' };

/**
 * The one register of a generic Modbus meter, from its device configuration (read code,
 * register, words, Wh per raw unit): positive active energy only.
 */
export function genericRegisters(g: { fn: 3 | 4; address: number; words: 1 | 2 | 4; factor: number }): ResolvedRegister[] {
  return [{
    key: 'activeEnergyImportWh', address: g.address, fn: g.fn, type: GENERIC_TYPES[g.words], words: g.words, scale: g.factor,
    unit: 'Wh', group: 'energy', label: 'Active energy +', labelKey: 'activeEnergyImport', labelParams: {}, phase: 'total', counter: 'activeEnergyImport', statistic: false,
  }];
}
