/**
 * @module modbus/serial-link
 * The RS485 port through `serialport`. Every `error` and `close` of the port becomes a link
 * event (serialport/modbus-serial crash on unplug: modbus-serial #379, #587).
 *
 * The port is `@serialport/stream` over the native `@serialport/bindings-cpp`, loaded at the first
 * open: not the `serialport` umbrella package, which also loads ten parsers and a mock binding the
 * daemon never uses (~3 MB resident), and nothing at all on a box that only has TCP gateways.
 */
import type { SerialPortStream } from '@serialport/stream';
import { Emitter } from '../util/events';
import type { Link, LinkEvents } from './link';
import type { LineSettings } from './timing';

export class SerialLink implements Link {
  readonly events = new Emitter<LinkEvents>();
  private port: SerialPortStream | undefined;

  constructor(readonly name: string, private readonly line: LineSettings) {}

  get isOpen(): boolean { return this.port?.isOpen ?? false; }

  async open(): Promise<void> {
    const { SerialPortStream: Port, binding } = await serialPort();
    return new Promise((resolve, reject) => {
      const port = new Port({
        binding, path: this.name, baudRate: this.line.baudRate, parity: this.line.parity, stopBits: this.line.stopBits,
        dataBits: 8, autoOpen: false, lock: true,
      });
      port.on('error', (err) => {
        // After open, errors (EIO on unplug) end the link; the close event may not follow.
        if (this.port === port) this.drop(port, `serial error: ${err.message}`);
      });
      port.on('close', () => { if (this.port === port) this.drop(port, 'port closed'); });
      port.on('data', (chunk: Buffer) => { if (this.port === port) this.events.emit('data', chunk); });
      port.open((err) => {
        if (err) {
          port.removeAllListeners();
          port.on('error', () => {});
          return reject(new Error(err.message));
        }
        this.port = port;
        resolve();
      });
    });
  }

  private drop(port: SerialPortStream, reason: string): void {
    this.port = undefined;
    port.removeAllListeners('data');
    if (port.isOpen) port.close(() => {});
    this.events.emit('close', reason);
  }

  close(): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve();
    this.port = undefined;
    return new Promise((resolve) => {
      port.removeAllListeners('data');
      // close() may never call back if already closed (modbus-serial #267): do not wait for it.
      if (!port.isOpen) { this.events.emit('close', 'closed'); return resolve(); }
      port.close(() => { this.events.emit('close', 'closed'); resolve(); });
    });
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) return Promise.reject(new Error('port not open'));
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(data), (err) => (err ? reject(new Error(err.message)) : resolve()));
    });
  }
}

let loaded: Promise<{ SerialPortStream: typeof SerialPortStream; binding: Awaited<ReturnType<typeof detectBinding>> }> | undefined;

async function detectBinding() {
  const { autoDetect } = await import('@serialport/bindings-cpp');
  return autoDetect();
}

function serialPort() {
  loaded ??= Promise.all([import('@serialport/stream'), detectBinding()])
    .then(([stream, binding]) => ({ SerialPortStream: stream.SerialPortStream, binding }))
    .catch((err: unknown) => { loaded = undefined; throw err; });
  return loaded;
}

/** Lists serial ports; the binding's `list()` shells out to udevadm, absent in containers. */
export async function listSerialPorts(): Promise<Array<{ path: string; manufacturer?: string }>> {
  try {
    const ports = await (await serialPort()).binding.list();
    return ports.map((p: { path: string; manufacturer?: string }) => ({ path: p.path, ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}) }));
  } catch {
    const { readdirSync } = await import('node:fs');
    try {
      return readdirSync('/dev').filter((n) => /^tty(S\d|USB|ACM|AMA)/.test(n)).map((n) => ({ path: `/dev/${n}` }));
    } catch {
      return [];
    }
  }
}
