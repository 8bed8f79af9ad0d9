import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { bodyLimit, Semaphore } from './limits';
import { acceptedEncodings } from './encoding';

/** A JSON route that reads its body the way a validator would (and says 400 when it cannot). */
function app(slots = new Semaphore(8), slotWaitMs = 50) {
  const a = new Hono();
  a.use('/api/*', bodyLimit(1024, { slots, slotWaitMs }));
  a.use('/api/big', bodyLimit(4096));
  a.post('/api/*', async (c) => {
    try { return c.json({ bytes: JSON.stringify(await c.req.json()).length }); } catch { return c.json({ code: 'invalid-json' }, 400); }
  });
  return a;
}

const json = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });
const post = (a: Hono, path: string, body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
  a.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);

/** A body of `n` bytes in 100-byte chunks, with no Content-Length (chunked). */
function streamed(n: number, onPull?: () => Promise<void>): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(c) {
      await onPull?.();
      if (sent >= n) return c.close();
      const k = Math.min(100, n - sent);
      sent += k;
      c.enqueue(new TextEncoder().encode(' '.repeat(k)));
    },
  });
}

test('under the limit the route reads its body; over it 413 too-large with the limit, whatever the route said', async () => {
  const a = app();
  assert.equal((await post(a, '/api/x', json(900))).status, 200);
  const over = await post(a, '/api/x', json(2000));
  assert.equal(over.status, 413);
  assert.deepEqual(await over.json(), { error: 'the request body is larger than 1024 bytes', code: 'too-large', limitBytes: 1024 });
  assert.equal(over.headers.get('connection'), 'close');
});

test('a route raises its own limit; a chunked body is counted as it streams', async () => {
  const a = app();
  assert.equal((await post(a, '/api/big', json(3000))).status, 200);
  assert.equal((await post(a, '/api/big', json(5000))).status, 413);
  let pulled = 0;
  const res = await post(a, '/api/x', streamed(1_000_000, async () => { pulled++; }));
  assert.equal(res.status, 413);
  assert.ok(pulled < 20, `reading stopped at the limit (${pulled} chunks pulled of 10000)`);
});

test('bodies beyond the semaphore wait, then 503 with Retry-After; the slot returns after the read', async () => {
  const slots = new Semaphore(1);
  const a = app(slots, 50);
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let first = true;
  const slow = post(a, '/api/x', streamed(10, async () => { if (first) { first = false; await gate; } }));
  await new Promise((r) => setTimeout(r, 10));
  const busy = await post(a, '/api/x', json(10));
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  assert.equal(((await busy.json()) as { code: string }).code, 'busy');
  release();
  assert.equal((await slow).status, 400);
  assert.equal(slots.available, 1);
  assert.equal((await post(a, '/api/x', json(10))).status, 200);
});

test('Accept-Encoding: q-values and wildcards', () => {
  assert.deepEqual([...acceptedEncodings('gzip, deflate, br')].sort(), ['br', 'gzip']);
  assert.deepEqual([...acceptedEncodings('br;q=0, *')], ['gzip']);
  assert.deepEqual([...acceptedEncodings('identity')], []);
  assert.deepEqual([...acceptedEncodings(undefined)], []);
  assert.deepEqual([...acceptedEncodings('GZIP;q=0.5')], ['gzip']);
});
