/**
 * @module modbus/tcp-link
 * A TCP socket as a link: Modbus TCP gateways (MBAP) and remote serial ports carrying raw RTU.
 */
import { Socket } from 'node:net';
import { Emitter } from '../util/events';
import type { Link, LinkEvents } from './link';

export class TcpLink implements Link {
  readonly events = new Emitter<LinkEvents>();
  readonly name: string;
  private socket: Socket | undefined;

  constructor(private readonly host: string, private readonly port: number, private readonly connectTimeoutMs = 3000) {
    this.name = `tcp://${host}:${port}`;
  }

  get isOpen(): boolean { return this.socket !== undefined; }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.destroy();
        reject(new Error(why));
      };
      socket.setNoDelay(true);
      socket.setTimeout(this.connectTimeoutMs, () => fail(`connect timeout after ${this.connectTimeoutMs} ms`));
      socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
      socket.connect(this.port, this.host, () => {
        if (settled) return;
        settled = true;
        socket.setTimeout(0);
        socket.removeAllListeners('error');
        socket.setKeepAlive(true, 10_000);
        socket.on('error', () => { /* a 'close' follows */ });
        socket.on('close', () => { if (this.socket === socket) { this.socket = undefined; this.events.emit('close', 'connection lost'); } });
        socket.on('data', (chunk) => { if (this.socket === socket) this.events.emit('data', chunk); });
        this.socket = socket;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.socket = undefined;
    socket.removeAllListeners('data');
    socket.destroy();
    this.events.emit('close', 'closed');
    return Promise.resolve();
  }

  write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('socket not connected'));
    return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
  }
}
