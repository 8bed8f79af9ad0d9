/**
 * @module util/fetch-classes
 * Light `Headers`, `Request` and `Response` for the daemon process: the parts of the Fetch API
 * that Hono and the routes use, on plain strings and bytes, with Node's web streams for bodies.
 *
 * Why: Node 20's own classes come from its bundled undici, loaded whole the first time any of
 * them is touched (`globalThis.Response`…): about 6–10 MB of resident memory on a 512 MB box that
 * answers a few requests a second (issue 9: `bench:memory`). `installFetchClasses()` puts these on
 * `globalThis` at the daemon's start (`main.ts`), before anything touches Node's; `fetch()` itself
 * (Telegram) still loads undici when it is first called, and works with these headers.
 *
 * What is not here: `formData()` (no route takes a form), `Request.cache`/`mode`/`credentials`
 * (no meaning on a server), guards (headers are always mutable, as Hono expects of a response's).
 * A body given as a string or bytes stays so until a stream is asked for: the HTTP adapter
 * (`api/http/node-server.ts`) writes it with a Content-Length, without a stream.
 */
import { ReadableStream } from 'node:stream/web';
import { Blob } from 'node:buffer';

type HeadersLike = LightHeaders | Iterable<readonly [string, string]> | Record<string, string | readonly string[] | undefined>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
function headerName(name: string): string {
  const n = String(name);
  if (!TOKEN.test(n)) throw new TypeError(`invalid header name: ${JSON.stringify(n)}`);
  return n.toLowerCase();
}
function headerValue(value: unknown): string {
  const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (/[\0\r\n]/.test(v)) throw new TypeError('invalid header value');
  return v;
}

/** Case-insensitive header list; `set-cookie` keeps its values apart (`getSetCookie`). */
export class LightHeaders {
  /** Lower-case name → values in order. */
  private readonly map = new Map<string, string[]>();

  constructor(init?: HeadersLike | null) {
    if (init == null) return;
    if (init instanceof LightHeaders) {
      for (const [k, v] of init.map) this.map.set(k, [...v]);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (pair.length !== 2) throw new TypeError('a header pair must have a name and a value');
        this.append(pair[0], pair[1]);
      }
    } else if (typeof init === 'object') {
      for (const [k, v] of Object.entries(init as Record<string, string | readonly string[] | undefined>)) {
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const one of v) this.append(k, one);
        else this.append(k, v as string);
      }
    } else {
      throw new TypeError('Headers: expected an object, an iterable or Headers');
    }
  }

  append(name: string, value: string): void {
    const k = headerName(name);
    const list = this.map.get(k);
    if (list) list.push(headerValue(value));
    else this.map.set(k, [headerValue(value)]);
  }
  set(name: string, value: string): void { this.map.set(headerName(name), [headerValue(value)]); }
  delete(name: string): void { this.map.delete(headerName(name)); }
  has(name: string): boolean { return this.map.has(headerName(name)); }
  get(name: string): string | null {
    const list = this.map.get(headerName(name));
    return list ? list.join(', ') : null;
  }
  getSetCookie(): string[] { return [...(this.map.get('set-cookie') ?? [])]; }

  /** Sorted by name, `set-cookie` once per value (as the Fetch standard iterates). */
  *entries(): IterableIterator<[string, string]> {
    for (const k of [...this.map.keys()].sort()) {
      const list = this.map.get(k)!;
      if (k === 'set-cookie') for (const v of list) yield [k, v];
      else yield [k, list.join(', ')];
    }
  }
  *keys(): IterableIterator<string> { for (const [k] of this.entries()) yield k; }
  *values(): IterableIterator<string> { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator](): IterableIterator<[string, string]> { return this.entries(); }
  forEach(fn: (value: string, name: string, headers: LightHeaders) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
  get [Symbol.toStringTag](): string { return 'Headers'; }
}

