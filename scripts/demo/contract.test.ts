/**
 * BEY-3 contract test: GET /api/openapi.json is valid OpenAPI 3.1 (checked by a validator
 * library), documents exactly the routes the daemon serves, and every documented GET, called
 * with a valid query against the demo's data (the simulator, the real bus, store and built
 * daemon), answers what its documented schema says (checked with ajv against the document's
 * own JSON Schemas, so the document cannot drift from the answers).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createApi, silentLogger, type ApiDeps } from '@ews/daemon';
import { startDemo, type Demo } from './harness';

let demo: Demo;
let dataDir = '';
let cookie = '';
type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, object> } };
let doc: Doc;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ews-contract-'));
  demo = await startDemo({ dataDir, simRtuPort: 0, simGatewayPort: 0, backfillMonths: 2, costs: true });
  // the greenUp user holds every page right, the Green'Up routes' included
  const login = await fetch(`${demo.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '88888', puk: '00000 8888 00000' }),
  });
  assert.equal(login.status, 200);
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  doc = await (await fetch(`${demo.url}/api/openapi.json`)).json() as Doc;
});
after(async () => {
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(demo.url + path, {
    method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as unknown };
};

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
});

test('the document lists exactly the routes the daemon serves', () => {
  // the app as the daemon composes it; building it calls no dependency but the logger
  const app = createApi({ log: silentLogger } as unknown as ApiDeps);
  const served = new Set(app.routes
    .filter((r) => r.path.startsWith('/api/') && r.path !== '/api/*' && r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`));
  const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  assert.deepEqual([...served].filter((r) => !documented.has(r)), [], 'served but not documented');
  assert.deepEqual([...documented].filter((r) => !served.has(r)), [], 'documented but not served');
});

test('every documented GET answers what its schema says, on the demo data', async () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);

  // ids of the demo's objects, read through the API itself
  const devices = (await call('GET', '/api/devices')).json() as Array<{ id: number }>;
  const groups = (await call('GET', '/api/groups')).json() as Array<{ id: string }>;
  const loads = (await call('GET', '/api/loads')).json() as Array<{ id: string }>;
  assert.ok(devices.length > 5 && groups.length > 0 && loads.length > 0, 'the demo has devices, groups and loads');
  const scan = await call('POST', '/api/gateways/local/scan', { from: 240, to: 241 });
  assert.equal(scan.status, 202, scan.text);
  const scanId = (scan.json() as { id: string }).id;
  const today = new Date().toISOString().slice(0, 10);
  const backup = await call('POST', '/api/system/backup');
  assert.equal(backup.status, 200, backup.text);
  // a small data download (HIST-5), waited for so that its file can be fetched
  const exp = await call('POST', '/api/exports', { kind: 'data', scopes: [`device:${devices[0].id}`], from: today, to: today, costs: false, rate: '1h' });
  assert.equal(exp.status, 202, exp.text);
  const exportId = (exp.json() as { id: string }).id;
  for (let i = 0; i < 120; i++) {
    const state = (await call('GET', `/api/exports/${exportId}`)).json() as { done: boolean; error?: string };
    assert.ok(!state.error, state.error);
    if (state.done) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  const examples: Record<string, string[]> = {
    '/api/devices/{id}': [`/api/devices/${devices[0].id}`],
    '/api/devices/{id}/eq': [`/api/devices/${devices[0].id}/eq`],
    '/api/devices/{id}/live': [`/api/devices/${devices[0].id}/live`, `/api/devices/${devices[devices.length - 1].id}/live`],
    '/api/scans': ['/api/scans', '/api/scans?gatewayId=local'],
    '/api/scans/{id}': [`/api/scans/${scanId}`],
    '/api/tariffs': ['/api/tariffs', '/api/tariffs?type=electricity'],
    '/api/cost-rules/{type}': ['electricity', 'gas', 'water'].map((t) => `/api/cost-rules/${t}`),
    '/api/consumption': [
      ...['day', 'month', 'year', 'decade'].map((p) => `/api/consumption?scope=total&period=${p}&date=${today}&costs=1`),
      `/api/consumption?scope=total&period=day&date=${today}&byLoad=0`,
      `/api/consumption?scope=type:gas&period=month&date=${today}&costs=1`,
      `/api/consumption?scope=type:water&period=year&date=${today}`,
      `/api/consumption?scope=load:${loads[0].id}&period=month&date=${today}`,
      `/api/consumption?scope=group:${groups[0].id}&period=day&date=${today}&costs=true`,
      `/api/consumption?scope=device:${devices[0].id}&period=day&date=${today}&counter=activeEnergyImport`,
    ],
    '/api/system/backups/{file}': ['/api/system/backups/database.zip'],
    '/api/consumption.csv': [`/api/consumption.csv?scope=total&period=month&date=${today}`],
    '/api/statistics': [
      ...['day', 'month', 'year'].map((p) => `/api/statistics?deviceId=${devices[0].id}&period=${p}&date=${today}`),
      `/api/statistics?deviceId=${devices[0].id}&period=day&date=${today}&resolution=hour`,
    ],
    '/api/history/file': ['/api/history/file?path=settings/General.csv'],
    '/api/history/zip': ['/api/history/zip?path=settings/'],
    '/api/exports/{id}': [`/api/exports/${exportId}`],
    '/api/exports/{id}/file': [`/api/exports/${exportId}/file`],
  };
  const checked: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const op = ops.get;
    if (!op) continue;
    const urls = examples[path] ?? (path.includes('{') ? [] : [path]);
    assert.ok(urls.length > 0, `no example request for GET ${path}: add one to this test`);
    const [status, response] = Object.entries(op.responses).find(([s]) => /^2\d\d$/.test(s))!;
    for (const url of urls) {
      const r = await call('GET', url);
      assert.equal(String(r.status), status, `GET ${url} → ${r.status} ${r.text.slice(0, 300)}`);
      const json = response.content?.['application/json'];
      if (!json) {
        assert.ok(response.content && r.type.startsWith(Object.keys(response.content)[0]), `GET ${url}: content type ${r.type}`);
        assert.ok(r.text.length > 0);
      } else {
        const validate = ajv.compile(json.schema);
        assert.ok(validate(r.json()), `GET ${url} does not match its schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
      }
      checked.push(url);
    }
  }
  console.log(JSON.stringify({ metric: 'contractGets', routes: Object.values(doc.paths).filter((o) => o.get).length, requests: checked.length }));
});

test('unknown scopes, devices, gateways and tariffs answer 404 naming the field', async () => {
  const cases: Array<[string, string, string]> = [
    ['GET', '/api/consumption?scope=group:nonexistent&period=day&date=2026-01-01', 'scope'],
    ['GET', '/api/consumption?scope=device:999&period=day&date=2026-01-01', 'scope'],
    ['GET', '/api/consumption?scope=load:nope&period=month&date=2026-01-01', 'scope'],
    ['GET', '/api/devices/999', 'id'],
    ['GET', '/api/devices/abc/live', 'id'],
    ['POST', '/api/gateways/nope/test', 'id'],
    ['PUT', '/api/tariffs/nope', 'id'],
    ['GET', '/api/cost-rules/steam', 'type'],
  ];
  for (const [method, url, field] of cases) {
    const body = method === 'PUT' ? { type: 'electricity', name: 'X', color: '#112233', prices: [{ price: 0.2 }] } : undefined;
    const r = await call(method, url, body);
    assert.equal(r.status, 404, `${method} ${url} → ${r.status} ${r.text}`);
    const err = r.json() as { code: string; fields?: Record<string, string[]> };
    assert.equal(err.code, 'not-found');
    assert.ok(err.fields?.[field], `${method} ${url} names the field ${field}: ${r.text}`);
  }
});

test('POST /api/devices/probe reads the device a form describes without saving it (Test before saving)', async () => {
  const devices = (await call('GET', '/api/devices')).json() as Array<{ id: number; name: string }>;
  const main = devices.find((d) => d.name === 'Main meter');
  assert.ok(main, 'the demo has a Main meter');
  const d = (await call('GET', `/api/devices/${main.id}`)).json() as Record<string, unknown>;
  const form = {
    gatewayId: d.gatewayId, family: d.family, model: d.model, address: d.address, name: 'Not saved',
    ...(d.position !== undefined ? { position: d.position } : {}), ...(d.side !== undefined ? { side: d.side } : {}),
  };
  const ok = await call('POST', '/api/devices/probe', form);
  assert.equal(ok.status, 200, ok.text);
  const read = ok.json() as { ok: boolean; values?: Record<string, unknown> };
  assert.equal(read.ok, true, ok.text);
  assert.ok(Object.keys(read.values ?? {}).length > 5, 'the meter\'s values');

  // Nobody at that address: the reason, not an error page.
  const none = await call('POST', '/api/devices/probe', { ...form, address: 199 });
  assert.equal(none.status, 200, none.text);
  assert.deepEqual({ ok: (none.json() as { ok: boolean }).ok, reason: (none.json() as { reason?: string }).reason }, { ok: false, reason: 'timeout' });

  // Bad forms answer 400 naming the field.
  const noGw = await call('POST', '/api/devices/probe', { ...form, gatewayId: 'nope' });
  assert.equal(noGw.status, 400);
  assert.ok((noGw.json() as { fields?: Record<string, string[]> }).fields?.gatewayId, noGw.text);
  const noAddr = await call('POST', '/api/devices/probe', { ...form, address: 0 });
  assert.equal(noAddr.status, 400);
  assert.ok((noAddr.json() as { fields?: Record<string, string[]> }).fields?.address, noAddr.text);

  assert.equal(((await call('GET', '/api/devices')).json() as unknown[]).length, devices.length, 'nothing saved');

  // The user profile does not configure devices.
  const login = await fetch(`${demo.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '11111', puk: '00000 1111 00000' }),
  });
  assert.equal(login.status, 200);
  const userCookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const denied = await fetch(`${demo.url}/api/devices/probe`, { method: 'POST', headers: { cookie: userCookie, 'content-type': 'application/json' }, body: JSON.stringify(form) });
  assert.equal(denied.status, 403);
});
