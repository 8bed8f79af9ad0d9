/**
 * @module config
 * The installation's configuration in LMDB: Modbus settings, gateways, devices. Each
 * structural change increments the configuration version and appends to the audit log (CFG-5).
 * Writes validate with the shared schemas and happen in one transaction: nothing half-saved.
 */
import {
  gatewaySchema, deviceConfigSchema, modbusSettingsSchema, DEFAULT_MODBUS_SETTINGS, LOCAL_GATEWAY_ID,
  type Gateway, type DeviceConfig, type ModbusSettings, type NewDeviceInput,
} from '@ews/shared';
import { z } from 'zod';
import type { Databases } from '../store/db';
import { DomainError } from '../util/errors';
import { Emitter } from '../util/events';
import { systemClock, type Clock } from '../util/clock';

export type ConfigErrorCode = 'not-found' | 'conflict' | 'invalid' | 'forbidden';
export class ConfigError extends DomainError<ConfigErrorCode> {
  constructor(code: ConfigErrorCode, message: string, public readonly fields?: Record<string, string[]>) {
    super(code, message);
  }
}

export const SAMPLE_RATES_MIN = [1, 5, 10, 15, 30, 60] as const;

export const generalSettingsSchema = z.object({
  sampleRateMin: z.number().int().refine((n) => (SAMPLE_RATES_MIN as readonly number[]).includes(n), { message: `one of ${SAMPLE_RATES_MIN.join(', ')} minutes` }),
});
export type GeneralSettings = { sampleRateMin: (typeof SAMPLE_RATES_MIN)[number] };

/** A provisioning file for a fresh box (the demo uses one): applied only to an empty store. */
export const seedSchema = z.object({
  modbus: modbusSettingsSchema.partial().optional(),
  gateways: z.array(gatewaySchema.partial({ port: true, description: true, panelBoardId: true, enabled: true, timeoutMs: true })).default([]),
  devices: z.array(z.any()).default([]),
  general: generalSettingsSchema.partial().optional(),
});
export type Seed = z.input<typeof seedSchema>;

export interface AuditEntry {
  at: string;
  user: string;
  action: string;
  target: string;
  version: number;
}

export const LOCAL_GATEWAY: Gateway = {
  id: LOCAL_GATEWAY_ID, kind: 'local', name: 'Local', host: '127.0.0.1', port: 502, description: 'RS485 port of the box',
  panelBoardId: null, enabled: true, timeoutMs: 300,
};

export type ConfigEvents = { changed: [what: 'gateways' | 'devices' | 'modbus' | 'general'] };

export class ConfigStore {
  readonly events = new Emitter<ConfigEvents>();
  private readonly clock: Clock;

  constructor(private readonly dbs: Databases, opts: { clock?: Clock } = {}) {
    this.clock = opts.clock ?? systemClock;
    if (this.dbs.config.get('gateways') === undefined) {
      this.dbs.config.putSync('gateways', [LOCAL_GATEWAY]);
      this.dbs.config.putSync('devices', []);
      this.dbs.config.putSync('modbus', DEFAULT_MODBUS_SETTINGS);
      this.dbs.config.putSync('general', { sampleRateMin: 15 });
      this.dbs.config.putSync('version', 1);
    }
  }

  get isEmpty(): boolean { return this.devices().length === 0 && this.gateways().length === 1; }
  version(): number { return (this.dbs.config.get('version') as number) ?? 1; }
  gateways(): Gateway[] { return (this.dbs.config.get('gateways') as Gateway[]) ?? []; }
  devices(): DeviceConfig[] { return (this.dbs.config.get('devices') as DeviceConfig[]) ?? []; }
  modbus(): ModbusSettings { return { ...DEFAULT_MODBUS_SETTINGS, ...(this.dbs.config.get('modbus') as ModbusSettings) }; }
  general(): GeneralSettings { return { sampleRateMin: 15, ...(this.dbs.config.get('general') as Partial<GeneralSettings>) }; }
  gateway(id: string): Gateway | undefined { return this.gateways().find((g) => g.id === id); }
  device(id: number): DeviceConfig | undefined { return this.devices().find((d) => d.id === id); }

  audit(limit = 100): AuditEntry[] {
    return [...this.dbs.audit.getRange({ reverse: true, limit })].map((e) => e.value as AuditEntry);
  }

