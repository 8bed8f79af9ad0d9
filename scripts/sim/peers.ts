/**
 * The other parties on the network, for tests of the box's servers (MS-1): a SCADA's Modbus TCP
 * client (modbus-serial, an independent implementation), raw TCP connections for malformed
 * frames and floods, and a free port. Like the simulator, they stand in for what is outside the
 * box, so they may use sockets.
 */
import { createServer, connect, type Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export interface ScadaClient {
  setID(unit: number): void;
  readHoldingRegisters(address: number, count: number): Promise<{ data: number[] }>;
  readInputRegisters(address: number, count: number): Promise<{ data: number[] }>;
  writeRegister(address: number, value: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A modbus-serial TCP client, connected. Its rejections carry `modbusCode` for exceptions. */
export async function scadaClient(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<ScadaClient> {
  const c = new ModbusRTU();
  await c.connectTCP(host, { port });
  c.setTimeout(timeoutMs);
  return {
    setID: (unit) => c.setID(unit),
    readHoldingRegisters: (a, n) => c.readHoldingRegisters(a, n),
    readInputRegisters: (a, n) => c.readInputRegisters(a, n),
    writeRegister: (a, v) => c.writeRegister(a, v),
    close: () => new Promise<void>((r) => c.close(() => r())),
  };
}

/** Does a new connection get closed by the server at once (allowlist, connection limit)? */
export function closedAtOnce(port: number, host = '127.0.0.1', waitMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = connect(port, host);
    s.on('error', () => resolve(true));
    s.on('close', () => resolve(true));
    s.setTimeout(waitMs, () => { s.destroy(); resolve(false); });
  });
}

/** A raw TCP connection for hand-made bytes (fuzzing). Resolves once connected, or with null if refused. */
export function rawConnection(port: number, host = '127.0.0.1'): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
    s.on('error', () => {});
  });
}
