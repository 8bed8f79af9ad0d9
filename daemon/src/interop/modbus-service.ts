/**
 * @module interop/modbus-service
 * The Modbus TCP server's life (MS-1, BUS-2): started, stopped or moved when the Modbus settings
 * change, without a restart. It dispatches by unit id:
 * - 247: the slave function (interop/slave);
 * - 1…246: the RS485/IP gateway function: the request goes to the Local bus through its bus
 *   queue, in the `gateway` lane (after commands and live reads, sharing the line with a running
 *   sample tick, before background refresh and scans: modbus/bus), and the device's answer or
 *   exception comes back; 0B when it does not
 *   answer, 0A when the Local port is down; write functions only when `tcpGatewayWrites` allows;
 *   at most MAX_GATEWAY_INFLIGHT requests wait for the bus (more: exception 06, busy);
 * - 0 (broadcast): no answer, nothing forwarded; 248…255: exception 0A.
 */
import { SLAVE_UNIT_ID, type ModbusSettings } from '@ews/shared';
import {
  ModbusTcpServer, ModbusError, exceptionPdu, FC_READ_HOLDING, FC_READ_INPUT, FC_WRITE_SINGLE, FC_WRITE_MULTIPLE, MAX_READ_QUANTITY,
  type BusQueue, type ModbusServerStats,
} from '../modbus/index';
import type { SlaveFunction } from './slave';
import { silentLogger, type Logger } from '../util/log';

/** Gateway requests waiting for or on the bus at once, all clients together. */
export const MAX_GATEWAY_INFLIGHT = 8;

export interface GatewayStats {
  forwarded: number;
  /** Failed forwards by reason (timeout, crc, exception, closed…), and refusals (`refused-write`, `busy`). */
  failures: Record<string, number>;
}

export interface ModbusServiceStatus {
  running: boolean;
  listening: string | null;
  connections: number;
  lastError?: string;
}

export interface ModbusServiceDeps {
  slave: SlaveFunction;
  /** The Local gateway's bus, when it runs. */
  localBus: () => BusQueue | undefined;
  log?: Logger;
}

const serverKey = (s: ModbusSettings) => JSON.stringify(s.tcpServer ? [s.tcpPort, s.tcpBind, s.tcpAllow, s.tcpMaxConnections] : null);

function validPdu(pdu: Uint8Array): boolean {
  const fn = pdu[0];
  if (fn === FC_READ_HOLDING || fn === FC_READ_INPUT) {
    const q = (pdu[3] << 8) | pdu[4];
    return pdu.length === 5 && q >= 1 && q <= MAX_READ_QUANTITY;
  }
  if (fn === FC_WRITE_SINGLE) return pdu.length === 5;
  if (fn === FC_WRITE_MULTIPLE) {
    const q = (pdu[3] << 8) | pdu[4];
    return q >= 1 && q <= 123 && pdu[5] === 2 * q && pdu.length === 6 + 2 * q;
  }
  return false;
}

export class ModbusService {
  readonly gatewayStats: GatewayStats = { forwarded: 0, failures: {} };
  private server: ModbusTcpServer | undefined;
  private key = serverKey({ tcpServer: false } as ModbusSettings);
  private settings: ModbusSettings | undefined;
  private lastError: string | undefined;
  private inflight = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  /** Counters of servers that were stopped (so totals never go back for Prometheus). */
  private readonly pastStats: ModbusServerStats = { accepted: 0, refused: 0, requests: 0, invalid: 0 };

  constructor(private readonly deps: ModbusServiceDeps) {
    this.log = deps.log ?? silentLogger;
  }

  /** Applies new settings: starts, stops or rebinds the server when its fields changed. Never throws. */
  apply(settings: ModbusSettings): Promise<void> {
    this.chain = this.chain.then(() => this.applyNow(settings));
    return this.chain;
  }

