/**
 * @module config
 * The installation's configuration in LMDB (SPEC §1–2, §13): one document, validated as a whole
 * on every write and committed in one transaction with its audit entry (CFG-5, CFG-6). Each
 * structural change increments the version used in CSV file names. Reads are from memory.
 */
import {
  gatewaySchema, gatewayInputSchema, deviceInputSchema, deviceConfigSchema, modbusSettingsSchema, networkSettingsSchema,
  timeSettingsSchema, csvSettingsSchema, panelBoardInputSchema, loadInputSchema, groupInputSchema, editionSchema,
  LOCAL_GATEWAY_ID, deviceAddressLabel, type Gateway, type DeviceConfig, type ModbusSettings, type NetworkSettings, type PanelBoard, type Load,
  type Group, type Edition, type CsvSettings, type GatewayInput, type DeviceInput, type NewDeviceInput,
  costSettingsSchema, tariffInputSchema, costRulesSchema, COST_TYPES,
  type CostSettings, type CostRule, type CostRuleInput, type CostType, type Tariff, type TariffInput,
  DEFAULT_FOLDER_PASSWORD,
} from '@ews/shared';
import { z } from 'zod';
import type { Databases } from '../store/index';
import type { Catalog } from '../catalog/index';
import { Emitter } from '../util/events';
import { systemClock, type Clock } from '../util/clock';
import { hashCode, verifyCode } from '../auth/index';
import { CONFIG_PARTS, STRUCTURAL_PARTS, defaultDocument, LOCAL_GATEWAY, type ConfigDocument, type ConfigPart, type StoredCosts, type StoredInterop, type StoredTimeSettings } from './document';
import { checkCosts, importAveragePrices, migrateCosts, rulesUsing, sortPrices } from './costs';
import { ConfigError, fail, checkDevice, checkLimits, checkLoads, checkNamed, checkGateways } from './rules';

export { ConfigError, type ConfigErrorCode } from './rules';
export { LOCAL_GATEWAY, type ConfigDocument, type ConfigPart, type StoredCosts, type StoredInterop } from './document';
export { importAveragePrices } from './costs';

/** COST-4: the older scheme, one average price per energy type. */
const averagePricesSchema = z.object({ electricity: z.number().min(0), gas: z.number().min(0), water: z.number().min(0) }).partial().strict();

/** A provisioning file for a fresh box (the demo uses one): applied only to an empty store. */
export const seedSchema = z.object({
  modbus: modbusSettingsSchema.partial().optional(),
  gateways: z.array(gatewaySchema.partial({ port: true, description: true, panelBoardId: true, enabled: true, timeoutMs: true })).default([]),
  devices: z.array(z.any()).default([]),
  /** Measure groups created in order (ids group-1, group-2…), before the devices. */
  groups: z.array(z.string()).default([]),
  general: z.object({ sampleRateMin: z.number() }).partial().optional(),
  time: z.object({ timezone: z.string() }).partial().optional(),
  /**
   * Cost settings; tariffs (created in order: ids tariff-1, tariff-2…) and rules per type; or the
   * older scheme's average prices (COST-4: they become DEFAULT rules).
   */
  costs: z.object({
    currency: z.string(), gasKwhPerM3: z.number(), averagePrices: averagePricesSchema,
    tariffs: z.array(z.any()), rules: z.partialRecord(z.enum(COST_TYPES), z.array(z.any())),
  }).partial().optional(),
});
export type Seed = z.input<typeof seedSchema>;

export interface AuditEntry { at: string; user: string; action: string; version: number }

export type ConfigEvents = { changed: [part: ConfigPart] };

const json = (v: unknown) => JSON.stringify(v);

