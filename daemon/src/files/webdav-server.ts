/**
 * @module files/webdav-server
 * The webdav-server side of `WebDavAccess` (files/webdav), in its own module so the library
 * (~3 MB of heap with its XML parser) is loaded with the first WebDAV request, not at start.
 */
import { join } from 'node:path';
import { v2 as webdav } from 'webdav-server';
import { FOLDER_USER } from '@ews/shared';
import type { Logger } from '../util/log';
import { FilesError, resolveInside } from './paths';

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

/** The read-only server: Basic authentication as `wsmeasure`, read rights only, confined paths. */
export function createDavServer(opts: { root: string; checkPassword: (password: string) => Promise<boolean>; log: Logger }): webdav.WebDAVServer {
  const users = new FolderUsers(opts.checkPassword, opts.log);
  const privileges = new webdav.SimplePathPrivilegeManager();
  privileges.setRights(USER, '/', ['canRead']);
  return new webdav.WebDAVServer({
    requireAuthentification: true,
    respondWithPaths: true,
    httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'EWS history folder'),
    privilegeManager: privileges,
    rootFileSystem: new ConfinedFileSystem(opts.root),
  });
}