/** What a body may be made of. */
export type LightBodyInit = string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob | URLSearchParams | ReadableStream<Uint8Array> | null | undefined;
/** A body held as it was given (string or bytes), or a stream. */
type Held = string | Uint8Array | ReadableStream<Uint8Array> | Blob | null;

/** Streams made by `body` from held data: a new Response built on such a stream takes the data back. */
const heldOfStream = new WeakMap<object, string | Uint8Array>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function hold(init: LightBodyInit, headers: LightHeaders): Held {
  if (init == null) return null;
  if (typeof init === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return init;
  }
  if (init instanceof Uint8Array) return init;
  if (init instanceof ArrayBuffer) return new Uint8Array(init);
  if (ArrayBuffer.isView(init)) return new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
  if (init instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return init.toString();
  }
  if (init instanceof Blob) {
    if (init.type && !headers.has('content-type')) headers.set('content-type', init.type);
    return init;
  }
  if (typeof (init as ReadableStream).getReader === 'function') {
    const stream = init as ReadableStream<Uint8Array>;
    const data = stream.locked ? undefined : heldOfStream.get(stream);
    return data ?? stream;
  }
  // As the Fetch standard does with any other object.
  return String(init);
}

function streamOf(data: string | Uint8Array): ReadableStream<Uint8Array> {
  const s = new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = typeof data === 'string' ? encoder.encode(data) : data;
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
  heldOfStream.set(s, data);
  return s;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    const chunk = typeof r.value === 'string' ? encoder.encode(r.value) : r.value;
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

/** The body part shared by Request and Response. */
abstract class LightBody {
  protected held: Held;
  protected stream: ReadableStream<Uint8Array> | null = null;
  private used = false;
  abstract readonly headers: LightHeaders;

  protected constructor(held: Held) { this.held = held; }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.stream) return this.stream;
    const h = this.held;
    if (h === null) return null;
    if (typeof h === 'string' || h instanceof Uint8Array) this.stream = streamOf(h);
    else if (h instanceof Blob) this.stream = h.stream() as unknown as ReadableStream<Uint8Array>;
    else this.stream = h;
    return this.stream;
  }
  /** Read, or its stream (`body`) taken by a reader. */
  get bodyUsed(): boolean { return this.used || this.stream?.locked === true; }
  /** The body as given when it was a string or bytes and nobody has read it (the adapter's fast path). */
  heldData(): string | Uint8Array | null | undefined {
    if (this.used || this.stream?.locked) return undefined;
    const h = this.held;
    if (h === null) return null;
    if (typeof h === 'string' || h instanceof Uint8Array) return h;
    return undefined;
  }

  /** The body for a clone: the held string or bytes, or one branch of the stream (this keeps the other). */
  protected bodyForClone(): string | Uint8Array | ReadableStream<Uint8Array> | null {
    const data = this.heldData();
    if (data !== undefined || !this.body) return data ?? null;
    const [mine, theirs] = this.body.tee();
    this.held = mine;
    this.stream = mine;
    return theirs;
  }

  private async consume(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: the body has already been read');
    this.used = true;
    const h = this.held;
    // Not streamed yet, or only through a stream of our own over the held data that nobody read.
    if (this.stream === null || (!this.stream.locked && heldOfStream.has(this.stream))) {
      if (h === null) return new Uint8Array(0);
      if (typeof h === 'string') return encoder.encode(h);
      if (h instanceof Uint8Array) return h;
      if (h instanceof Blob) return new Uint8Array(await h.arrayBuffer());
    }
    return readAll(this.body!);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.consume();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  async bytes(): Promise<Uint8Array> { return new Uint8Array(await this.arrayBuffer()); }
  async text(): Promise<string> {
    if (typeof this.held === 'string' && !this.bodyUsed && (!this.stream || heldOfStream.has(this.stream))) { this.used = true; return this.held; }
    return decoder.decode(await this.consume());
  }
  async json(): Promise<unknown> { return JSON.parse(await this.text()); }
  async blob(): Promise<Blob> {
    return new Blob([await this.consume()], { type: this.headers.get('content-type') ?? '' });
  }
  async formData(): Promise<never> {
    throw new TypeError('formData() is not supported by the daemon: send JSON');
  }
}

