/**
 * @module api/system
 * The box as a system (SYS-4…8): backup and its download, restore (a raw zip body streamed to a
 * file on the data partition, never held in memory), optimise, automatic backup settings, system
 * information.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Context } from 'hono';
import type { ApiDeps, Env } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

type SystemRoutes =
  | 'GET /api/system/info' | 'POST /api/system/optimize' | 'POST /api/system/backup' | 'GET /api/system/backups'
  | 'GET /api/system/backups/:file' | 'PUT /api/system/backups/auto' | 'POST /api/system/restore'
  | 'GET /api/settings/https' | 'PUT /api/settings/https' | 'GET /api/system/update' | 'POST /api/system/update';

/** Streams the request body into a new file under `dir` (the body limit is counted by the route's middleware). */
export async function saveBody(c: Context<Env>, dir: string, prefix: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${prefix}-${randomBytes(6).toString('hex')}`);
  const body = c.req.raw.body;
  try {
    const out = createWriteStream(path, { flags: 'wx' });
    if (body) await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), out);
    else out.end();
    await new Promise<void>((resolve, reject) => { if (out.closed) resolve(); else out.once('close', () => resolve()).once('error', reject); });
    return path;
  } catch (err) {
    await rm(path, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new ApiError(507, 'no-space', 'the data partition is full: the upload was not kept');
    throw err;
  }
}

export function systemHandlers(deps: ApiDeps): Handlers<SystemRoutes> {
  const sys = deps.box;
  return {
    'GET /api/system/info': () => sys.info(),
    'POST /api/system/optimize': () => sys.optimize(),
    'POST /api/system/backup': () => sys.backup(),
    'GET /api/system/backups': async () => ({ backups: await sys.list(), auto: { ...sys.autoSettings(), status: sys.autoStatus() } }),
    'GET /api/system/backups/:file': async ({ params }) => {
      const path = sys.pathOf(params.file);
      if (!path) throw new ApiError(404, 'not-found', `no backup ${params.file}`, { file: [`no backup ${params.file}`] });
      const size = (await stat(path)).size;
      return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
        headers: { 'content-type': 'application/zip', 'content-length': String(size), 'content-disposition': `attachment; filename="${params.file}"` },
      });
    },
    'PUT /api/system/backups/auto': ({ body }) => sys.setAutoSettings(body),
    'POST /api/system/restore': async ({ c }) => sys.restore(await saveBody(c, join(sys.dataDir, 'tmp'), 'restore-upload')),
    'GET /api/settings/https': () => deps.https.view(),
    'GET /api/system/update': () => deps.updater.status(),
    'POST /api/system/update': async ({ c }) => deps.updater.install(await saveBody(c, join(sys.dataDir, 'tmp'), 'update-upload')),
    'PUT /api/settings/https': ({ body }) => deps.https.update(body),
  };
}