  /** Applies a provisioning seed to a store that has no devices yet. */
  async applySeed(seed: Seed, user = 'seed'): Promise<void> {
    const s = seedSchema.parse(seed);
    if (s.modbus) await this.setModbus({ ...this.modbus(), ...s.modbus }, user);
    if (s.general) await this.setGeneral({ ...this.general(), ...s.general } as GeneralSettings, user);
    for (const g of s.gateways) {
      if (g.id === LOCAL_GATEWAY_ID) continue;
      await this.saveGateway(gatewaySchema.parse(g), user);
    }
    for (const d of s.devices) await this.saveDevice(d as NewDeviceInput, user);
  }

  async setModbus(settings: ModbusSettings, user: string): Promise<void> {
    const parsed = modbusSettingsSchema.parse(settings);
    await this.write(user, 'modbus settings', 'modbus', false, () => this.dbs.config.putSync('modbus', parsed));
    this.events.emit('changed', 'modbus');
  }

  async setGeneral(settings: GeneralSettings, user: string): Promise<void> {
    const parsed = generalSettingsSchema.parse(settings) as GeneralSettings;
    await this.write(user, 'general settings', 'general', false, () => this.dbs.config.putSync('general', parsed));
    this.events.emit('changed', 'general');
  }

  async saveGateway(input: Gateway, user: string): Promise<Gateway> {
    const g = gatewaySchema.parse(input);
    const all = this.gateways();
    if (g.id === LOCAL_GATEWAY_ID && (g.kind !== 'local' || g.host !== '127.0.0.1')) {
      throw new ConfigError('forbidden', 'the Local gateway is 127.0.0.1 and cannot be changed', { host: ['the Local gateway IP cannot be edited'] });
    }
    if (all.some((o) => o.id !== g.id && o.name.toLowerCase() === g.name.toLowerCase())) {
      throw new ConfigError('conflict', `a gateway named ${g.name} exists`, { name: ['already used by another gateway'] });
    }
    const next = all.some((o) => o.id === g.id) ? all.map((o) => (o.id === g.id ? g : o)) : [...all, g];
    await this.write(user, `gateway ${g.name}`, `gateway:${g.id}`, true, () => this.dbs.config.putSync('gateways', next));
    this.events.emit('changed', 'gateways');
    return g;
  }

  nextDeviceId(): number {
    const used = new Set(this.devices().map((d) => d.id));
    let id = 1;
    while (used.has(id)) id++;
    return id;
  }

  async saveDevice(input: NewDeviceInput, user: string): Promise<DeviceConfig> {
    const withId = { ...input, id: input.id ?? this.nextDeviceId() };
    const d = deviceConfigSchema.parse(withId);
    if (!d.name) d.name = d.position !== undefined ? `${d.address}-${d.position}` : String(d.address);
    const all = this.devices();
    if (!this.gateway(d.gatewayId)) throw new ConfigError('invalid', `no gateway ${d.gatewayId}`, { gatewayId: ['unknown gateway'] });
    if (all.some((o) => o.id !== d.id && o.name.toLowerCase() === d.name.toLowerCase())) {
      throw new ConfigError('conflict', `a device named ${d.name} exists`, { name: ['already used by another device'] });
    }
    if (all.some((o) => o.id !== d.id && o.gatewayId === d.gatewayId && o.address === d.address && o.position === d.position && o.side === d.side)) {
      throw new ConfigError('conflict', `address ${d.address} is already used on this bus`, { address: ['already used on this bus'] });
    }
    const next = all.some((o) => o.id === d.id) ? all.map((o) => (o.id === d.id ? d : o)) : [...all, d];
    await this.write(user, `device ${d.name}`, `device:${d.id}`, true, () => this.dbs.config.putSync('devices', next));
    this.events.emit('changed', 'devices');
    return d;
  }

  private async write(user: string, action: string, target: string, structural: boolean, fn: () => void): Promise<void> {
    await this.dbs.root.transaction(() => {
      fn();
      const version = structural ? this.version() + 1 : this.version();
      if (structural) this.dbs.config.putSync('version', version);
      const at = new Date(this.clock.now()).toISOString();
      const entry: AuditEntry = { at, user, action, target, version };
      this.dbs.audit.putSync(`${at}#${Math.random().toString(36).slice(2, 8)}`, entry);
    });
  }
}
