/**
 * @module interop/mqtt
 * MQTT publishing (BEY-2) with mqtt.js: availability with a last will, Home Assistant MQTT
 * discovery (devices appear in the Energy dashboard by themselves: `total_increasing` energy,
 * water and gas sensors, live power), and states:
 * - `<base>/status`: `online` / `offline` (retained; the broker publishes `offline` when the
 *   connection dies without a goodbye);
 * - `<base>/device/<id>/state`: `{status, energyWh | volumeDm3, powerW?}` when the device's
 *   state changes (at most every 5 s per device) and at each sample tick;
 * - `<base>/load/<id>/state`, `<base>/group/<id>/state`, `<base>/total/state`: `{energyWh}` at
 *   each sample tick;
 * - `<base>/greenup/state` `{enabled, zone, failSafe, currentL1A…, chargingStations}` after
 *   Green'Up's control cycles (at most every 5 s), when Green'Up is on or has stations.
 * Energies are the store's corrected counters at the last sample slot (the numbers the
 * consumption pages and the Modbus slave function show). Reconnection uses the library's own
 * loop with a growing period (1 s doubling to 60 s), reset when connected.
 */
import type { MqttClient } from 'mqtt';
import type { CounterKind, GreenupStatus, MqttSettings } from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { HistoryStore } from '../store/index';
import type { Poller } from '../poll/index';
import type { Catalog } from '../catalog/index';
import type { SlaveFunction } from './slave';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';

/** What MQTT needs of Green'Up (EV charging): its status, and a signal after each control cycle. */
export interface GreenupSource {
  status(): GreenupStatus;
  events: { on(event: 'cycle', fn: () => void): () => void };
}

export interface MqttDeps {
  config: ConfigStore;
  store: HistoryStore;
  poller: Poller;
  catalog: Catalog;
  slave: SlaveFunction;
  clock: Clock;
  log: Logger;
  backoffMs?: { min: number; max: number };
  greenup?: GreenupSource;
}

export type MqttState = 'off' | 'connecting' | 'connected' | 'error';

interface DiscoveryItem { topic: string; config: Record<string, unknown> }

const STATE_MIN_INTERVAL_MS = 5000;

export class MqttPublisher {
  private client: MqttClient | undefined;
  private settings: MqttSettings | undefined;
  private key = '';
  private lastError: string | undefined;
  private backoff: number;
  private published = new Set<string>();
  private lastDeviceState = new Map<number, number>();
  private offs: Array<() => void> = [];

  constructor(private readonly deps: MqttDeps) {
    this.backoff = deps.backoffMs?.min ?? 1000;
    this.offs.push(deps.poller.events.on('sample', () => this.publishStates()));
    this.offs.push(deps.poller.events.on('state', (id) => this.publishDeviceThrottled(id)));
    if (deps.greenup) this.offs.push(deps.greenup.events.on('cycle', () => this.publishGreenupThrottled()));
  }

  private lastGreenup = -Infinity;
  private greenupActive(): GreenupStatus | undefined {
    const st = this.deps.greenup?.status();
    return st && (st.enabled || st.stations.length > 0) ? st : undefined;
  }

  private publishGreenupThrottled(): void {
    if (!this.client?.connected) return;
    const now = this.deps.clock.monotonicMs();
    if (now - this.lastGreenup < STATE_MIN_INTERVAL_MS) return;
    this.lastGreenup = now;
    this.publishGreenup();
  }

  private publishGreenup(): void {
    const st = this.greenupActive();
    if (!st) return;
    // Green'Up just turned on: its discovery config is not out yet.
    if (this.settings?.discovery && ![...this.published].some((t) => t.endsWith('/greenup_zone/config'))) this.publishDiscovery();
    this.publish(`${this.base}/greenup/state`, {
      enabled: st.enabled, zone: st.zone, failSafe: st.failSafe,
      currentL1A: st.perPhase.L1.currentA, currentL2A: st.perPhase.L2.currentA, currentL3A: st.perPhase.L3.currentA,
      chargingStations: st.stations.filter((x) => x.currentA > 0).length,
    });
  }

  get state(): MqttState {
    if (!this.settings?.enabled) return 'off';
    if (this.client?.connected) return 'connected';
    return this.lastError ? 'error' : 'connecting';
  }

  status(): { state: MqttState; lastError?: string } {
    return { state: this.state, ...(this.lastError && this.state !== 'connected' ? { lastError: this.lastError } : {}) };
  }

