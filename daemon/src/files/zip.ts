/**
 * @module files/zip
 * A zip built while it is sent (fflate): entries are read one chunk at a time when the consumer
 * asks for more (a web ReadableStream's pull), so neither the archive nor a whole file is held
 * in memory and a slow client slows the reading down.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareText } from '../util/compare';

export interface ZipEntry { name: string; mtime?: Date; chunks: () => AsyncIterable<Uint8Array> }

export function zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): ReadableStream<Uint8Array> {
  const out: Uint8Array[] = [];
  let ended = false;
  let failed: unknown;
  // a pull-driven walk over the entries and their chunks
  async function* steps(): AsyncGenerator<void> {
    const { Zip, ZipDeflate } = await import('fflate'); // loaded with the first zip asked for
    const zip = new Zip((err, data, final) => {
      if (err) { failed = err; return; }
      out.push(data);
      if (final) ended = true;
    });
    for await (const e of entries as AsyncIterable<ZipEntry>) {
      const file = new ZipDeflate(e.name, { level: 6 });
      if (e.mtime) file.mtime = e.mtime;
      zip.add(file);
      for await (const chunk of e.chunks()) { file.push(chunk); yield; }
      file.push(new Uint8Array(0), true);
      yield;
    }
    zip.end();
  }
  const it = steps();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!out.length && !ended && !failed) {
        const r = await it.next();
        if (r.done) break;
      }
      if (failed) { controller.error(failed); return; }
      while (out.length) controller.enqueue(out.shift()!);
      if (ended) controller.close();
    },
    async cancel() { await it.return(undefined); },
  });
}

/** A file's bytes in chunks. */
export async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) yield chunk as Uint8Array;
}

/** Every file under `dir` (recursively; symlinks and dot files left out), as zip entries named from `prefix`. */
export function* folderEntries(dir: string, prefix = ''): Iterable<ZipEntry> {
  for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
    if (d.name.startsWith('.') || d.name.endsWith('.tmp')) continue;
    const path = join(dir, d.name);
    if (d.isDirectory()) yield* folderEntries(path, `${prefix}${d.name}/`);
    else if (d.isFile()) yield { name: `${prefix}${d.name}`, mtime: statSync(path).mtime, chunks: () => fileChunks(path) };
  }
}

/** An in-memory text as a zip entry (chunked so a big text does not become one buffer twice). */
export function textEntry(name: string, text: () => AsyncIterable<string> | Iterable<string>): ZipEntry {
  const enc = new TextEncoder();
  return {
    name,
    async *chunks() { for await (const s of text()) yield enc.encode(s); },
  };
}
