/**
 * @module gateways
 * One bus per gateway: the Local RS485 port (RTU over a serial port, or over a raw TCP pipe for
 * a remote serial port) and each Modbus TCP gateway (MBAP). Builds link → transport → queue,
 * keeps them open with back-off, and applies new Modbus settings by reopening the port without
 * restarting the process (BUS-2).
 */
import { LOCAL_GATEWAY_ID, type Gateway, type ModbusSettings } from '@ews/shared';
import {
  ManagedLink, RtuTransport, TcpTransport, BusQueue, SerialLink, TcpLink,
  type LinkStatus, type Transport, type Link, type LineSettings,
} from '../modbus/index';
import type { GatewayAccess } from '../poll/index';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

/** Lets tests and the demo plug in links of their own (in-memory pipes to the simulator). */
export type LinkFactory = (gateway: Gateway, settings: ModbusSettings) => Link | undefined;

export function lineOf(s: ModbusSettings): LineSettings {
  return { baudRate: s.baudRate, parity: s.parity, stopBits: s.stopBits };
}

/** The default links: serial path or tcp://host:port (RTU) for Local; host:port (MBAP) otherwise. */
export const defaultLinkFactory: LinkFactory = (gateway, settings) => {
  if (gateway.kind === 'local') {
    const m = /^tcp:\/\/([^:/]+):(\d+)$/.exec(settings.path);
    if (m) return new TcpLink(m[1], Number(m[2]));
    return new SerialLink(settings.path, lineOf(settings));
  }
  return new TcpLink(gateway.host, gateway.port);
};

/** The settings of the Local port (the Modbus TCP server's fields are not among them). */
/** The longest wait between two attempts to reopen the local RS485 port. */
const LOCAL_MAX_BACKOFF_MS = 5_000;
const serialKey = (s: ModbusSettings) => JSON.stringify([s.path, s.baudRate, s.parity, s.stopBits, s.timeoutMs, s.retries, s.interFrameDelayMs]);
const connectionKey = (g: Gateway) => JSON.stringify([g.kind, g.host, g.port, g.enabled, g.timeoutMs]);

interface Running {
  gateway: Gateway;
  link: ManagedLink;
  transport: RtuTransport | TcpTransport;
  bus: BusQueue;
}

export interface GatewayManagerOptions {
  clock?: Clock;
  log?: Logger;
  linkFactory?: LinkFactory;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class GatewayManager implements GatewayAccess {
  private running = new Map<string, Running>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly linkFactory: LinkFactory;

  constructor(private settings: ModbusSettings, private readonly options: GatewayManagerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.linkFactory = options.linkFactory ?? defaultLinkFactory;
  }

  bus(gatewayId: string): BusQueue | undefined { return this.running.get(gatewayId)?.bus; }
  linkStatus(gatewayId: string): LinkStatus | undefined { return this.running.get(gatewayId)?.link.status; }
  onLinkStatus(gatewayId: string, fn: (s: LinkStatus) => void): () => void {
    const r = this.running.get(gatewayId);
    return r ? r.link.events.on('status', fn) : () => {};
  }
  transport(gatewayId: string): Transport | undefined { return this.running.get(gatewayId)?.transport; }
  /** The RS485 line of an RTU bus (the Local port); undefined for a Modbus TCP gateway. */
  line(gatewayId: string): LineSettings | undefined {
    const r = this.running.get(gatewayId);
    return r && r.gateway.kind === 'local' ? lineOf(this.settings) : undefined;
  }

  /** Starts, stops or restarts buses so they match the configured, enabled gateways. */
  async sync(gateways: Gateway[]): Promise<void> {
    const wanted = new Map(gateways.filter((g) => g.enabled).map((g) => [g.id, g]));
    for (const [id, r] of this.running) {
      const g = wanted.get(id);
      // Only connection fields restart a bus; a name or panel board change does not.
      if (!g || connectionKey(g) !== connectionKey(r.gateway)) await this.stopOne(id);
      else r.gateway = g;
    }
    for (const g of wanted.values()) if (!this.running.has(g.id)) await this.startOne(g);
  }

  /** New Modbus settings: the Local port is reopened with them at once (no restart). */
  async applyModbusSettings(settings: ModbusSettings): Promise<void> {
    const unchanged = serialKey(settings) === serialKey(this.settings);
    this.settings = settings;
    if (unchanged) return; // only the Modbus TCP server's fields changed: the port stays open
    const local = this.running.get(LOCAL_GATEWAY_ID);
    if (!local) return;
    const link = this.linkFactory(local.gateway, settings);
    if (!link) return;
    if (local.transport instanceof RtuTransport) {
      local.transport.setLine(lineOf(settings));
      local.transport.setOptions({ timeoutMs: settings.timeoutMs, retries: settings.retries, interFrameDelayMs: settings.interFrameDelayMs });
    }
    this.log.info('reopening local port', { path: settings.path, baudRate: settings.baudRate, parity: settings.parity, stopBits: settings.stopBits });
    await local.link.replace(() => this.linkFactory(local.gateway, this.settings)!);
  }

  async stop(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.stopOne(id);
  }

  private async startOne(gateway: Gateway): Promise<void> {
    if (!this.linkFactory(gateway, this.settings)) return;
    const log = this.log.child(gateway.kind === 'local' ? 'local' : gateway.id);
    const link = new ManagedLink(() => this.linkFactory(gateway, this.settings)!, {
      clock: this.clock, log, minBackoffMs: this.options.minBackoffMs,
      // Opening a device file is cheap, and a technician who replugs the RS485 adapter expects the
      // bus back within seconds: the local port retries at most every 5 s; TCP gateways back off to 30 s.
      maxBackoffMs: gateway.kind === 'local' ? Math.min(this.options.maxBackoffMs ?? LOCAL_MAX_BACKOFF_MS, LOCAL_MAX_BACKOFF_MS) : this.options.maxBackoffMs,
    });
    const transport = gateway.kind === 'local'
      ? new RtuTransport(link, {
        timeoutMs: this.settings.timeoutMs, retries: this.settings.retries, interFrameDelayMs: this.settings.interFrameDelayMs,
        line: lineOf(this.settings), clock: this.clock, log,
      })
      : new TcpTransport(link, { timeoutMs: gateway.timeoutMs, retries: this.settings.retries, clock: this.clock, log });
    const bus = new BusQueue(transport, gateway.id);
    this.running.set(gateway.id, { gateway, link, transport, bus });
    await link.start();
  }

  private async stopOne(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    r.bus.stop();
    await r.link.stop();
  }
}
