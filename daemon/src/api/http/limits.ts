/**
 * @module api/http/limits
 * Bounded input: every request body has a size limit, and only a few bodies are read at once.
 *
 * `bodyLimit(bytes)` sits in each contract route's chain (api/contract, with the route's
 * `bodyLimitBytes` or the default); when several run on one request, the last one before the
 * body is read decides. The limit is enforced when the body is read:
 * - a declared Content-Length above the limit is refused before a single byte is read;
 * - a chunked body is counted while it streams and refused at the first chunk past the limit
 *   (the rest is never buffered: the HTTP server discards it and closes the connection);
 * - reading waits for one of `MAX_CONCURRENT_BODIES` slots (a semaphore) for at most
 *   `BODY_SLOT_WAIT_MS`, then answers 503 with `Retry-After`.
 * Refusals answer 413 `{error, code: "too-large", limitBytes}` (or 503 `{code: "busy"}` with
 * `Retry-After`), whatever the route made of the failed read (a validator would say 400), with
 * `Connection: close`: the upload is aborted, the rest of the body never read (`abortUpload`).
 * A route that never reads its body never holds a slot; the server (`node-server.ts`) discards
 * that body for at most `UNREAD_BODY_LINGER_MS`, then closes the connection.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';

/** JSON API bodies: the largest ordinary one (a gateway, a user, cost rules) is ~2 KB; routes set their own in the contract. */
export { DEFAULT_BODY_LIMIT_BYTES } from '@ews/shared';
/** No route may accept more: the box has 512 MB, and a body is held whole while parsed. */
export const MAX_BODY_LIMIT_BYTES = 1024 * 1024;
/** Routes that stream their raw body to a file (`consumes`: a restore archive, an update package) are held to this instead. */
export const MAX_STREAMED_BODY_LIMIT_BYTES = 2 * 1024 ** 3;
/** Bodies read at the same time; more wait (`BODY_SLOT_WAIT_MS`), then 503. */
export const MAX_CONCURRENT_BODIES = 8;
export const BODY_SLOT_WAIT_MS = 2_000;
/** How long a refused request's connection stays half-open so that the client reads the answer. */
export const LINGER_MS = 500;

/** A counting semaphore with a bounded wait. */
export class Semaphore {
  private free: number;
  private readonly waiting: Array<(ok: boolean) => void> = [];
  constructor(readonly size: number) { this.free = size; }
  get available(): number { return this.free; }
  get queued(): number { return this.waiting.length; }
  /** Resolves true with a slot, or false after `waitMs` without one. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.free > 0) { this.free--; return Promise.resolve(true); }
    return new Promise((resolve) => {
      const grant = (ok: boolean) => { clearTimeout(timer); resolve(ok); };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      }, waitMs);
      this.waiting.push(grant);
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.free = Math.min(this.size, this.free + 1);
  }
}

/** The process-wide gate on bodies being read. */
export const bodySlots = new Semaphore(MAX_CONCURRENT_BODIES);

class BodyRefused extends Error {
  constructor(readonly status: 413 | 503, message: string) { super(message); }
}

interface BodyState {
  limitBytes: number;
  bytes: number;
  /** Holds one of the semaphore's slots. */
  holding: boolean;
  refused?: BodyRefused;
  /** Gives the slot back and stops listening to the body (idempotent). */
  release(): void;
}

const states = new WeakMap<Context, BodyState>();

function declaredLength(c: Context): number | undefined {
  if (c.req.header('transfer-encoding')) return undefined;
  const v = c.req.header('content-length');
  return v === undefined ? undefined : Number(v);
}

function tooLarge(limitBytes: number): BodyRefused {
  return new BodyRefused(413, `the request body is larger than ${limitBytes} bytes`);
}

/** Where a chunk of the body comes from: Node's request stream (the daemon), or a web stream (tests, other runtimes). */
type Pull = () => Promise<Uint8Array | undefined>;

/**
 * Reads Node's IncomingMessage one chunk per read (paused in between), and detaches at once on a
 * refusal (nothing keeps reading or queueing what arrives after it).
 */
function pullFromIncoming(incoming: IncomingMessage): { pull: Pull; detach(): void } {
  let waiting: { resolve(v: Uint8Array | undefined): void; reject(e: unknown): void } | undefined;
  const queue: Uint8Array[] = [];
  let ended = false;
  let failed: unknown;
  const settle = () => {
    if (!waiting) return;
    const w = waiting;
    if (queue.length) { waiting = undefined; w.resolve(queue.shift()); } else if (failed) { waiting = undefined; w.reject(failed); } else if (ended) { waiting = undefined; w.resolve(undefined); }
  };
  const onData = (chunk: Buffer) => { incoming.pause(); queue.push(chunk); settle(); };
  const onEnd = () => { ended = true; settle(); };
  const onClose = () => { if (!ended) { failed ??= new Error('the client closed the connection during the body'); settle(); } };
  const onError = (err: unknown) => { failed = err; settle(); };
  incoming.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
  incoming.pause();
  return {
    pull: () => new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      settle();
      if (waiting) incoming.resume();
    }),
    detach() {
      incoming.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError);
      incoming.pause();
      queue.length = 0;
    },
  };
}

