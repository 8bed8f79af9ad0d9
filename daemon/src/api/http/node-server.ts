/**
 * @module api/http/node-server
 * Serves a fetch handler (Hono's `app.fetch`) on a `node:http` or `node:https` server: the
 * incoming request becomes a `Request`, the handler's `Response` is written back.
 *
 * The daemon's own instead of `@hono/node-server`, whose modules touch `globalThis.Request` and
 * `Response` when they load and so bring Node's undici in (6–10 MB resident, `fetch-classes.ts`).
 * With the light classes installed, a string or bytes body is written at once with its
 * Content-Length; any other body (a stream, or another implementation's Response) is piped with
 * the socket's back-pressure and cancelled when the client goes away.
 *
 * Request bodies are never read ahead: the request's body is a stream that starts reading the
 * socket on its first read (`api/http/limits` counts and bounds it there, or reads `incoming`
 * itself). A body nobody read is discarded after the answer for at most `UNREAD_BODY_LINGER_MS`,
 * then the connection is closed.
 *
 * The handler's second argument is `{ incoming, outgoing }` (`HttpBindings`); a handler that has
 * written the answer itself on `outgoing` (WebDAV) returns `alreadySent()`.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse, RequestListener } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ReadableStream } from 'node:stream/web';
import { LightRequest, LightResponse } from '../../util/fetch-classes';

export interface HttpBindings {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}
export type FetchHandler = (req: Request, env: HttpBindings) => Response | Promise<Response>;

/** How long a request body nobody read may keep the connection after the answer. */
export const UNREAD_BODY_LINGER_MS = 500;
const ALREADY_SENT = 'x-ews-already-sent';

/** The answer of a handler that wrote it itself on `outgoing`. */
export function alreadySent(): Response {
  return new Response(null, { headers: { [ALREADY_SENT]: '1' } });
}

/** The client's address as the socket sees it (undefined in process, without a socket). */
export function remoteAddress(env: unknown): string | undefined {
  return (env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;
}

const HOST = /^[A-Za-z0-9._~\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

class BadRequest extends Error {}

/** The request line and headers as a Request; its body (when one is announced) read on demand. */
function toRequest(incoming: IncomingMessage): Request {
  const host = incoming.headers.host ?? 'localhost';
  if (!HOST.test(host)) throw new BadRequest('bad Host header');
  const target = incoming.url ?? '/';
  if (!target.startsWith('/')) throw new BadRequest('bad request target');
  const proto = (incoming.socket as TLSSocket).encrypted ? 'https' : 'http';
  const raw = incoming.rawHeaders;
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  const method = incoming.method ?? 'GET';
  const announced = incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0;
  const body = announced && method !== 'GET' && method !== 'HEAD' ? bodyStream(incoming) : null;
  let url: string;
  try { url = new URL(`${proto}://${host}${target}`).href; } catch { throw new BadRequest('bad request target'); }
  return new LightRequest(url, { method, headers, body, duplex: 'half' }) as unknown as Request;
}

/** A stream over the request body that reads the socket only while it is read (pull, no read-ahead). */
function bodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let wake: (() => void) | null = null;
  let ended = false;
  let failed: Error | null = null;
  let attached = false;
  const onReadable = () => { const w = wake; wake = null; w?.(); };
  const onEnd = () => { ended = true; onReadable(); };
  const onError = (err: Error) => { failed = err; onReadable(); };
  const onClose = () => { if (!incoming.complete && !failed) failed = new Error('the client closed the connection before the body was complete'); onReadable(); };
  const detach = () => {
    incoming.off('readable', onReadable).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!attached) {
        attached = true;
        incoming.on('readable', onReadable).on('end', onEnd).on('error', onError).on('close', onClose);
      }
      for (;;) {
        if (failed) { detach(); controller.error(failed); return; }
        const chunk = incoming.read() as Buffer | null;
        if (chunk !== null) { controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)); return; }
        if (ended || incoming.readableEnded) { detach(); controller.close(); return; }
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    },
    cancel() { detach(); },
  }, { highWaterMark: 0 });
}

