/**
 * The daemon's HTTP adapter (api/http/node-server) and light Fetch classes (util/fetch-classes),
 * as the daemon's process runs them: installed as the globals, a Hono app served on node:http,
 * called with node:http (not fetch, which would load undici). The last test checks that Node's
 * undici stays unloaded: the point of both modules.
 */
import '../../util/fetch-globals';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { serve, alreadySent, remoteAddress, bodyLimit, type HttpBindings } from './index';
import { LightHeaders, LightRequest, LightResponse } from '../../util/fetch-classes';

const app = new Hono<{ Bindings: HttpBindings }>();
app.use('*', async (c, next) => { c.header('x-mw', 'yes'); await next(); });
app.get('/json', (c) => c.json({ a: 1, text: 'é' }));
app.get('/cookies', (c) => { setCookie(c, 'one', '1'); setCookie(c, 'two', '2'); return c.text('ok'); });
app.get('/stream', () => new Response(new ReadableStream<Uint8Array>({
  async start(controller) {
    for (const part of ['a', 'b', 'c']) { controller.enqueue(new TextEncoder().encode(part)); await new Promise((r) => setTimeout(r, 5)); }
    controller.close();
  },
}), { headers: { 'content-type': 'text/plain' } }));
app.post('/echo', bodyLimit(64), async (c) => c.json({ got: await c.req.text() }));
app.post('/json-body', bodyLimit(1024), async (c) => c.json(await c.req.json()));
app.post('/ignore', (c) => c.text('not read'));
app.get('/boom', () => { throw new Error('boom'); });
app.get('/raw', (c) => { c.env.outgoing.writeHead(201, { 'content-type': 'text/plain' }); c.env.outgoing.end('written by hand'); return alreadySent(); });
app.get('/who', (c) => c.text(remoteAddress(c.env) ?? 'none'));
app.get('/status/:n', (c) => c.body(null, Number(c.req.param('n')) as 204));
app.onError((err, c) => c.json({ error: err.message }, 500));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer, serverOptions: {} });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const port = (server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer { status: number; headers: IncomingHttpHeaders; body: string }
function call(method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })).on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('a JSON answer: status, headers from a middleware, Content-Length of the UTF-8 bytes', async () => {
  const r = await call('GET', '/json');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { a: 1, text: 'é' });
  assert.equal(r.headers['x-mw'], 'yes');
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
});

test('HEAD answers the headers without a body', async () => {
  const r = await call('HEAD', '/json');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
});

test('two cookies stay two Set-Cookie headers', async () => {
  const r = await call('GET', '/cookies');
  assert.deepEqual(r.headers['set-cookie']?.map((c) => c.split(';')[0]), ['one=1', 'two=2']);
});

test('a streamed body arrives whole, chunked', async () => {
  const r = await call('GET', '/stream');
  assert.equal(r.body, 'abc');
  assert.equal(r.headers['transfer-encoding'], 'chunked');
});

test('a request body is read on demand, and the body limit holds', async () => {
  assert.deepEqual(JSON.parse((await call('POST', '/echo', { body: 'hello', headers: { 'content-type': 'text/plain' } })).body), { got: 'hello' });
  const big = await call('POST', '/echo', { body: 'x'.repeat(100), headers: { 'content-type': 'text/plain' } });
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.body).code, 'too-large');
  const chunked = await call('POST', '/json-body', { body: JSON.stringify({ n: [1, 2, 3] }), headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
  assert.deepEqual(JSON.parse(chunked.body), { n: [1, 2, 3] });
});

test('a body nobody reads does not keep the connection', async () => {
  const r = await call('POST', '/ignore', { body: Buffer.alloc(4 * 1024 * 1024) });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'not read');
});

test('an error answers through onError; a handler may write the answer itself', async () => {
  const boom = await call('GET', '/boom');
  assert.equal(boom.status, 500);
  assert.equal(JSON.parse(boom.body).error, 'boom');
  const raw = await call('GET', '/raw');
  assert.equal(raw.status, 201);
  assert.equal(raw.body, 'written by hand');
});

test('the client address, 204 without a body, a bad Host refused with 400', async () => {
  assert.equal((await call('GET', '/who')).body, '127.0.0.1');
  const none = await call('GET', '/status/204');
  assert.equal(none.status, 204);
  assert.equal(none.body, '');
  const bad = await call('GET', '/json', { headers: { host: 'a b' } });
  assert.equal(bad.status, 400);
  assert.equal((await call('GET', '/nothing-here')).status, 404);
});

test('Headers: case-insensitive, combined values, sorted iteration, Set-Cookie apart', () => {
  const h = new LightHeaders({ 'Content-Type': 'text/plain', Accept: 'a' });
  h.append('accept', 'b');
  h.append('Set-Cookie', 'x=1');
  h.append('set-cookie', 'y=2');
  assert.equal(h.get('ACCEPT'), 'a, b');
  assert.deepEqual([...h], [['accept', 'a, b'], ['content-type', 'text/plain'], ['set-cookie', 'x=1'], ['set-cookie', 'y=2']]);
  assert.deepEqual(h.getSetCookie(), ['x=1', 'y=2']);
  assert.deepEqual([...new LightHeaders(h)], [...h]);
  assert.throws(() => h.set('bad name', 'v'), TypeError);
  assert.throws(() => h.set('x', 'a\r\nb'), TypeError);
});

test('Request and Response bodies: read once, clone, rebuilt from another', async () => {
  const req = new LightRequest('http://box/api?x=1', { method: 'post', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  assert.equal(req.method, 'POST');
  assert.deepEqual(await req.clone().json(), { a: 1 });
  assert.deepEqual(await req.json(), { a: 1 });
  assert.equal(req.bodyUsed, true);
  await assert.rejects(() => req.text(), TypeError);
  assert.throws(() => new LightRequest('http://box/', { method: 'GET', body: 'x' }), TypeError);

  const res = new LightResponse(new Uint8Array([104, 105]), { status: 201, headers: { 'x-a': '1' } });
  const copy = new LightResponse(res.body, res);
  assert.equal(copy.status, 201);
  assert.equal(copy.headers.get('x-a'), '1');
  assert.deepEqual(copy.heldData(), new Uint8Array([104, 105]), 'a body handed on unread keeps its bytes');
  assert.equal(await copy.text(), 'hi');
  const asked = new LightResponse('abc');
  assert.ok(asked.body, 'a body stream is there to be asked for');
  assert.equal(await asked.text(), 'abc', 'asking for the stream alone does not use the body');
  assert.equal(asked.bodyUsed, true);
  const streamed = new LightResponse(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('s')); c.close(); } }));
  const twin = streamed.clone();
  assert.equal(await streamed.text(), 's');
  assert.equal(await twin.text(), 's');
  assert.throws(() => new LightResponse('x', { status: 204 }), TypeError);
  assert.equal((await LightResponse.json({ k: 2 }).json() as { k: number }).k, 2);
  assert.ok(new Response('x') instanceof LightResponse, 'installed as the global Response');
});

test("Node's undici stays unloaded", () => {
  const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.filter((m) => m.includes('undici'));
  assert.deepEqual(loaded, []);
});
