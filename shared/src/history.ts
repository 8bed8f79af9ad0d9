/**
 * @module history
 * The history folder's routes (HIST-2…4): browse it, download a file or a folder as a zip, its
 * status (FTP, WebDAV, rebuild, default password) and the rebuild button.
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';

/** A path inside the history folder (`energy/`, `devices/3/3_energy_2026-01.csv`); the daemon refuses any way out. */
export const historyPathQuerySchema = z.object({ path: z.string().max(512).default('') });
export const folderEntrySchema = z.object({
  name: z.string(),
  kind: z.enum(['file', 'folder']),
  /** Bytes (0 for folders). */
  size: z.number().int(),
  /** ISO date of the last change. */
  modified: z.string(),
});
export type FolderEntry = z.infer<typeof folderEntrySchema>;

export const historyStatusSchema = z.object({
  /** Running rebuild, if any. */
  rebuild: z.object({ percent: z.number(), startedAt: z.string() }).nullable(),
  ftp: z.object({ enabled: z.boolean(), port: z.number().int(), listening: z.boolean(), error: z.string().optional() }),
  /** Path of the WebDAV share on this server (map `http(s)://<box><path>` as a network drive). */
  webdavPath: z.string(),
  user: z.string(),
  /** The folder password is still `wsmeasure`: the UI warns until it is changed (HIST-1). */
  defaultPassword: z.boolean(),
});
export type HistoryStatus = z.infer<typeof historyStatusSchema>;

export const rebuildRequestSchema = z.object({
  /** Forget the recorded layout and lay the whole history out with today's structure. */
  fresh: z.boolean().default(false),
}).strict();

export const historyEndpoints = {
  'GET /api/history/files': { summary: 'Entries of a folder of the history folder (HIST-4)', right: 'reports', query: historyPathQuerySchema, response: z.array(folderEntrySchema) },
  'GET /api/history/file': { summary: 'One file of the history folder, streamed', right: 'reports', query: historyPathQuerySchema, response: z.string(), produces: 'application/octet-stream' },
  'GET /api/history/zip': { summary: 'A folder of the history folder as a zip, streamed', right: 'reports', query: historyPathQuerySchema, response: z.string(), produces: 'application/zip' },
  'GET /api/history/status': { summary: 'FTP and WebDAV access, rebuild progress, default password warning', right: 'reports', response: historyStatusSchema },
  'POST /api/history/rebuild': { summary: 'Rebuild the history folder from the store (byte-identical when nothing changed)', right: 'webServerConfig', body: rebuildRequestSchema, response: historyStatusSchema, status: 202 },
} as const satisfies Record<string, EndpointDef>;
