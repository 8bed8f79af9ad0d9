/**
 * @module files/ftp-server
 * The ftp-srv side of `FtpAccess` (files/ftp), in its own module so the library (with lodash,
 * moment, bluebird and bunyan: ~4 MB of heap) is loaded with the first FTP connection. Read-only FTP of the history folder (HIST-4) with ftp-srv: user `wsmeasure`, the folder
 * password (`wsmeasure` until it is changed), passive mode (EPSV and PASV; PASV announces the
 * box's address), a configurable port (21 on the box). Writing commands are refused; every path
 * goes through `resolveInside`, so `..`, absolute paths and symlinks cannot leave the folder.
 * A port that cannot be bound is logged and shown in the status; the daemon goes on.
 */
import { createReadStream, statSync } from 'node:fs';
import { stat, readdir } from 'node:fs/promises';
import { posix, join } from 'node:path';
import { networkInterfaces } from 'node:os';
import ftpSrv, { type FtpConnection } from 'ftp-srv';

// ftp-srv is CommonJS: its classes are properties of the default export (its typings say otherwise)
const { FtpSrv, FileSystem } = ftpSrv as unknown as { FtpSrv: typeof import('ftp-srv').FtpSrv; FileSystem: typeof import('ftp-srv').FileSystem };
/** ftp-srv answers a failed command with the error's numeric code and message. */
class FileSystemError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}
import { FOLDER_USER } from '@ews/shared';
import type { Logger } from '../util/log';
import { resolveInside } from './paths';

export interface FtpOptions {
  root: string;
  port: number;
  /** Listen address (default all). */
  host?: string;
  /** Address PASV announces to remote clients (default: the first non-loopback IPv4). */
  passiveAddress?: string;
  passivePorts?: { min: number; max: number };
  checkPassword: (password: string) => Promise<boolean>;
  log: Logger;
  /** Delay before answering a wrong password (slows guessing). */
  failDelayMs?: number;
}

const WRITE_COMMANDS = ['STOR', 'APPE', 'STOU', 'DELE', 'MKD', 'XMKD', 'RMD', 'XRMD', 'RNFR', 'RNTO', 'SITE', 'ALLO'];

function firstIpv4(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** The folder, read-only; client paths are resolved against the folder and checked. */
class ReadOnlyFileSystem extends FileSystem {
  private dir = '/';
  constructor(connection: FtpConnection, private readonly folder: string) { super(connection, { root: folder, cwd: '/' }); }

  private client(path = '.'): string {
    return posix.normalize(path.startsWith('/') ? path : posix.join(this.dir, path));
  }
  private real(path?: string): string {
    try { return resolveInside(this.folder, this.client(path)); } catch (err) { throw new FileSystemError((err as Error).message, 550); }
  }

  override currentDirectory(): string { return this.dir; }
  override async get(fileName: string): Promise<unknown> {
    const st = await stat(this.real(fileName));
    return Object.assign(st, { name: posix.basename(this.client(fileName)) || '/' });
  }
  override async list(path = '.'): Promise<unknown> {
    const dir = this.real(path);
    const out: unknown[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isFile() && !e.isDirectory()) continue;
      if (e.name.startsWith('.') || e.name.endsWith('.tmp')) continue;
      out.push(Object.assign(statSync(join(dir, e.name)), { name: e.name }));
    }
    return out;
  }
  override async chdir(path = '.'): Promise<string> {
    const real = this.real(path);
    if (!(await stat(real)).isDirectory()) throw new FileSystemError('Not a folder', 550);
    this.dir = this.client(path);
    return this.dir;
  }
  override async read(fileName: string, { start }: { start?: number } = {}): Promise<unknown> {
    const real = this.real(fileName);
    if ((await stat(real)).isDirectory()) throw new FileSystemError('Cannot read a folder', 550);
    return { stream: createReadStream(real, { flags: 'r', ...(start ? { start } : {}) }), clientPath: this.client(fileName) };
  }
  override write(): never { throw new FileSystemError('The history folder is read-only', 550); }
  override delete(): Promise<never> { return Promise.reject(new FileSystemError('The history folder is read-only', 550)); }
  override mkdir(): Promise<never> { return Promise.reject(new FileSystemError('The history folder is read-only', 550)); }
  override rename(): Promise<never> { return Promise.reject(new FileSystemError('The history folder is read-only', 550)); }
  override chmod(): Promise<never> { return Promise.reject(new FileSystemError('The history folder is read-only', 550)); }
}

/** A bunyan-shaped logger over ours (ftp-srv logs each command at debug/trace). */
function bunyanOf(log: Logger): unknown {
  const at = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    const msg = args.find((a) => typeof a === 'string') as string | undefined;
    const obj = args.find((a) => a && typeof a === 'object');
    // its own net.Server never listens (files/ftp accepts): closing it is not an error
    if (obj instanceof Error && (obj as NodeJS.ErrnoException).code === 'ERR_SERVER_NOT_RUNNING') return;
    const fields = obj instanceof Error ? { err: obj } : (obj as Record<string, unknown> | undefined) ?? {};
    // ftp-srv logs a failed login's password in its context: never pass one on
    const { password: _p, ...rest } = fields as Record<string, unknown>;
    log[level === 'info' ? 'debug' : level](msg ?? 'ftp', rest);
  };
  const self = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('error'), child: () => self };
  return self;
}

/** An ftp-srv server for `url` that is not listening: `FtpAccess` hands it each accepted socket. */
export function createFtpServer(o: FtpOptions, url: string): { server: InstanceType<typeof FtpSrv>; accept(socket: unknown): void } {
  const before = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT'].flatMap((s) => process.listeners(s as NodeJS.Signals)));
  const server = new FtpSrv({
    url,
    pasv_url: o.passiveAddress ?? firstIpv4(),
    pasv_min: o.passivePorts?.min ?? 50_000,
    pasv_max: o.passivePorts?.max ?? 50_100,
    anonymous: false,
    blacklist: WRITE_COMMANDS,
    greeting: 'EWS history folder (read-only)',
    log: bunyanOf(o.log),
    timeout: 10 * 60_000,
  });
  // ftp-srv exits the process on SIGTERM/SIGINT/SIGQUIT; the daemon has its own orderly stop
  for (const s of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) {
    for (const l of process.listeners(s)) if (!before.has(l)) process.removeListener(s, l);
  }
  server.on('login', ({ connection, username, password }, resolve, reject) => {
    void (async () => {
      const ok = username === FOLDER_USER && (await o.checkPassword(password).catch(() => false));
      if (!ok) {
        o.log.warn('FTP login refused', { user: username, ip: connection.ip });
        await new Promise((r) => setTimeout(r, o.failDelayMs ?? 1000));
        reject(new Error('wrong user or password'));
        return;
      }
      o.log.info('FTP login', { ip: connection.ip });
      resolve({ fs: new ReadOnlyFileSystem(connection, o.root), blacklist: WRITE_COMMANDS });
    })();
  });
  server.on('client-error', ({ error }) => o.log.debug('FTP client error', { err: error }));
  // its (never listening) net.Server runs ftp-srv's connection handler for a socket we accepted
  const inner = (server as unknown as { server: { emit(event: 'connection', socket: unknown): void } }).server;
  return { server, accept: (socket) => inner.emit('connection', socket) };
}
