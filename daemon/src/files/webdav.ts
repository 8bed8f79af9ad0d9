/**
 * @module files/webdav
 * Read-only WebDAV of the history folder (HIST-4) with webdav-server, so Windows, macOS and Linux
 * map it as a network drive: HTTP Basic with user `wsmeasure` and the folder password, the only
 * right "read" (PUT, DELETE, MKCOL, MOVE, PROPPATCH, LOCK are refused), every path checked by
 * `resolveInside` (no way out through `..` or a symlink). The HTTP layer (api/) hands it the
 * requests under its mount path; bodies over 64 KB are refused there (a PROPFIND is small).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { v2 as webdav } from 'webdav-server';
import { FOLDER_USER } from '@ews/shared';
import type { Logger } from '../util/log';
import { FilesError, resolveInside } from './paths';

export interface WebDavOptions {
  root: string;
  /** Where the API mounts it (`/dav`). */
  mountPath: string;
  checkPassword: (password: string) => Promise<boolean>;
  log: Logger;
}

const USER: webdav.IUser = { uid: 'wsmeasure', username: FOLDER_USER, isAdministrator: false };
const NOBODY: webdav.IUser = { uid: 'default', username: 'default', isDefaultUser: true };

class FolderUsers implements webdav.ITestableUserManager {
  constructor(private readonly check: (password: string) => Promise<boolean>, private readonly log: Logger) {}
  getDefaultUser(callback: (user: webdav.IUser) => void): void { callback(NOBODY); }
  getUserByNamePassword(name: string, password: string, callback: (error: Error, user?: webdav.IUser) => void): void {
    void (async () => {
      const ok = name === FOLDER_USER && (await this.check(password).catch(() => false));
      if (ok) { callback(undefined as unknown as Error, USER); return; }
      this.log.warn('WebDAV login refused', { user: name });
      setTimeout(() => callback(webdav.Errors.UserNotFound), 1000);
    })();
  }
}

/** PhysicalFileSystem whose every real path is checked to stay inside the folder. */
class ConfinedFileSystem extends webdav.PhysicalFileSystem {
  constructor(private readonly folder: string) { super(folder); }
  override getRealPath(path: webdav.Path): { realPath: string; resource: webdav.PhysicalFileSystemResource } {
    const base = super.getRealPath(path);
    try {
      return { ...base, realPath: resolveInside(this.folder, path.toString()) };
    } catch (err) {
      // outside the folder: a path that cannot exist; missing files: the plain path (404 follows)
      if (err instanceof FilesError && err.code === 'not-found') return base;
      return { ...base, realPath: join(this.folder, '.refused', 'nothing') };
    }
  }
}

export class WebDavAccess {
  private readonly server: webdav.WebDAVServer;
  constructor(private readonly opts: WebDavOptions) {
    const users = new FolderUsers(opts.checkPassword, opts.log);
    const privileges = new webdav.SimplePathPrivilegeManager();
    privileges.setRights(USER, '/', ['canRead']);
    this.server = new webdav.WebDAVServer({
      requireAuthentification: true,
      respondWithPaths: true,
      httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'EWS history folder'),
      privilegeManager: privileges,
      rootFileSystem: new ConfinedFileSystem(opts.root),
    });
  }

  /** Serves one request (its path under the mount path). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      // the server sees paths under the mount (as behind express's app.use) and answers with full paths
      const url = req.url ?? '/';
      if (url.startsWith(this.opts.mountPath)) req.url = url.slice(this.opts.mountPath.length) || '/';
      this.server.executeRequest(req, res, this.opts.mountPath);
    } catch (err) {
      this.opts.log.error('WebDAV request failed', { err });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }
}
