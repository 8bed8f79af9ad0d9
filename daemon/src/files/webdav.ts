/**
 * @module files/webdav
 * Read-only WebDAV of the history folder (HIST-4) with webdav-server, so Windows, macOS and Linux
 * map it as a network drive: HTTP Basic with user `wsmeasure` and the folder password, the only
 * right "read" (PUT, DELETE, MKCOL, MOVE, PROPPATCH, LOCK are refused), every path checked by
 * `resolveInside` (no way out through `..` or a symlink). The HTTP layer (api/) hands it the
 * requests under its mount path; bodies over 64 KB are refused there (a PROPFIND is small).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { v2 } from 'webdav-server';
type WebDAVServer = v2.WebDAVServer;
import type { Logger } from '../util/log';

export interface WebDavOptions {
  root: string;
  /** Where the API mounts it (`/dav`). */
  mountPath: string;
  checkPassword: (password: string) => Promise<boolean>;
  log: Logger;
}

export class WebDavAccess {
  private server: Promise<WebDAVServer> | undefined;
  constructor(private readonly opts: WebDavOptions) {}

  /** Serves one request (its path under the mount path). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const fail = (err: unknown) => {
      this.opts.log.error('WebDAV request failed', { err });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    };
    this.server ??= import('./webdav-server').then((m) => m.createDavServer(this.opts));
    this.server.then((server) => {
      try {
        // the server sees paths under the mount (as behind express's app.use) and answers with full paths
        const url = req.url ?? '/';
        if (url.startsWith(this.opts.mountPath)) req.url = url.slice(this.opts.mountPath.length) || '/';
        server.executeRequest(req, res, this.opts.mountPath);
      } catch (err) { fail(err); }
    }, (err: unknown) => { this.server = undefined; fail(err); });
  }
}
