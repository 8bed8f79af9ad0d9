/**
 * @module api/exports
 * Data download (HIST-5): POST /api/exports starts building reportdata.zip (202), GET
 * /api/exports/:id follows its progress, GET /api/exports/:id/file streams it once built.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

export function exportHandlers(deps: ApiDeps): Handlers<'POST /api/exports' | 'GET /api/exports/:id' | 'GET /api/exports/:id/file'> {
  const exports = () => deps.reports.exports;
  return {
    'POST /api/exports': ({ body, who }) => {
      const unknown = body.scopes.filter((s) => !deps.reports.describe(s));
      if (unknown.length) throw new ApiError(404, 'not-found', `no such scope: ${unknown.join(', ')}`, { scopes: unknown.map((s) => `nothing is called "${s}" in this installation`) });
      deps.log.info('data download asked', { user: who, scopes: body.scopes.length, from: body.from, to: body.to, rate: body.rate, costs: body.costs });
      return exports().start({ scopes: body.scopes, from: body.from, to: body.to, costs: body.costs, rate: body.rate });
    },
    'GET /api/exports/:id': ({ params }) => {
      const s = exports().state(params.id);
      if (!s) throw new ApiError(404, 'not-found', 'no such data download (they are kept an hour)', { id: ['unknown or expired'] });
      return s;
    },
    'GET /api/exports/:id/file': ({ params }) => {
      const path = exports().file(params.id);
      if (!path) throw new ApiError(404, 'not-found', 'no such finished data download', { id: ['unknown, expired or not finished'] });
      return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, {
        headers: { 'content-type': 'application/zip', 'content-length': String(statSync(path).size), 'content-disposition': 'attachment; filename="reportdata.zip"' },
      });
    },
  };
}
