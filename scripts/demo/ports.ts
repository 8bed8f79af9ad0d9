/**
 * The demo's ports: a port that cannot be bound becomes a one-line error naming the port and the
 * variable that moves it (no stack trace), so two demos, or a demo and the tests, can run side by
 * side.
 */
import net from 'node:net';

/** A port the demo was told to use is taken (or refused); `message` is the whole story. */
export class PortError extends Error {
  constructor(readonly port: number, readonly variable: string, readonly code: string, what: string) {
    super(code === 'EADDRINUSE'
      ? `port ${port} (${what}) is already in use (EADDRINUSE): set ${variable} to another port${variable.includes('EWS_SIM_') ? ', or leave it unset for a free one' : ''}`
      : `cannot listen on port ${port} (${what}, ${code}): set ${variable} to another port`);
    this.name = 'PortError';
  }
}

/** Runs `listen` and turns its EADDRINUSE/EACCES into a PortError about `variable`. */
export async function explainListen<T>(port: number, variable: string, what: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new PortError(port, variable, code, what);
    throw err;
  }
}

/** Fails with a PortError now when `host:port` cannot be bound (before minutes of set-up). */
export function assertPortFree(host: string, port: number, variable: string, what: string): Promise<void> {
  return explainListen(port, variable, what, () => new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, host, () => s.close(() => resolve()));
  }));
}