export class ConfigStore {
  readonly events = new Emitter<ConfigEvents>();
  private readonly clock: Clock;
  private doc: ConfigDocument;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dbs: Databases, private readonly catalog: Catalog, opts: { clock?: Clock } = {}) {
    this.clock = opts.clock ?? systemClock;
    const fresh = defaultDocument();
    const stored: Partial<ConfigDocument> = {};
    for (const part of CONFIG_PARTS) {
      const v = this.dbs.config.get(part);
      if (v !== undefined) (stored as Record<string, unknown>)[part] = v;
    }
    this.doc = { ...fresh, ...stored, version: (this.dbs.config.get('version') as number | undefined) ?? 1 };
    this.doc.modbus = { ...fresh.modbus, ...this.doc.modbus };
    this.doc.interop = { mqtt: { ...fresh.interop.mqtt, ...this.doc.interop?.mqtt }, metrics: { ...fresh.interop.metrics, ...this.doc.interop?.metrics } };
    this.doc.costs = migrateCosts(this.doc.costs as unknown);
    if (this.dbs.config.get('version') === undefined) {
      this.dbs.config.transactionSync(() => {
        for (const part of CONFIG_PARTS) this.dbs.config.putSync(part, this.doc[part]);
        this.dbs.config.putSync('version', 1);
      });
    }
  }

  // #region reads
  get isEmpty(): boolean { return this.doc.devices.length === 0 && this.doc.gateways.length === 1; }
  version(): number { return this.doc.version; }
  snapshot(): Readonly<ConfigDocument> { return this.doc; }
  gateways(): Gateway[] { return this.doc.gateways; }
  devices(): DeviceConfig[] { return this.doc.devices; }
  panelBoards(): PanelBoard[] { return this.doc.panelBoards; }
  loads(): Load[] { return this.doc.loads; }
  groups(): Group[] { return this.doc.groups; }
  modbus(): ModbusSettings { return this.doc.modbus; }
  /** BEY-2 settings (MQTT with its password, /metrics access with the token's hash): daemon-side only. */
  interop(): StoredInterop { return this.doc.interop; }
  network(): NetworkSettings { return this.doc.network; }
  time(): StoredTimeSettings { return this.doc.time; }
  edition(): Edition { return this.doc.edition; }
  general(): { sampleRateMin: number } { return { sampleRateMin: this.doc.csv.sampleRateMin }; }
  csv(): CsvSettings {
    const c = this.doc.csv;
    return {
      decimalSeparator: c.decimalSeparator, fieldSeparator: c.fieldSeparator, folderPasswordSet: c.folderPasswordHash !== null, sampleRateMin: c.sampleRateMin,
      defaultLanguage: c.defaultLanguage as CsvSettings['defaultLanguage'], ftpEnabled: c.ftpEnabled ?? true, ftpPort: c.ftpPort ?? 21,
    };
  }

  /** The CSV settings as `setCsv` takes them (the password left as it is). */
  csvInput(): Omit<CsvSettings, 'folderPasswordSet'> {
    const { folderPasswordSet: _set, ...rest } = this.csv();
    return rest;
  }

  /** HIST-4: the history folder's password (`wsmeasure` until one is set). */
  async checkFolderPassword(password: string): Promise<boolean> {
    const hash = this.doc.csv.folderPasswordHash;
    return hash === null ? password === DEFAULT_FOLDER_PASSWORD : verifyCode(password, hash);
  }
  costSettings(): CostSettings { return this.doc.costs.settings; }
  tariffs(type?: CostType): Tariff[] { return type ? this.doc.costs.tariffs.filter((t) => t.type === type) : this.doc.costs.tariffs; }
  tariff(id: string): Tariff | undefined { return this.doc.costs.tariffs.find((t) => t.id === id); }
  costRules(type: CostType): CostRule[] { return this.doc.costs.rules[type]; }
  costs(): Readonly<StoredCosts> { return this.doc.costs; }
  gateway(id: string): Gateway | undefined { return this.doc.gateways.find((g) => g.id === id); }
  device(id: number): DeviceConfig | undefined { return this.doc.devices.find((d) => d.id === id); }

  /** An audit entry for an action that changes no configuration (switching commands, DEV-2/3). */
  async record(user: string, action: string): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    const version = this.doc.version;
    await this.dbs.audit.put(`${at}#${version}#${Math.random().toString(36).slice(2, 8)}`, { at, user, action, version } satisfies AuditEntry);
  }

  audit(limit = 100): AuditEntry[] {
    return [...this.dbs.audit.getRange({ reverse: true, limit })].map((e) => e.value as AuditEntry);
  }
  // #endregion

  /**
   * Applies `fn` to a copy of the document, validates the result as a whole and commits the parts
   * that changed, the version (if structural) and the audit entry in one LMDB transaction.
   * Writes are serialised, so two requests never interleave.
   */
  private mutate<T>(user: string, action: string, fn: (draft: ConfigDocument) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.doc);
      const result = fn(draft);
      checkGateways(draft);
      checkNamed(draft.panelBoards, 'panel board');
      checkNamed(draft.groups, 'measure group');
      checkLoads(draft);
      checkLimits(draft);
      checkCosts(draft);
      const changed = CONFIG_PARTS.filter((p) => json(draft[p]) !== json(this.doc[p]));
      if (changed.length === 0) return result;
      if (changed.some((p) => STRUCTURAL_PARTS.has(p))) draft.version = this.doc.version + 1;
      const at = new Date(this.clock.now()).toISOString();
      await this.dbs.root.transaction(() => {
        for (const p of changed) this.dbs.config.putSync(p, draft[p]);
        this.dbs.config.putSync('version', draft.version);
        this.dbs.audit.putSync(`${at}#${draft.version}#${Math.random().toString(36).slice(2, 8)}`, { at, user, action, version: draft.version } satisfies AuditEntry);
      });
      this.doc = draft;
      for (const p of changed) this.events.emit('changed', p);
      return result;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private nextId(prefix: string, used: string[]): string {
    let n = 1;
    while (used.includes(`${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  }

  private nextRemoteId(used: number[]): number {
    let n = 1;
    while (used.includes(n)) n++;
    return n;
  }

  // #region gateways (BUS-1, BUS-3)
  createGateway(input: GatewayInput, user: string): Promise<Gateway> {
    const parsed = gatewayInputSchema.parse(input);
    return this.mutate(user, `add gateway ${parsed.name}`, (d) => {
      const g: Gateway = { ...parsed, id: this.nextId('gw', d.gateways.map((x) => x.id)), kind: 'tcp' };
      d.gateways.push(g);
      return g;
    });
  }

  updateGateway(id: string, input: GatewayInput, user: string): Promise<Gateway> {
    const parsed = gatewayInputSchema.parse(input);
    return this.mutate(user, `edit gateway ${parsed.name}`, (d) => {
      const i = d.gateways.findIndex((g) => g.id === id);
      if (i < 0) throw new ConfigError('not-found', `no gateway ${id}`);
      if (id === LOCAL_GATEWAY_ID && parsed.host !== '127.0.0.1') fail('invalid', 'host', 'the Local gateway IP cannot be edited (127.0.0.1)');
      const g: Gateway = { ...d.gateways[i], ...parsed, id, kind: d.gateways[i].kind };
      if (id === LOCAL_GATEWAY_ID) { g.host = LOCAL_GATEWAY.host; g.port = LOCAL_GATEWAY.port; }
      d.gateways[i] = g;
      return g;
    });
  }

  deleteGateway(id: string, user: string): Promise<void> {
    return this.mutate(user, `delete gateway ${id}`, (d) => {
      if (id === LOCAL_GATEWAY_ID) fail('forbidden', 'id', 'the Local gateway cannot be deleted (switch it OFF instead)');
      const g = d.gateways.find((x) => x.id === id);
      if (!g) throw new ConfigError('not-found', `no gateway ${id}`);
      const n = d.devices.filter((x) => x.gatewayId === id).length;
      if (n > 0) fail('conflict', 'id', `delete the ${n} device${n > 1 ? 's' : ''} of ${g.name} first`);
      d.gateways = d.gateways.filter((x) => x.id !== id);
    });
  }
  // #endregion

  // #region devices (CAT-2)
  private buildDevice(d: ConfigDocument, id: number, input: DeviceInput): DeviceConfig {
    const p = deviceInputSchema.parse(input);
    const model = this.catalog.get(p.family, p.model);
    let loadId = p.loadId;
    if (model?.energyType === 'water') loadId = 'water';
    if (model?.energyType === 'gas') loadId = 'gas';
    const dev = deviceConfigSchema.parse({ ...p, id, loadId, name: p.name || deviceAddressLabel(p, model?.parameters.includes('module')) });
    if (!model) fail('invalid', 'model', `unknown model ${p.family}/${p.model}`);
    return dev;
  }

  /** The permanent ID of a new device: the wanted one if free, else the next free one. */
  private freeDeviceId(d: ConfigDocument, wanted = 1): number {
    const used = new Set(d.devices.map((x) => x.id));
    let id = wanted;
    while (used.has(id)) id++;
    return id;
  }

  createDevice(input: DeviceInput | NewDeviceInput, user: string): Promise<DeviceConfig> {
    return this.mutate(user, `add device ${input.name || input.address}`, (d) => {
      const { id: wanted, ...rest } = input as NewDeviceInput;
      const dev = this.buildDevice(d, this.freeDeviceId(d, typeof wanted === 'number' ? wanted : 1), rest as DeviceInput);
      d.devices.push(dev);
      checkDevice(d, dev, this.catalog.get(dev.family, dev.model));
      return dev;
    });
  }

  /** Several devices in one step (the scan's "Add selected"): all or none, one version. */
  createDevices(inputs: DeviceInput[], user: string): Promise<DeviceConfig[]> {
    return this.mutate(user, `add ${inputs.length} devices`, (d) => inputs.map((input, i) => {
      let dev: DeviceConfig;
      try {
        dev = this.buildDevice(d, this.freeDeviceId(d), input);
        d.devices.push(dev);
        checkDevice(d, dev, this.catalog.get(dev.family, dev.model));
      } catch (err) {
        // Field errors name the item: `3.address`.
        if (err instanceof ConfigError && err.fields) throw new ConfigError(err.code, `device ${i + 1}: ${err.message}`, Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [`${i}.${k}`, v])));
        if (err instanceof z.ZodError) throw new z.ZodError(err.issues.map((is) => ({ ...is, path: [i, ...is.path] })));
        throw err;
      }
      return dev;
    }));
  }

  updateDevice(id: number, input: DeviceInput, user: string): Promise<DeviceConfig> {
    return this.mutate(user, `edit device ${id}`, (d) => {
      const i = d.devices.findIndex((x) => x.id === id);
      if (i < 0) throw new ConfigError('not-found', `no device ${id}`);
      const dev = this.buildDevice(d, id, input);
      d.devices[i] = dev;
      checkDevice(d, dev, this.catalog.get(dev.family, dev.model));
      return dev;
    });
  }

  deleteDevice(id: number, user: string): Promise<void> {
    return this.mutate(user, `delete device ${id}`, (d) => {
      if (!d.devices.some((x) => x.id === id)) throw new ConfigError('not-found', `no device ${id}`);
      d.devices = d.devices.filter((x) => x.id !== id);
    });
  }
  // #endregion

  // #region panel boards, loads, groups (CFG-1…4)
  createPanelBoard(input: z.input<typeof panelBoardInputSchema>, user: string): Promise<PanelBoard> {
    const p = panelBoardInputSchema.parse(input);
    return this.mutate(user, `add panel board ${p.name}`, (d) => {
      const pb: PanelBoard = { ...p, id: this.nextId('pb', d.panelBoards.map((x) => x.id)) };
      d.panelBoards.push(pb);
      return pb;
    });
  }

  updatePanelBoard(id: string, input: z.input<typeof panelBoardInputSchema>, user: string): Promise<PanelBoard> {
    const p = panelBoardInputSchema.parse(input);
    return this.mutate(user, `edit panel board ${p.name}`, (d) => {
      const i = d.panelBoards.findIndex((x) => x.id === id);
      if (i < 0) throw new ConfigError('not-found', `no panel board ${id}`);
      d.panelBoards[i] = { ...p, id };
      return d.panelBoards[i];
    });
  }

  deletePanelBoard(id: string, user: string): Promise<void> {
    return this.mutate(user, `delete panel board ${id}`, (d) => {
      if (!d.panelBoards.some((x) => x.id === id)) throw new ConfigError('not-found', `no panel board ${id}`);
      d.panelBoards = d.panelBoards.filter((x) => x.id !== id);
      for (const g of d.gateways) if (g.panelBoardId === id) g.panelBoardId = null;
    });
  }

  createLoad(input: z.input<typeof loadInputSchema>, user: string): Promise<Load> {
    const p = loadInputSchema.parse(input);
    return this.mutate(user, `add load ${p.name}`, (d) => {
      const load: Load = { ...p, id: this.nextId('load', d.loads.map((x) => x.id)), remoteId: this.nextRemoteId(d.loads.map((x) => x.remoteId)), kind: 'user' };
      d.loads.push(load);
      return load;
    });
  }

  updateLoad(id: string, input: z.input<typeof loadInputSchema>, user: string): Promise<Load> {
    const p = loadInputSchema.parse(input);
    return this.mutate(user, `edit load ${id}`, (d) => {
      const i = d.loads.findIndex((x) => x.id === id);
      if (i < 0) throw new ConfigError('not-found', `no load ${id}`);
      const l = d.loads[i];
      if (l.kind !== 'user' && p.name !== l.name) fail('forbidden', 'name', `the ${l.name} load is predefined: it can only be disabled`);
      if ((l.kind === 'water' || l.kind === 'gas' || l.kind === 'others') && !p.enabled) fail('forbidden', 'enabled', `the ${l.name} load is fixed`);
      d.loads[i] = { ...l, ...p };
      return d.loads[i];
    });
  }

  deleteLoad(id: string, user: string): Promise<void> {
    return this.mutate(user, `delete load ${id}`, (d) => {
      const l = d.loads.find((x) => x.id === id);
      if (!l) throw new ConfigError('not-found', `no load ${id}`);
      if (l.kind !== 'user') fail('forbidden', 'id', `the ${l.name} load is predefined: it can only be disabled`);
      d.loads = d.loads.filter((x) => x.id !== id);
      for (const dev of d.devices) if (dev.loadId === id) dev.loadId = null;
    });
  }

  createGroup(input: z.input<typeof groupInputSchema>, user: string): Promise<Group> {
    const p = groupInputSchema.parse(input);
    return this.mutate(user, `add group ${p.name}`, (d) => {
      const g: Group = { ...p, id: this.nextId('group', d.groups.map((x) => x.id)), remoteId: this.nextRemoteId(d.groups.map((x) => x.remoteId)) };
      d.groups.push(g);
      return g;
    });
  }

  updateGroup(id: string, input: z.input<typeof groupInputSchema>, user: string): Promise<Group> {
    const p = groupInputSchema.parse(input);
    return this.mutate(user, `edit group ${p.name}`, (d) => {
      const i = d.groups.findIndex((x) => x.id === id);
      if (i < 0) throw new ConfigError('not-found', `no measure group ${id}`);
      d.groups[i] = { ...d.groups[i], ...p };
      return d.groups[i];
    });
  }

  deleteGroup(id: string, user: string): Promise<void> {
    return this.mutate(user, `delete group ${id}`, (d) => {
      if (!d.groups.some((x) => x.id === id)) throw new ConfigError('not-found', `no measure group ${id}`);
      d.groups = d.groups.filter((x) => x.id !== id);
      for (const dev of d.devices) dev.groupIds = dev.groupIds.filter((g) => g !== id);
    });
  }
  // #endregion

  // #region settings (BUS-2, SYS-1, SYS-2, HIST-1, STO-1, BUS-6)
  /** BEY-2: the caller builds the next settings (validated by its API schemas; secrets hashed or kept there). */
  setInterop(next: StoredInterop, user: string, action: string): Promise<StoredInterop> {
    return this.mutate(user, action, (d) => { d.interop = next; return next; });
  }

  setModbus(input: ModbusSettings, user: string): Promise<ModbusSettings> {
    const p = modbusSettingsSchema.parse(input);
    return this.mutate(user, 'modbus settings', (d) => { d.modbus = p; return p; });
  }

  setNetwork(input: NetworkSettings, user: string): Promise<NetworkSettings> {
    const p = networkSettingsSchema.parse(input);
    return this.mutate(user, 'network settings', (d) => { d.network = p; return p; });
  }

  setTime(input: z.input<typeof timeSettingsSchema>, user: string): Promise<StoredTimeSettings> {
    const p = timeSettingsSchema.parse(input);
    return this.mutate(user, 'time settings', (d) => {
      d.time = { timezone: p.timezone, ntpEnabled: p.ntpEnabled, ntpServer: p.ntpServer };
      return d.time;
    });
  }

  async setCsv(input: z.input<typeof csvSettingsSchema>, user: string): Promise<CsvSettings> {
    const p = csvSettingsSchema.parse(input);
    const hash = p.folderPassword ? await hashCode(p.folderPassword) : undefined;
    await this.mutate(user, 'csv and other settings', (d) => {
      d.csv = { ...d.csv, decimalSeparator: p.decimalSeparator, fieldSeparator: p.fieldSeparator, sampleRateMin: p.sampleRateMin, defaultLanguage: p.defaultLanguage, ftpEnabled: p.ftpEnabled, ftpPort: p.ftpPort, ...(hash ? { folderPasswordHash: hash } : {}) };
    });
    return this.csv();
  }

  setEdition(edition: Edition, user: string): Promise<Edition> {
    const e = editionSchema.parse(edition);
    return this.mutate(user, `edition ${e}`, (d) => { d.edition = e; return e; });
  }
  // #endregion

  // #region bill of consumptions (COST-1…4)
  setCostSettings(input: CostSettings, user: string): Promise<CostSettings> {
    const p = costSettingsSchema.parse(input);
    return this.mutate(user, 'cost settings', (d) => { d.costs.settings = p; return p; });
  }

  createTariff(input: TariffInput, user: string): Promise<Tariff> {
    const p = tariffInputSchema.parse(input);
    return this.mutate(user, `add ${p.type} tariff ${p.name}`, (d) => {
      const t: Tariff = { id: this.nextId('tariff', d.costs.tariffs.map((x) => x.id)), type: p.type, name: p.name, color: p.color.toLowerCase(), prices: sortPrices(p.prices) };
      d.costs.tariffs.push(t);
      return t;
    });
  }

  updateTariff(id: string, input: TariffInput, user: string): Promise<Tariff> {
    const p = tariffInputSchema.parse(input);
    return this.mutate(user, `edit ${p.type} tariff ${p.name}`, (d) => {
      const i = d.costs.tariffs.findIndex((x) => x.id === id);
      if (i < 0) throw new ConfigError('not-found', `no tariff ${id}`);
      const old = d.costs.tariffs[i];
      if (old.type !== p.type) fail('forbidden', 'type', `a ${old.type} tariff stays a ${old.type} tariff: create a ${p.type} one instead`);
      d.costs.tariffs[i] = { id, type: p.type, name: p.name, color: p.color.toLowerCase(), prices: sortPrices(p.prices) };
      return d.costs.tariffs[i];
    });
  }

  deleteTariff(id: string, user: string): Promise<void> {
    return this.mutate(user, `delete tariff ${id}`, (d) => {
      const t = d.costs.tariffs.find((x) => x.id === id);
      if (!t) throw new ConfigError('not-found', `no tariff ${id}`);
      const used = rulesUsing(d.costs, id);
      if (used.length > 0) {
        const where = used.map((u) => `${u.type} rule${u.positions.length > 1 ? 's' : ''} ${u.positions.join(', ')}`).join('; ');
        fail('conflict', 'id', `"${t.name}" is used by ${where}: change or delete ${used.length === 1 && used[0].positions.length === 1 ? 'that rule' : 'those rules'} first`);
      }
      d.costs.tariffs = d.costs.tariffs.filter((x) => x.id !== id);
    });
  }

  /** Replaces the ordered rule list of a type (field errors keyed `<index>.<field>`). */
  setCostRules(type: CostType, input: CostRuleInput[], user: string): Promise<CostRule[]> {
    const rules = costRulesSchema.parse(input);
    return this.mutate(user, `${type} cost rules (${rules.length})`, (d) => { d.costs.rules[type] = rules; return rules; });
  }
  // #endregion

  /** Applies a provisioning seed to a store that has no devices yet. */
  async applySeed(seed: Seed, user = 'seed'): Promise<void> {
    const s = seedSchema.parse(seed);
    if (s.modbus) await this.setModbus({ ...this.modbus(), ...s.modbus }, user);
    if (s.general?.sampleRateMin) await this.setCsv({ ...this.csvInput(), sampleRateMin: s.general.sampleRateMin }, user);
    if (s.time?.timezone) await this.setTime({ ...this.time(), timezone: s.time.timezone }, user);
    for (const g of s.gateways) {
      if (g.id === LOCAL_GATEWAY_ID) continue;
      const full = gatewaySchema.parse(g);
      await this.mutate(user, `add gateway ${full.name}`, (d) => { d.gateways.push(full); });
    }
    if (s.costs) {
      const { averagePrices, tariffs, rules, ...settings } = s.costs;
      if (settings.currency !== undefined || settings.gasKwhPerM3 !== undefined) await this.setCostSettings({ ...this.costSettings(), ...settings }, user);
      for (const t of tariffs ?? []) await this.createTariff(t as TariffInput, user);
      for (const [type, list] of Object.entries(rules ?? {})) await this.setCostRules(type as CostType, list as CostRuleInput[], user);
      if (averagePrices) await this.mutate(user, 'average prices imported as DEFAULT rules', (d) => { d.costs = importAveragePrices(d.costs, averagePrices); });
    }
    for (const name of s.groups) await this.createGroup({ name }, user);
    for (const d of s.devices) await this.createDevice(d as NewDeviceInput, user);
  }
}

