/**
 * @module interop/metrics
 * Prometheus exposition (BEY-2) with prom-client: device status, energies (the stored corrected
 * counters), live power, bus statistics per gateway (transactions, failures by reason, busy
 * time, queue), the sample tick's duration and lateness, the store's size, the Modbus TCP
 * server and MQTT, and the process metrics. Values are read at scrape time from the parts that
 * own them (no copies kept here), except the tick's, which come from its event.
 */
import { Registry, Gauge, Counter, Histogram, collectDefaultMetrics } from 'prom-client';
import type { ConfigStore } from '../config/index';
import type { HistoryStore } from '../store/index';
import type { Poller, SampleTick } from '../poll/index';
import type { GatewayManager } from '../gateways/index';
import type { ModbusService } from './modbus-service';

export interface MetricsDeps {
  config: ConfigStore;
  store: HistoryStore;
  poller: Poller;
  gateways: GatewayManager;
  modbus: ModbusService;
  mqttConnected: () => boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly tickDuration: Histogram;
  private readonly tickLate: Gauge;
  private readonly tickLast: Gauge;

  constructor(private readonly deps: MetricsDeps) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'ews_' });
    // Left out: gauges that prom-client names like counters (promtool: "non-counter metrics should not have _total").
    for (const name of ['active_handles', 'active_requests', 'active_resources']) r.removeSingleMetric(`ews_nodejs_${name}_total`);
    const { config, store, poller, gateways, modbus } = deps;

    new Gauge({
      name: 'ews_device_up', help: 'Device status: 1 when it answers, 0 in error, -1 when switched off', labelNames: ['device_id', 'name', 'gateway'], registers: [r],
      collect() {
        this.reset();
        for (const d of config.devices()) {
          const s = poller.state(d.id)?.status;
          this.set({ device_id: String(d.id), name: d.name, gateway: d.gatewayId }, s === 'on' ? 1 : s === 'off' ? -1 : 0);
        }
      },
    });
    new Gauge({
      name: 'ews_device_active_power_watts', help: 'Live active power of a device (last good reading)', labelNames: ['device_id', 'name'], registers: [r],
      collect() {
        this.reset();
        for (const d of config.devices()) {
          const v = poller.state(d.id)?.values.activePowerW?.value;
          if (typeof v === 'number') this.set({ device_id: String(d.id), name: d.name }, v);
        }
      },
    });
    new Gauge({
      name: 'ews_energy_active_import_wh', help: 'Positive active energy: the stored corrected counter at the last sample slot, per scope (device, load, group, total)',
      labelNames: ['scope'], registers: [r],
      collect() {
        this.reset();
        for (const s of store.listSeries({ kind: 'counter', counter: 'activeEnergyImport' })) {
          const span = store.counterSpan(s.id);
          if (span) this.set({ scope: s.scope }, span.lastValue);
        }
      },
    });
    const busOf = () => config.gateways().map((g) => ({ id: g.id, bus: gateways.bus(g.id) })).filter((x) => x.bus);
    new Counter({
      name: 'ews_bus_transactions_total', help: 'Modbus transactions run on a gateway\'s bus', labelNames: ['gateway'], registers: [r],
      collect() { this.reset(); for (const { id, bus } of busOf()) this.inc({ gateway: id }, bus!.stats.transactions); },
    });
    new Counter({
      name: 'ews_bus_failures_total', help: 'Failed Modbus transactions by reason', labelNames: ['gateway', 'reason'], registers: [r],
      collect() {
        this.reset();
        for (const { id, bus } of busOf()) for (const [reason, n] of Object.entries(bus!.stats.failuresByReason)) this.inc({ gateway: id, reason }, n);
      },
    });
    new Counter({
      name: 'ews_bus_busy_seconds_total', help: 'Time the bus spent in transactions (utilisation = rate of this)', labelNames: ['gateway'], registers: [r],
      collect() { this.reset(); for (const { id, bus } of busOf()) this.inc({ gateway: id }, bus!.stats.busyMs / 1000); },
    });
    new Gauge({
      name: 'ews_bus_queued', help: 'Transactions waiting for the bus', labelNames: ['gateway'], registers: [r],
      collect() { this.reset(); for (const { id, bus } of busOf()) this.set({ gateway: id }, bus!.pending); },
    });
    this.tickDuration = new Histogram({
      name: 'ews_sample_tick_duration_seconds', help: 'Time to read every device at a sample tick (the bus cycle time)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60], registers: [r],
    });
    this.tickLate = new Gauge({ name: 'ews_sample_tick_late_seconds', help: 'How late after its slot the last sample tick started', registers: [r] });
    this.tickLast = new Gauge({ name: 'ews_sample_tick_last_slot_seconds', help: 'Slot (Unix time) of the last sample tick', registers: [r] });
    new Gauge({
      name: 'ews_store_bytes', help: 'Pages used by each history database', labelNames: ['db'], registers: [r],
      collect() { this.reset(); for (const [db, s] of Object.entries(store.sizes())) this.set({ db }, s.bytes); },
    });
    new Gauge({
      name: 'ews_modbus_server_connections', help: 'Clients connected to the Modbus TCP server', registers: [r],
      collect() { this.set(modbus.status().connections); },
    });
    new Counter({
      name: 'ews_modbus_server_events_total', help: 'Modbus TCP server: connections accepted, refused (allowlist, limit), requests, connections closed for bad frames or floods',
      labelNames: ['event'], registers: [r],
      collect() { this.reset(); for (const [event, n] of Object.entries(modbus.serverStats())) this.inc({ event }, n); },
    });
    new Counter({
      name: 'ews_modbus_gateway_forwarded_total', help: 'Requests of Modbus TCP clients answered by a Local device', registers: [r],
      collect() { this.reset(); this.inc(modbus.gatewayStats.forwarded); },
    });
    new Counter({
      name: 'ews_modbus_gateway_failures_total', help: 'Requests of Modbus TCP clients to Local devices that failed or were refused, by reason', labelNames: ['reason'], registers: [r],
      collect() { this.reset(); for (const [reason, n] of Object.entries(modbus.gatewayStats.failures)) this.inc({ reason }, n); },
    });
    const mqttConnected = deps.mqttConnected;
    new Gauge({
      name: 'ews_mqtt_connected', help: '1 when connected to the MQTT broker', registers: [r],
      collect() { this.set(mqttConnected() ? 1 : 0); },
    });
  }

  onTick(tick: SampleTick): void {
    if (tick.durationMs !== undefined) this.tickDuration.observe(tick.durationMs / 1000);
    if (tick.lateMs !== undefined) this.tickLate.set(tick.lateMs / 1000);
    this.tickLast.set(tick.slotMs / 1000);
  }

  text(): Promise<string> { return this.registry.metrics(); }
  get contentType(): string { return this.registry.contentType; }
}