  private async applyNow(settings: ModbusSettings): Promise<void> {
    this.settings = settings;
    const key = serverKey(settings);
    if (key === this.key && this.lastError === undefined) return; // unchanged (a failed start is retried)
    this.key = key;
    await this.closeServer();
    this.lastError = undefined;
    if (!settings.tcpServer) return;
    try {
      this.server = await ModbusTcpServer.start({
        port: settings.tcpPort, host: settings.tcpBind, allow: settings.tcpAllow, maxConnections: settings.tcpMaxConnections,
        handle: (unit, pdu) => this.handle(unit, pdu), log: this.log,
      });
      const a = this.server.address;
      this.log.info('Modbus TCP server listening', { host: a.host, port: a.port, allow: settings.tcpAllow });
    } catch (err) {
      this.lastError = `cannot listen on ${settings.tcpBind}:${settings.tcpPort}: ${(err as Error).message}`;
      this.log.error('Modbus TCP server not started', { err, port: settings.tcpPort, host: settings.tcpBind });
    }
  }

  status(): ModbusServiceStatus {
    const a = this.server?.address;
    return {
      running: this.server !== undefined,
      listening: a ? `${a.host}:${a.port}` : null,
      connections: this.server?.connections ?? 0,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The port bound (tests bind port 0). */
  get port(): number | undefined { return this.server?.address.port; }

  serverStats(): ModbusServerStats {
    const s = this.server?.stats;
    const p = this.pastStats;
    return {
      accepted: p.accepted + (s?.accepted ?? 0), refused: p.refused + (s?.refused ?? 0),
      requests: p.requests + (s?.requests ?? 0), invalid: p.invalid + (s?.invalid ?? 0),
    };
  }

  async stop(): Promise<void> {
    await this.chain;
    await this.closeServer();
  }

  private async closeServer(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    for (const k of Object.keys(this.pastStats) as Array<keyof ModbusServerStats>) this.pastStats[k] += s.stats[k];
    await s.close();
    this.log.info('Modbus TCP server stopped');
  }

  private fail(reason: string): void {
    this.gatewayStats.failures[reason] = (this.gatewayStats.failures[reason] ?? 0) + 1;
  }

  private async handle(unit: number, pdu: Uint8Array): Promise<Uint8Array | null> {
    const fn = pdu[0] ?? 0;
    if (unit === SLAVE_UNIT_ID) return this.deps.slave.serve(pdu);
    if (unit === 0) return null; // broadcast: never forwarded, never answered
    if (unit > 247) return exceptionPdu(fn, 0x0a);
    if (fn !== FC_READ_HOLDING && fn !== FC_READ_INPUT && fn !== FC_WRITE_SINGLE && fn !== FC_WRITE_MULTIPLE) return exceptionPdu(fn, 1);
    if (!validPdu(pdu)) return exceptionPdu(fn, 3);
    if ((fn === FC_WRITE_SINGLE || fn === FC_WRITE_MULTIPLE) && !this.settings?.tcpGatewayWrites) {
      this.fail('refused-write');
      return exceptionPdu(fn, 1);
    }
    const bus = this.deps.localBus();
    if (!bus) { this.fail('unreachable'); return exceptionPdu(fn, 0x0a); }
    if (this.inflight >= MAX_GATEWAY_INFLIGHT) { this.fail('busy'); return exceptionPdu(fn, 6); }
    this.inflight++;
    try {
      const answer = await bus.run('gateway', (t) => t.request(unit, pdu, { retries: 0 }));
      this.gatewayStats.forwarded++;
      return answer;
    } catch (err) {
      const code = err instanceof ModbusError ? err.code : 'garbage';
      this.fail(code);
      if (err instanceof ModbusError && err.code === 'exception' && err.exceptionCode !== undefined) return exceptionPdu(fn, err.exceptionCode);
      if (code === 'closed' || code === 'unreachable' || code === 'cancelled') return exceptionPdu(fn, 0x0a);
      return exceptionPdu(fn, 0x0b);
    } finally {
      this.inflight--;
    }
  }
}
