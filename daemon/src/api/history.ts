/**
 * @module api/history
 * The history folder over HTTP (HIST-4): folder listings, a file or a folder as a zip (both
 * streamed), FTP/WebDAV status with the default-password warning, the rebuild button. Paths are
 * checked by files/ (`..`, absolute, encoded and symlinked ways out answer 400 or 404).
 */
import { statSync } from 'node:fs';
import { DEFAULT_FOLDER_PASSWORD, FOLDER_USER, type HistoryStatus } from '@ews/shared';
import { FilesError, fileChunks, folderEntries, listFolder, resolveInside, zipStream } from '../files/index';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

export const WEBDAV_PATH = '/dav';

function checked<T>(fn: () => T): T {
  try { return fn(); } catch (err) {
    if (err instanceof FilesError) {
      const status = err.code === 'bad-path' ? 400 : 404;
      throw new ApiError(status, err.code === 'bad-path' ? 'invalid' : 'not-found', err.message, { path: [err.message] });
    }
    throw err;
  }
}

const asciiName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

export async function historyStatus(deps: ApiDeps): Promise<HistoryStatus> {
  const csv = deps.config.csv();
  const ftp = deps.history.ftp?.status();
  const rebuild = deps.history.folder.rebuildProgress();
  return {
    rebuild: rebuild ? { percent: rebuild.percent, startedAt: new Date(rebuild.startedAtMs).toISOString() } : null,
    ftp: { enabled: csv.ftpEnabled, port: ftp?.port ?? csv.ftpPort, listening: ftp?.listening ?? false, ...(ftp?.error ? { error: ftp.error } : {}) },
    webdavPath: `${WEBDAV_PATH}/`,
    user: FOLDER_USER,
    defaultPassword: await deps.config.checkFolderPassword(DEFAULT_FOLDER_PASSWORD),
  };
}

export function historyHandlers(deps: ApiDeps): Handlers<'GET /api/history/files' | 'GET /api/history/file' | 'GET /api/history/zip' | 'GET /api/history/status' | 'POST /api/history/rebuild'> {
  const root = () => deps.history.folder.root;
  return {
    'GET /api/history/files': ({ query }) => checked(() => listFolder(root(), query.path)),
    'GET /api/history/file': ({ query }) => {
      const path = checked(() => resolveInside(root(), query.path));
      const st = statSync(path);
      if (!st.isFile()) throw new ApiError(400, 'invalid', `${query.path} is a folder (download it as a zip)`, { path: ['a folder: use the zip download'] });
      const name = path.slice(path.lastIndexOf('/') + 1);
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          try { for await (const c of fileChunks(path)) controller.enqueue(c); controller.close(); } catch (err) { controller.error(err); }
        },
      });
      return new Response(body, {
        headers: {
          'content-type': 'application/octet-stream', // as the contract says: a download, whatever the file
          'content-length': String(st.size),
          'content-disposition': `attachment; filename="${asciiName(name)}"`,
        },
      });
    },
    'GET /api/history/zip': ({ query }) => {
      const path = checked(() => resolveInside(root(), query.path));
      if (!statSync(path).isDirectory()) throw new ApiError(400, 'invalid', `${query.path} is a file`, { path: ['a file: download it directly'] });
      const parts = query.path.split('/').filter(Boolean);
      const name = `${parts.length ? parts.join('_') : 'history'}.zip`;
      return new Response(zipStream(folderEntries(path)), {
        headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${asciiName(name)}"` },
      });
    },
    'GET /api/history/status': () => historyStatus(deps),
    'POST /api/history/rebuild': async ({ body, who }) => {
      if (!deps.history.folder.rebuildProgress()) {
        deps.log.info('history folder rebuild asked', { user: who, fresh: body.fresh });
        deps.history.folder.rebuild({ fresh: body.fresh }).catch((err) => deps.log.error('history folder rebuild failed', { err }));
      }
      return historyStatus(deps);
    },
  };
}
