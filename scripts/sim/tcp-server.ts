/**
 * @module sim/tcp-server
 * A TCP listener with the fault controls the simulated servers share: drop every connection
 * (gateway rebooted, cable pulled), refuse new ones (stop listening: ECONNREFUSED) and accept
 * again on the same port. Client misbehaviour never throws out of it.
 */
import net from 'node:net';

export interface TcpServerHandle {
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  readonly host: string;
  /** Destroys every open connection (clients see a reset). */
  dropConnections(): void;
  /** false: stop listening (new connections are refused); true: listen again on the same port. */
  setAccepting(accepting: boolean): Promise<void>;
  connectionCount(): number;
  close(): Promise<void>;
}

export interface ListenOptions {
  port: number;
  host?: string;
}

/** Called for each accepted socket; returns a cleanup run when the socket closes. */
export type ConnectionHandler = (socket: net.Socket) => () => void;

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => { server.off('listening', onListening); reject(err); };
    const onListening = () => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function listenTcp(opts: ListenOptions, onConnection: ConnectionHandler): Promise<TcpServerHandle> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  let closed = false;
  const server = net.createServer((socket) => {
    if (closed) { socket.destroy(); return; }
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => { /* resets and half-closed peers are normal here */ });
    let cleanup: (() => void) | undefined;
    socket.once('close', () => { sockets.delete(socket); cleanup?.(); });
    try {
      cleanup = onConnection(socket);
    } catch {
      socket.destroy();
    }
  });
  server.on('error', () => { /* reported through listen() */ });
  await listen(server, opts.port, host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    port,
    host,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    async setAccepting(accepting) {
      if (closed) return;
      if (!accepting) { if (server.listening) server.close(); return; }
      if (!server.listening) await listen(server, port, host);
    },
    connectionCount: () => sockets.size,
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const s of sockets) s.destroy();
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP port free on loopback right now (the demo picks one for the daemon it starts). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