export interface LightRequestInit {
  method?: string;
  headers?: HeadersLike;
  body?: LightBodyInit;
  signal?: AbortSignal | null;
  duplex?: 'half';
  [other: string]: unknown;
}

const METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);

export class LightRequest extends LightBody {
  readonly url: string;
  readonly method: string;
  readonly headers: LightHeaders;
  readonly signal: AbortSignal;
  readonly redirect = 'follow';
  readonly credentials = 'same-origin';
  readonly mode = 'cors';
  readonly cache = 'default';
  readonly keepalive = false;
  readonly integrity = '';
  readonly referrer = 'about:client';
  readonly referrerPolicy = '';
  readonly destination = '';

  constructor(input: string | URL | LightRequest, init: LightRequestInit = {}) {
    const from = input instanceof LightRequest ? input : undefined;
    const headers = new LightHeaders(init.headers ?? from?.headers);
    const rawMethod = init.method ?? from?.method ?? 'GET';
    const method = METHODS.has(rawMethod.toUpperCase()) ? rawMethod.toUpperCase() : rawMethod;
    if (!TOKEN.test(method)) throw new TypeError(`invalid method: ${JSON.stringify(method)}`);
    let held: Held = null;
    if (init.body != null) {
      if (method === 'GET' || method === 'HEAD') throw new TypeError('Request with GET/HEAD method cannot have body');
      held = hold(init.body, headers);
    } else if (from && !('body' in init)) {
      held = from.takeBody();
    }
    super(held);
    this.url = from ? from.url : new URL(String(input)).href;
    this.method = method;
    this.headers = headers;
    this.signal = init.signal ?? from?.signal ?? new AbortController().signal;
  }

  /** The body handed to a Request made from this one (which then owns it). */
  private takeBody(): Held {
    const s = this.body;
    return s ? ((s.locked ? undefined : heldOfStream.get(s)) ?? s) : null;
  }

  clone(): LightRequest {
    if (this.bodyUsed) throw new TypeError('Request.clone: the body has already been read');
    return new LightRequest(this.url, { method: this.method, headers: this.headers, body: this.bodyForClone(), signal: this.signal, duplex: 'half' });
  }
  get [Symbol.toStringTag](): string { return 'Request'; }
}

export interface LightResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersLike;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export class LightResponse extends LightBody {
  readonly status: number;
  readonly statusText: string;
  readonly headers: LightHeaders;
  readonly type = 'default';
  readonly url = '';
  readonly redirected = false;

  constructor(body?: LightBodyInit, init: LightResponseInit = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Response status ${status} outside 200…599`);
    const headers = new LightHeaders(init.headers);
    if (body != null && NULL_BODY_STATUS.has(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
    super(hold(body, headers));
    this.status = status;
    this.statusText = init.statusText ?? '';
    this.headers = headers;
  }

  get ok(): boolean { return this.status >= 200 && this.status < 300; }

  clone(): LightResponse {
    if (this.bodyUsed) throw new TypeError('Response.clone: the body has already been read');
    return new LightResponse(this.bodyForClone(), { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  static json(data: unknown, init: LightResponseInit = {}): LightResponse {
    const headers = new LightHeaders(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new LightResponse(JSON.stringify(data), { ...init, headers });
  }
  static redirect(url: string | URL, status = 302): LightResponse {
    if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`redirect status ${status}`);
    return new LightResponse(null, { status, headers: { location: new URL(String(url)).href } });
  }
  get [Symbol.toStringTag](): string { return 'Response'; }
}

/**
 * Makes these the process's `Headers`, `Request` and `Response`, before anything touches Node's
 * (which would load undici). Call once, first thing in the daemon's process.
 */
export function installFetchClasses(): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of [['Headers', LightHeaders], ['Request', LightRequest], ['Response', LightResponse]] as const) {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