function pullFromStream(body: ReadableStream<Uint8Array>): { pull: Pull; detach(): void } {
  const reader = body.getReader();
  return {
    pull: async () => { const r = await reader.read(); return r.done ? undefined : r.value; },
    detach() { reader.releaseLock(); },
  };
}

/** Replaces the request's body by one that counts, checks the limit and takes a slot on first read. */
function install(c: Context, limitBytes: number, slots: Semaphore, waitMs: number): BodyState {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const useIncoming = incoming instanceof Readable && !incoming.readableEnded;
  let source: { pull: Pull; detach(): void } | undefined;
  const webBody = useIncoming ? undefined : c.req.raw.body;
  const state: BodyState = {
    limitBytes, bytes: 0, holding: false,
    release() {
      if (state.holding) { state.holding = false; slots.release(); }
      source?.detach();
      source = undefined;
    },
  };
  const stop = () => state.release();
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: BodyRefused) => {
    state.refused = err;
    // The source is not destroyed: that would close the socket before the answer is sent.
    stop();
    controller.error(err);
  };
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!source) {
        if (state.refused) return controller.error(state.refused);
        const declared = declaredLength(c);
        if (declared !== undefined && declared > state.limitBytes) return fail(controller, tooLarge(state.limitBytes));
        if (!(await slots.acquire(waitMs))) return fail(controller, new BodyRefused(503, 'too many requests are sending a body; retry in a second'));
        state.holding = true;
        source = useIncoming ? pullFromIncoming(incoming) : pullFromStream(webBody!);
      }
      let chunk: Uint8Array | undefined;
      try { chunk = await source.pull(); } catch (err) { stop(); controller.error(err); return; }
      if (!chunk) { stop(); controller.close(); return; }
      state.bytes += chunk.byteLength;
      if (state.bytes > state.limitBytes) return fail(controller, tooLarge(state.limitBytes));
      controller.enqueue(chunk);
    },
    cancel() { stop(); },
  }, { highWaterMark: 0 });
  // A new request from the URL and headers: building it from c.req.raw would hand it the
  // request's own body stream as well.
  c.req.raw = new Request(c.req.url, { method: c.req.method, headers: c.req.raw.headers, body: counted, duplex: 'half' } as RequestInit);
  states.set(c, state);
  return state;
}

/**
 * Aborts the rest of a refused upload without losing the answer: the socket stops reading at
 * once (nothing resumes it: neither Node's dump of unread bodies nor the server's discard of
 * them), so the rest of the body stays in the kernel's buffers and the client's writes stall;
 * after the answer (`Connection: close`) the socket half-closes and is destroyed `LINGER_MS`
 * later. Destroying it at once would reset the connection under the client's upload, and the
 * client would lose the answer (a lingering close, as Apache and nginx do, minus the reading).
 */
function abortUpload(incoming: IncomingMessage | undefined): void {
  const socket = incoming?.socket;
  if (!socket || socket.destroyed) return;
  socket.pause();
  socket.resume = function stayPaused(this: Socket) { return this; };
  let lingering = false;
  socket.destroySoon = function destroyAfterLinger(this: Socket) {
    if (lingering) return;
    lingering = true;
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}

export interface BodyLimitOptions {
  /** Defaults to the process-wide `bodySlots`. */
  slots?: Semaphore;
  slotWaitMs?: number;
  /** The route streams its body to a file (never holds it): up to MAX_STREAMED_BODY_LIMIT_BYTES. */
  streamed?: boolean;
}

/**
 * Limits the request body to `limitBytes` (see the module comment). The first `bodyLimit` on a
 * request installs the counting body; later ones (a route's own) only change the limit.
 */
export function bodyLimit(limitBytes: number, opts: BodyLimitOptions = {}): MiddlewareHandler {
  const max = opts.streamed ? MAX_STREAMED_BODY_LIMIT_BYTES : MAX_BODY_LIMIT_BYTES;
  if (!(limitBytes > 0 && limitBytes <= max)) throw new RangeError(`body limit ${limitBytes} outside 1…${max} bytes`);
  const slots = opts.slots ?? bodySlots;
  const waitMs = opts.slotWaitMs ?? BODY_SLOT_WAIT_MS;
  return async (c, next) => {
    const known = states.get(c);
    if (known) {
      known.limitBytes = limitBytes;
      return next();
    }
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    // Over HTTP/1.1 a body comes with Content-Length or Transfer-Encoding; a Request built in
    // process (tests, app.request) may carry a stream without either.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming ? !c.req.header('transfer-encoding') && Number(c.req.header('content-length') ?? 0) === 0 : !c.req.raw.body) return next();
    const state = install(c, limitBytes, slots, waitMs);
    try {
      await next();
    } finally {
      state.release();
    }
    const refused = state.refused;
    if (!refused) return;
    // The route saw a failed read and answered as it saw fit (400, 500…): the answer is ours.
    c.res = undefined as unknown as Response;
    abortUpload((c.env as { incoming?: IncomingMessage } | undefined)?.incoming);
    const headers = { connection: 'close', 'cache-control': 'no-store' };
    c.res = refused.status === 413
      ? c.json({ error: refused.message, code: 'too-large', limitBytes: state.limitBytes }, 413, headers)
      : c.json({ error: refused.message, code: 'busy' }, 503, { ...headers, 'retry-after': '1' });
  };
}
