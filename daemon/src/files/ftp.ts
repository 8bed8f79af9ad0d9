/**
 * @module files/ftp
 * Read-only FTP of the history folder (HIST-4): user `wsmeasure`, the folder password
 * (`wsmeasure` until it is changed), passive mode (EPSV and PASV; PASV announces the box's
 * address), a configurable port (21 on the box). The port is bound here at start; the protocol
 * (ftp-srv, files/ftp-server) is loaded with the first connection, which it then serves with
 * every later one. A port that cannot be bound is logged and shown in the status; the daemon
 * goes on.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/log';
import type { createFtpServer, FtpOptions } from './ftp-server';

export type { FtpOptions } from './ftp-server';

export interface FtpStatus { listening: boolean; port: number; error?: string }

export class FtpAccess {
  private listener: Server | undefined;
  private ftp: Promise<ReturnType<typeof createFtpServer>> | undefined;
  private readonly sockets = new Set<Socket>();
  private state: FtpStatus;
  constructor(private readonly opts: FtpOptions) { this.state = { listening: false, port: opts.port }; }

  status(): FtpStatus { return { ...this.state }; }

  async start(): Promise<void> {
    const o = this.opts;
    const listener = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(o.port, o.host ?? '0.0.0.0', () => { listener.off('error', reject); resolve(); });
      });
      listener.on('error', (err) => o.log.error('FTP listener error', { err }));
      this.listener = listener;
      // port 0: the one the system chose
      const address = listener.address();
      this.state = { listening: true, port: typeof address === 'object' && address ? address.port : o.port };
      o.log.info('FTP listening', { port: this.state.port });
    } catch (err) {
      this.state = { listening: false, port: o.port, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
      o.log.error('FTP cannot listen', { port: o.port, err });
      listener.close();
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    this.ftp ??= import('./ftp-server').then((m) => m.createFtpServer(this.opts, `ftp://${this.opts.host ?? '0.0.0.0'}:${this.state.port}`));
    this.ftp.then((ftp) => {
      if (!this.listener) { socket.destroy(); return; }
      ftp.accept(socket);
    }, (err: unknown) => {
      this.ftp = undefined;
      this.opts.log.error('FTP server failed to load', { err });
      socket.destroy();
    });
  }

  async stop(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.state = { ...this.state, listening: false };
    // the listener's close ends when its connections have: ftp-srv's clients are closed first
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    const ftp = this.ftp;
    this.ftp = undefined;
    if (ftp) await ftp.then((f) => f.server.close()).catch(() => {});
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