function headersOf(res: Response, head: boolean, length: number | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  res.headers.forEach((value, name) => { if (name !== 'set-cookie') out[name] = value; });
  const cookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
  if (cookies.length > 0) out['set-cookie'] = cookies;
  if (!head && length !== undefined && out['content-length'] === undefined && out['transfer-encoding'] === undefined
    && res.status !== 204 && res.status !== 304) out['content-length'] = String(length);
  return out;
}

function writeHead(outgoing: ServerResponse, res: Response, headers: Record<string, string | string[]>): void {
  if (res.statusText) outgoing.writeHead(res.status, res.statusText, headers);
  else outgoing.writeHead(res.status, headers);
}

/** Resolves when `outgoing` may take more (or is gone). */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { outgoing.off('drain', done).off('close', done); resolve(); };
    outgoing.on('drain', done).on('close', done);
  });
}

async function writeResponse(res: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const head = incoming.method === 'HEAD';
  const data = res instanceof LightResponse ? res.heldData() : undefined;
  if (data !== undefined) {
    const bytes = data === null ? null : typeof data === 'string' ? Buffer.from(data) : data;
    writeHead(outgoing, res, headersOf(res, head, bytes?.byteLength ?? 0));
    outgoing.end(head || !bytes ? undefined : bytes);
    return;
  }
  const body = res.body;
  writeHead(outgoing, res, headersOf(res, head, body ? undefined : 0));
  if (!body || head) {
    outgoing.end();
    if (body) await body.cancel().catch(() => undefined);
    return;
  }
  const reader = body.getReader();
  const gone = () => { reader.cancel().catch(() => undefined); };
  outgoing.once('close', gone);
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (outgoing.destroyed) return;
      if (!outgoing.write(r.value)) await drained(outgoing);
    }
    outgoing.end();
  } finally {
    outgoing.off('close', gone);
  }
}

/** After the answer: a body nobody read may keep the connection `UNREAD_BODY_LINGER_MS`, no longer. */
function closeUnreadBody(incoming: IncomingMessage, outgoing: ServerResponse): void {
  outgoing.once('finish', () => {
    if (incoming.complete || incoming.destroyed) return;
    const timer = setTimeout(() => { if (!incoming.complete) incoming.socket?.destroy(); }, UNREAD_BODY_LINGER_MS);
    timer.unref();
    incoming.once('end', () => clearTimeout(timer)).once('close', () => clearTimeout(timer));
  });
}

function plain(outgoing: ServerResponse, status: number, text: string): void {
  if (outgoing.headersSent) { outgoing.destroy(); return; }
  outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  outgoing.end(text);
}

async function handle(fetch: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  closeUnreadBody(incoming, outgoing);
  let req: Request;
  try {
    req = toRequest(incoming);
  } catch (err) {
    plain(outgoing, 400, err instanceof BadRequest ? err.message : 'bad request');
    return;
  }
  let res: Response;
  try {
    res = await fetch(req, { incoming, outgoing });
  } catch {
    // Hono's onError answers every error a route throws; this is a fault in the handler chain itself.
    plain(outgoing, 500, 'internal error');
    return;
  }
  if (res.headers.get(ALREADY_SENT) !== null) return;
  try {
    await writeResponse(res, incoming, outgoing);
  } catch (err) {
    // A body stream failed half-way: the client must not take a cut answer for a whole one.
    outgoing.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

/** The request listener of a `node:http(s)` server for `fetch`. */
export function requestListener(fetch: FetchHandler): RequestListener {
  return (incoming, outgoing) => { void handle(fetch, incoming, outgoing); };
}

export interface ServeOptions {
  fetch: FetchHandler;
  port: number;
  hostname: string;
  createServer: (options: ServerOptions, listener: RequestListener) => Server;
  serverOptions: ServerOptions;
}

/** Creates the server and starts listening (wait for its 'listening' or 'error'). */
export function serve(opts: ServeOptions): Server {
  const server = opts.createServer(opts.serverOptions, requestListener(opts.fetch));
  server.listen(opts.port, opts.hostname);
  return server;
}

export { installFetchClasses } from '../../util/fetch-classes';
