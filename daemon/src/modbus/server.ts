/**
 * @module modbus/server
 * The Modbus TCP server (MS-1): accepts SCADA and master web server connections, frames MBAP
 * requests with the project's codec and answers each with what the handler gives. It owns only
 * sockets and framing; what a unit id means (slave function, RS485 gateway) is the handler's.
 *
 * Limits, so a bad or hostile client never disturbs the daemon: an allowlist of client
 * addresses, a cap on concurrent connections (more are closed at once), requests answered in
 * order one at a time per connection with at most `maxQueuedPerConnection` waiting (a flood
 * closes the connection), an invalid MBAP header closes the connection (the stream cannot be
 * resynchronised), and idle connections are closed.
 */
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { encodeMbap, frameMbap, exceptionPdu } from './codec';
import { silentLogger, type Logger } from '../util/log';

export interface ModbusServerOptions {
  port: number;
  host: string;
  /** IPv4 addresses or CIDR networks allowed; empty: every client. */
  allow: readonly string[];
  maxConnections: number;
  /** Answers one request PDU; null sends no answer (broadcast). Must not throw (a throw answers exception 04). */
  handle: (unit: number, pdu: Uint8Array, client: string) => Promise<Uint8Array | null>;
  idleTimeoutMs?: number;
  maxQueuedPerConnection?: number;
  log?: Logger;
}

export interface ModbusServerStats {
  accepted: number;
  /** Connections closed at once: not allowed, or over the connection limit. */
  refused: number;
  requests: number;
  /** Connections closed for an invalid MBAP header or a flood. */
  invalid: number;
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Is the client address (IPv4, or IPv4-mapped IPv6) inside one of the CIDR entries? Empty list: yes. */
export function addressAllowed(address: string, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  const ip = ipv4ToInt(address.replace(/^::ffff:/i, ''));
  if (ip === undefined) return false;
  return allow.some((entry) => {
    const [net, bitsText] = entry.split('/');
    const base = ipv4ToInt(net);
    if (base === undefined) return false;
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((ip & mask) >>> 0) === ((base & mask) >>> 0);
  });
}

export class ModbusTcpServer {
  readonly stats: ModbusServerStats = { accepted: 0, refused: 0, requests: 0, invalid: 0 };
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;

  private constructor(private readonly server: Server, private readonly opts: ModbusServerOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Listens; rejects when the port cannot be bound (taken, no privilege). */
  static start(opts: ModbusServerOptions): Promise<ModbusTcpServer> {
    const server = createServer({ noDelay: true });
    const self = new ModbusTcpServer(server, opts);
    server.on('connection', (s) => self.accept(s));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => self.log.error('server error', { err }));
        resolve(self);
      });
    });
  }

  get address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }
  get connections(): number { return this.sockets.size; }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => { /* reset by peer: the close handler cleans up */ });
    const client = socket.remoteAddress ?? '';
    if (!addressAllowed(client, this.opts.allow)) {
      this.stats.refused++;
      this.log.info('client refused: not in the allowlist', { client });
      socket.destroy();
      return;
    }
    if (this.sockets.size >= this.opts.maxConnections) {
      this.stats.refused++;
      this.log.debug('client refused: connection limit', { client, limit: this.opts.maxConnections });
      socket.destroy();
      return;
    }
    this.stats.accepted++;
    this.sockets.add(socket);
    socket.setTimeout(this.opts.idleTimeoutMs ?? 60_000, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    const maxQueued = this.opts.maxQueuedPerConnection ?? 16;
    let rx = new Uint8Array(0);
    const queue: Array<{ tid: number; unit: number; pdu: Uint8Array }> = [];
    let serving = false;

    const serve = async () => {
      if (serving) return;
      serving = true;
      while (queue.length > 0 && !socket.destroyed) {
        const { tid, unit, pdu } = queue.shift()!;
        this.stats.requests++;
        let answer: Uint8Array | null;
        try {
          answer = await this.opts.handle(unit, pdu, client);
        } catch (err) {
          this.log.error('request handler failed', { err });
          answer = exceptionPdu(pdu[0] ?? 0, 4);
        }
        if (answer && !socket.destroyed) socket.write(encodeMbap(tid, unit, answer));
      }
      serving = false;
    };

    socket.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(rx.length + chunk.length);
      next.set(rx); next.set(chunk, rx.length);
      rx = next;
      for (;;) {
        const f = frameMbap(rx);
        if (f.kind === 'incomplete') break;
        if (f.kind === 'invalid' || f.pdu.length === 0) {
          this.stats.invalid++;
          this.log.debug('invalid MBAP frame: connection closed', { client, why: f.kind === 'invalid' ? f.why : 'empty PDU' });
          socket.destroy();
          return;
        }
        rx = rx.slice(f.length);
        if (queue.length >= maxQueued) {
          this.stats.invalid++;
          this.log.debug('too many requests waiting: connection closed', { client });
          socket.destroy();
          return;
        }
        queue.push({ tid: f.transactionId, unit: f.unit, pdu: f.pdu });
      }
      void serve();
    });
  }
}