  /** New settings: connects, reconnects or disconnects. */
  apply(settings: MqttSettings): void {
    const key = JSON.stringify(settings);
    if (key === this.key) return;
    this.key = key;
    this.settings = settings;
    void this.disconnect(true)
      .then(() => (settings.enabled && this.settings === settings ? this.connect(settings) : undefined))
      .catch((err: Error) => { this.lastError = err.message; this.deps.log.error('MQTT client failed to start', { err: err.message }); });
  }

  /** Devices, loads or groups changed: discovery configs are republished (removed ones cleared). */
  structureChanged(): void {
    if (this.client?.connected) this.publishDiscovery();
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.settings = undefined;
    await this.disconnect(true);
  }

  private get base(): string { return this.settings!.baseTopic; }

  private async connect(s: MqttSettings): Promise<void> {
    // mqtt.js is loaded when MQTT is first switched on: ~2.5 MB of heap a box without it never needs
    const { default: mqtt } = await import('mqtt');
    if (this.settings !== s || this.client) return;
    const { min, max } = this.deps.backoffMs ?? { min: 1000, max: 60_000 };
    this.backoff = min;
    this.lastError = undefined;
    const url = `${s.tls ? 'mqtts' : 'mqtt'}://${s.host}:${s.port}`;
    const client = mqtt.connect(url, {
      clientId: `ews-${s.baseTopic.replace(/\//g, '-')}-${Math.random().toString(16).slice(2, 8)}`,
      ...(s.user ? { username: s.user } : {}),
      ...(s.password ? { password: s.password } : {}),
      will: { topic: `${s.baseTopic}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
      reconnectPeriod: min,
      connectTimeout: 10_000,
      clean: true,
    });
    this.client = client;
    client.on('connect', () => {
      this.backoff = min;
      client.options.reconnectPeriod = min;
      this.lastError = undefined;
      this.deps.log.info('connected to the MQTT broker', { url });
      this.published.clear(); // the broker may be a new one: publish every discovery config again
      void client.publishAsync(`${this.base}/status`, 'online', { qos: 1, retain: true }).catch(() => {});
      this.publishDiscovery();
      this.publishStates();
    });
    client.on('error', (err) => {
      this.lastError = err.message;
      this.deps.log.warn('MQTT error', { url, err: err.message });
    });
    client.on('close', () => {
      // Back-off: the library reconnects after `reconnectPeriod`, which doubles up to `max`.
      client.options.reconnectPeriod = this.backoff;
      this.backoff = Math.min(max, this.backoff * 2);
      if (!this.lastError) this.lastError = 'connection closed';
    });
  }

  private async disconnect(goodbye: boolean): Promise<void> {
    const c = this.client;
    if (!c) return;
    this.client = undefined;
    if (goodbye && c.connected) {
      // The goodbye is best effort: a broker that does not acknowledge must not hold the stop.
      await Promise.race([c.publishAsync(`${c.options.will?.topic ?? `${this.base}/status`}`, 'offline', { qos: 1, retain: true }).catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
    }
    // Forced: closes now and cancels the reconnection loop, connected or not.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      c.end(true, {}, () => { clearTimeout(t); resolve(); });
    });
  }

  private publish(topic: string, payload: unknown, retain = true): void {
    const c = this.client;
    if (!c?.connected) return;
    c.publish(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 0, retain }, (err) => {
      if (err) this.deps.log.debug('MQTT publish failed', { topic, err: err.message });
    });
  }

  // #region discovery
  private discoveryItems(): DiscoveryItem[] {
    const s = this.settings!;
    const { config, catalog } = this.deps;
    const node = s.baseTopic.replace(/\//g, '_');
    const availability = { availability_topic: `${this.base}/status`, payload_available: 'online', payload_not_available: 'offline' };
    const box = { identifiers: [`ews_${node}`], name: `EWS ${s.baseTopic}`, manufacturer: 'EWS', model: 'Energy Web Server' };
    const items: DiscoveryItem[] = [];
    const sensor = (obj: string, cfg: Record<string, unknown>) => items.push({
      topic: `${s.discoveryPrefix}/sensor/${node}/${obj}/config`,
      config: { unique_id: `ews_${node}_${obj}`, object_id: `ews_${node}_${obj}`, ...availability, ...cfg },
    });
    for (const d of config.devices()) {
      const model = catalog.get(d.family, d.model);
      const regs = this.deps.poller.plan(d.id)?.registers ?? [];
      const device = { identifiers: [`ews_${node}_device_${d.id}`], name: d.name, manufacturer: 'EWS', model: model?.label ?? d.model, via_device: `ews_${node}` };
      const stateTopic = `${this.base}/device/${d.id}/state`;
      const counter = regs.find((r) => r.counter === 'activeEnergyImport' || r.counter === 'water' || r.counter === 'gas')?.counter;
      if (counter === 'activeEnergyImport') {
        sensor(`device_${d.id}_energy`, { name: 'Energy', state_topic: stateTopic, value_template: '{{ value_json.energyWh }}', device_class: 'energy', state_class: 'total_increasing', unit_of_measurement: 'Wh', device });
      } else if (counter === 'water') {
        sensor(`device_${d.id}_water`, { name: 'Water', state_topic: stateTopic, value_template: '{{ value_json.volumeDm3 }}', device_class: 'water', state_class: 'total_increasing', unit_of_measurement: 'L', device });
      } else if (counter === 'gas') {
        sensor(`device_${d.id}_gas`, { name: 'Gas', state_topic: stateTopic, value_template: '{{ (value_json.volumeDm3 / 1000) | round(3) }}', device_class: 'gas', state_class: 'total_increasing', unit_of_measurement: 'm³', device });
      }
      if (regs.some((r) => r.key === 'activePowerW')) {
        sensor(`device_${d.id}_power`, { name: 'Power', state_topic: stateTopic, value_template: '{{ value_json.powerW }}', device_class: 'power', state_class: 'measurement', unit_of_measurement: 'W', device });
      }
    }
    if (this.greenupActive()) {
      const greenup = { name: 'Green\'Up zone', state_topic: `${this.base}/greenup/state`, device: box };
      sensor('greenup_zone', { ...greenup, value_template: '{{ value_json.zone }}', device_class: 'enum', options: ['green', 'yellow', 'red'], icon: 'mdi:ev-station' });
    }
    for (const e of this.deps.slave.entries()) {
      if (e.scope.startsWith('device:')) continue;
      const obj = e.scope === 'total' ? 'total_energy' : `${e.scope.replace(':', '_').replace(/[^A-Za-z0-9_]/g, '_')}_energy`;
      sensor(obj, {
        name: e.scope === 'total' ? 'Total energy' : `${e.name} energy`, state_topic: `${this.base}/${e.scope.replace(':', '/')}/state`,
        value_template: '{{ value_json.energyWh }}', device_class: 'energy', state_class: 'total_increasing', unit_of_measurement: 'Wh', device: box,
      });
    }
    return items;
  }

  private publishDiscovery(): void {
    if (!this.settings?.discovery) return;
    const items = this.discoveryItems();
    const now = new Set(items.map((i) => i.topic));
    for (const old of this.published) if (!now.has(old)) this.publish(old, '');
    for (const i of items) this.publish(i.topic, i.config);
    this.published = now;
  }
  // #endregion

  // #region states
  private counterOf(deviceId: number): { kind: CounterKind; value: number } | undefined {
    const regs = this.deps.poller.plan(deviceId)?.registers ?? [];
    const kind = regs.find((r) => r.counter === 'activeEnergyImport' || r.counter === 'water' || r.counter === 'gas')?.counter;
    if (!kind) return undefined;
    const series = this.deps.store.series(`device:${deviceId}`, kind);
    const span = series ? this.deps.store.counterSpan(series.id) : undefined;
    return span ? { kind, value: Math.round(span.lastValue) } : undefined;
  }

  private deviceState(deviceId: number): Record<string, unknown> {
    const st = this.deps.poller.state(deviceId);
    const c = this.counterOf(deviceId);
    const power = st?.values.activePowerW?.value;
    return {
      status: st?.status ?? 'off',
      ...(c ? (c.kind === 'activeEnergyImport' ? { energyWh: c.value } : { volumeDm3: c.value }) : {}),
      ...(typeof power === 'number' && st?.status === 'on' ? { powerW: power } : {}),
    };
  }

  private publishDeviceThrottled(deviceId: number): void {
    if (!this.client?.connected) return;
    const now = this.deps.clock.monotonicMs();
    if (now - (this.lastDeviceState.get(deviceId) ?? -Infinity) < STATE_MIN_INTERVAL_MS) return;
    this.lastDeviceState.set(deviceId, now);
    this.publish(`${this.base}/device/${deviceId}/state`, this.deviceState(deviceId));
  }

  private publishStates(): void {
    if (!this.client?.connected) return;
    this.publishGreenup();
    for (const d of this.deps.config.devices()) this.publish(`${this.base}/device/${d.id}/state`, this.deviceState(d.id));
    for (const e of this.deps.slave.entries()) {
      if (e.scope.startsWith('device:') || e.energyWh === null) continue;
      this.publish(`${this.base}/${e.scope.replace(':', '/')}/state`, { energyWh: e.energyWh, slotTime: e.slotTime });
    }
  }
  // #endregion
}
