/**
 * @module interop
 * The box talks to others (MS-1…3, BEY-2): the Modbus TCP server (slave function, RS485
 * gateway), Prometheus metrics and MQTT publishing, with their settings applied live.
 * The master side (WSMEASURE devices) is the poller reading another box's slave map.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  LOCAL_GATEWAY_ID, SLAVE_UNIT_ID,
  type MetricsSettingsAnswer, type MqttSettingsAnswer, type SlaveMap, type MqttSettingsUpdate, type MetricsSettingsUpdate,
} from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { HistoryStore } from '../store/index';
import type { Poller } from '../poll/index';
import type { GatewayManager } from '../gateways/index';
import type { Catalog } from '../catalog/index';
import type { Energy } from '../energy/index';
import { SlaveFunction } from './slave';
import { ModbusService } from './modbus-service';
import type { Metrics } from './metrics';
import type { SampleTick } from '../poll/index';
import { MqttPublisher, type GreenupSource } from './mqtt';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export { SlaveFunction } from './slave';
export { ModbusService, MAX_GATEWAY_INFLIGHT } from './modbus-service';

export interface InteropDeps {
  config: ConfigStore;
  store: HistoryStore;
  poller: Poller;
  gateways: GatewayManager;
  catalog: Catalog;
  energy: Energy;
  clock?: Clock;
  log?: Logger;
  /** MQTT reconnection back-off (tests shorten it). */
  mqttBackoffMs?: { min: number; max: number };
  /** Green'Up (EV charging), whose zone MQTT publishes when it is on or has stations. */
  greenup?: GreenupSource;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class Interop {
  readonly slave: SlaveFunction;
  readonly modbus: ModbusService;
  /** Built at the first scrape (prom-client and its collectors: ~2 MB of heap a box nobody scrapes never needs). */
  private metrics: Promise<Metrics> | undefined;
  private lastTick: SampleTick | undefined;
  readonly mqtt: MqttPublisher;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly deps: InteropDeps) {
    const log = deps.log ?? silentLogger;
    this.slave = new SlaveFunction(deps);
    this.modbus = new ModbusService({ slave: this.slave, localBus: () => deps.gateways.bus(LOCAL_GATEWAY_ID), log: log.child('modbus-server') });
    this.mqtt = new MqttPublisher({ ...deps, slave: this.slave, clock: deps.clock ?? systemClock, log: log.child('mqtt'), ...(deps.mqttBackoffMs ? { backoffMs: deps.mqttBackoffMs } : {}) });
    this.offs.push(deps.poller.events.on('sample', (tick) => {
      this.lastTick = tick;
      void this.metrics?.then((m) => m.onTick(tick));
    }));
    this.offs.push(deps.config.events.on('changed', (part) => {
      if (part === 'modbus') void this.modbus.apply(deps.config.modbus());
      if (part === 'interop') this.mqtt.apply(deps.config.interop().mqtt);
      if (part === 'devices' || part === 'loads' || part === 'groups') this.mqtt.structureChanged();
    }));
  }

  async start(): Promise<void> {
    await this.modbus.apply(this.deps.config.modbus());
    this.mqtt.apply(this.deps.config.interop().mqtt);
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    await this.modbus.stop();
    await this.mqtt.stop();
  }

  slaveMap(): SlaveMap {
    const s = this.modbus.status();
    return { unitId: SLAVE_UNIT_ID, running: s.running, listening: s.listening, connections: s.connections, entries: this.slave.entries() };
  }

  // #region settings (secrets never answered)
  mqttSettings(): MqttSettingsAnswer {
    const { password, ...m } = this.deps.config.interop().mqtt;
    const st = this.mqtt.status();
    return { ...m, passwordSet: password !== '', state: st.state, ...(st.lastError ? { lastError: st.lastError } : {}) };
  }

  async setMqtt(patch: MqttSettingsUpdate, who: string): Promise<MqttSettingsAnswer> {
    const cur = this.deps.config.interop();
    const { password, ...fields } = patch;
    const mqtt = { ...cur.mqtt, ...fields, ...(password !== undefined ? { password } : {}) };
    await this.deps.config.setInterop({ ...cur, mqtt }, who, 'MQTT settings');
    return this.mqttSettings();
  }

  metricsSettings(): MetricsSettingsAnswer {
    const m = this.deps.config.interop().metrics;
    return { open: m.open, tokenSet: m.tokenHash !== null };
  }

  async setMetrics(patch: MetricsSettingsUpdate, who: string): Promise<MetricsSettingsAnswer> {
    const cur = this.deps.config.interop();
    const metrics = {
      open: patch.open ?? cur.metrics.open,
      tokenHash: patch.token === undefined ? cur.metrics.tokenHash : patch.token === '' ? null : sha256(patch.token),
    };
    await this.deps.config.setInterop({ ...cur, metrics }, who, 'metrics access');
    return this.metricsSettings();
  }

  /** May this `Authorization` header read /metrics? */
  /** The Prometheus exposition (the registry is built at the first scrape, with the last tick). */
  async metricsText(): Promise<{ text: string; contentType: string }> {
    this.metrics ??= import('./metrics').then(({ Metrics }) => {
      const m = new Metrics({ ...this.deps, modbus: this.modbus, mqttConnected: () => this.mqtt.state === 'connected' });
      if (this.lastTick) m.onTick(this.lastTick);
      return m;
    });
    const m = await this.metrics;
    return { text: await m.text(), contentType: m.contentType };
  }

  metricsAllowed(authorization: string | undefined): boolean {
    const m = this.deps.config.interop().metrics;
    if (m.open) return true;
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token || m.tokenHash === null) return false;
    return timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(m.tokenHash, 'hex'));
  }
  // #endregion
}
