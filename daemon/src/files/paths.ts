/**
 * @module files/paths
 * Paths inside the history folder, for every way in (HTTP, FTP, WebDAV): a relative path of
 * plain segments only. `..`, `.`, empty segments, backslashes, NUL and absolute paths are
 * refused, and the real path (symlinks resolved) must still be inside the folder.
 */
import { realpathSync, statSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DomainError } from '../util/errors';
import { compareText } from '../util/compare';

export type FilesErrorCode = 'bad-path' | 'not-found' | 'not-a-folder' | 'not-a-file';
export class FilesError extends DomainError<FilesErrorCode> {}

/** Splits a folder-relative path (`energy/`, `/devices/3`, ``) into checked segments. */
export function segments(rel: string): string[] {
  if (rel.includes('\0') || rel.includes('\\')) throw new FilesError('bad-path', 'the path holds a forbidden character');
  const all = rel.split('/');
  // a leading slash means the folder's root (FTP and WebDAV paths), a trailing one a folder
  const parts = all.filter((p, i) => !(p === '' && (i === 0 || i === all.length - 1)));
  if (parts.some((p) => p === '')) throw new FilesError('bad-path', 'empty path segment');
  for (const p of parts) if (p === '.' || p === '..') throw new FilesError('bad-path', 'the path leaves the history folder');
  return parts;
}

/** The absolute path of `rel` inside `root`, after resolving symlinks; throws when outside or missing. */
export function resolveInside(root: string, rel: string): string {
  const abs = join(root, ...segments(rel));
  let real: string, realRoot: string;
  try { realRoot = realpathSync(root); } catch { throw new FilesError('not-found', 'the history folder does not exist yet'); }
  try { real = realpathSync(abs); } catch { throw new FilesError('not-found', `no such file or folder: ${rel}`); }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new FilesError('bad-path', 'the path leaves the history folder');
  return real;
}

export interface FolderEntry { name: string; kind: 'file' | 'folder'; size: number; modified: string }

/** The entries of a folder, folders first then by name; symlinks and other kinds left out. */
export function listFolder(root: string, rel: string): FolderEntry[] {
  const dir = resolveInside(root, rel);
  if (!statSync(dir).isDirectory()) throw new FilesError('not-a-folder', `${rel} is not a folder`);
  const out: FolderEntry[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isFile() && !d.isDirectory()) continue;
    if (d.name.endsWith('.tmp') || d.name.startsWith('.')) continue;
    const st = statSync(join(dir, d.name));
    out.push({ name: d.name, kind: d.isDirectory() ? 'folder' : 'file', size: d.isDirectory() ? 0 : st.size, modified: st.mtime.toISOString() });
  }
  return out.sort((a, b) => (a.kind === b.kind ? compareText(a.name, b.name) : a.kind === 'folder' ? -1 : 1));
}
