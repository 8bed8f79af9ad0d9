/**
 * A stand-in for the daemon's HTTP side, shaped by @ews/shared's API schemas, for browser tests
 * of the SPA alone: login answers (need-puk, bad-code, 429), gateways, devices, live values,
 * and switches to make it unreachable or put a device in error. It serves web/dist like the
 * daemon does (static files, index.html fallback). Not a model of the daemon's logic.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import {
  deviceSummarySchema, gatewaySummarySchema, liveResponseSchema, sessionResponseSchema,
  type DeviceSummary, type GatewaySummary, type LiveResponse, type MeasureDef, type SessionResponse,
} from '@ews/shared';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export interface FakeDaemon {
  url: string;
  /** When true, every /api request gets 503 (as a proxy would while the daemon restarts). */
  setDown(down: boolean): void;
  /** Puts a device in communication error (or back on with `undefined`). */
  setDeviceError(id: number, reason: DeviceSummary['statusReason'] | undefined): void;
  stop(): Promise<void>;
}

const PIN = '99999';
const PUK = '00000999900000';
const MAX_FAILURES = 3;

function measures(): MeasureDef[] {
  const m: MeasureDef[] = [
    { key: 'activeEnergyImportWh', label: 'Active energy +', unit: 'Wh', group: 'energy', phase: 'total' },
    { key: 'activeEnergyExportWh', label: 'Active energy -', unit: 'Wh', group: 'energy', phase: 'total' },
    { key: 'reactiveEnergyImportVarh', label: 'Reactive energy +', unit: 'varh', group: 'energy', phase: 'total' },
  ];
  for (const p of ['L1', 'L2', 'L3', 'total'] as const) m.push({ key: `activePower${p === 'total' ? 'Total' : p}W`, label: `Active power ${p}`, unit: 'W', group: 'power', phase: p });
  for (const p of ['L1', 'L2', 'L3'] as const) m.push({ key: `voltage${p}NV`, label: `Voltage ${p}-N`, unit: 'V', group: 'voltage', phase: p });
  for (const [p, l] of [['L12', 'L1-L2'], ['L23', 'L2-L3'], ['L31', 'L3-L1']] as const) m.push({ key: `voltage${p}V`, label: `Voltage ${l}`, unit: 'V', group: 'voltage', phase: p });
  for (const p of ['L1', 'L2', 'L3', 'N'] as const) m.push({ key: `current${p}A`, label: p === 'N' ? 'Neutral current' : `Current ${p}`, unit: 'A', group: 'current', phase: p });
  m.push({ key: 'frequencyHz', label: 'Frequency', unit: 'Hz', group: 'frequency' });
  for (const p of ['L1', 'L2', 'L3'] as const) m.push({ key: `thdVoltage${p}Pct`, label: `THD voltage ${p}`, unit: '%', group: 'thd', phase: p });
  for (let n = 3; n <= 9; n += 2) {
    for (const p of ['L1', 'L2', 'L3'] as const) m.push({ key: `harmonicVoltage${p}H${n}Pct`, label: `Voltage ${p} harmonic ${n}`, unit: '%', group: 'harmonics', phase: p });
  }
  return m;
}

export async function startFakeDaemon(): Promise<FakeDaemon> {
  let down = false;
  let failures = 0;
  let lockedUntil = 0;
  const sessions = new Set<string>();
  const knownBrowsers = new Set<string>();
  const started = Date.now();

  const gateways: GatewaySummary[] = [
    { id: 'local', name: 'Local', kind: 'local', host: '127.0.0.1', enabled: true, status: 'on' },
    { id: 'gw-2', name: 'Workshop', kind: 'tcp', host: '192.168.1.20', enabled: true, status: 'on' },
  ];
  const devices: DeviceSummary[] = [
    { id: 1, name: 'Main meter', address: 1, addressLabel: '1', gatewayId: 'local', family: 'multifunction', model: 'F3N400', modelLabel: 'F3N400 top', energyType: 'electricity', capabilities: ['measure'], status: 'on' },
    { id: 2, name: 'Lighting', address: 2, addressLabel: '2', gatewayId: 'local', family: 'energyCounter', model: 'F41DM63', modelLabel: 'F41DM63', energyType: 'electricity', capabilities: ['measure'], status: 'on' },
    { id: 3, name: 'Silent meter', address: 3, addressLabel: '3', gatewayId: 'local', family: 'energyCounter', model: 'F21DM63', modelLabel: 'F21DM63', energyType: 'electricity', capabilities: ['measure'], status: 'error', statusReason: 'timeout' },
    { id: 4, name: 'Water', address: 10, addressLabel: '10-1', position: 1, gatewayId: 'local', family: 'pulseCounter', model: 'F80BI', modelLabel: 'F80BI', energyType: 'water', capabilities: ['measure'], status: 'on' },
    { id: 5, name: 'Incomer', address: 20, addressLabel: '20', gatewayId: 'gw-2', family: 'breaker', model: 'MTX', modelLabel: 'MEGATIKER M4', energyType: 'electricity', capabilities: ['measure', 'state', 'command'], status: 'on', breakerState: 'closed' },
    { id: 6, name: 'Boiler feeder', address: 21, addressLabel: '21-1', gatewayId: 'gw-2', family: 'ems', model: 'F80BCR', modelLabel: 'F80BCR', energyType: 'none', capabilities: ['state', 'link'], status: 'on', breakerState: 'tripped' },
  ];
  const defs = measures();

  const base = 12_345_678;
  function live(d: DeviceSummary): LiveResponse {
    const s = (Date.now() - started) / 1000;
    const values: LiveResponse['values'] = {};
    const list = d.id === 1 ? defs : defs.slice(0, 1);
    for (const m of list) {
      let v = 0;
      if (m.key === 'activeEnergyImportWh') v = base + Math.floor(s * 10);
      else if (m.unit === 'W') v = Math.round(2000 + 400 * Math.sin(s / 3) + (m.phase === 'total' ? 3000 : 0));
      else if (m.unit === 'V') v = m.phase && m.phase.length === 3 ? 400.2 : 230.1 + Math.sin(s) / 10;
      else if (m.unit === 'A') v = 8.5;
      else if (m.unit === 'Hz') v = 50.01;
      else if (m.unit === '%') v = 1.5;
      else v = 1000;
      values[m.key] = { value: v, unit: m.unit };
    }
    if (d.status === 'error') {
      return { status: 'error', statusReason: d.statusReason, at: d.id === 1 ? new Date(started).toISOString() : null, values: d.id === 1 ? values : {}, measures: list };
    }
    return { status: 'on', at: new Date().toISOString(), values, measures: list };
  }

  function cookies(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k) out[k] = v.join('=');
    }
    return out;
  }
  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }
  const sessionBody = (): SessionResponse => sessionResponseSchema.parse({
    user: { id: 'admin', name: 'administrator', role: 'administrator', pages: ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms'] },
    mustChangeCodes: false, defaultCodesInUse: true,
  });

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    let text = '';
    for await (const chunk of req) text += chunk;
    try { return JSON.parse(text) as Record<string, unknown>; } catch { return {}; }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (down) { json(res, 503, { error: 'down', code: 'unavailable' }); return; }
    const c = cookies(req);
    const authed = !!c.ews_session && sessions.has(c.ews_session);
    if (req.method !== 'GET' && req.headers.origin !== `http://${req.headers.host}`) {
      json(res, 403, { error: 'cross-site request refused', code: 'csrf' }); return;
    }
    if (path === '/api/session') {
      if (req.method === 'GET') { if (authed) json(res, 200, sessionBody()); else json(res, 401, { error: 'no session', code: 'unauthenticated' }); return; }
      if (req.method === 'DELETE') { sessions.delete(c.ews_session ?? ''); json(res, 200, { ok: true }, { 'Set-Cookie': 'ews_session=; Max-Age=0; Path=/' }); return; }
      if (req.method === 'POST') {
        if (Date.now() < lockedUntil) { json(res, 429, { error: 'too many attempts', code: 'rate-limited', retryAfterS: Math.ceil((lockedUntil - Date.now()) / 1000) }); return; }
        const body = await readBody(req);
        const pin = String(body.pin ?? '').replace(/\s+/g, '');
        const puk = body.puk === undefined ? undefined : String(body.puk).replace(/\s+/g, '');
        const known = !!c.ews_browser && knownBrowsers.has(c.ews_browser);
        const fail = () => {
          failures++;
          if (failures >= MAX_FAILURES) { lockedUntil = Date.now() + 3000; failures = 0; }
          json(res, 401, { error: 'wrong code', code: 'bad-code' });
        };
        if (pin !== PIN) { fail(); return; }
        if (!known && puk === undefined) { json(res, 401, { error: 'PUK needed', code: 'need-puk', needPuk: true }); return; }
        if (!known && puk !== PUK) { fail(); return; }
        failures = 0;
        const sid = Math.random().toString(36).slice(2);
        const bid = known ? c.ews_browser! : Math.random().toString(36).slice(2);
        sessions.add(sid); knownBrowsers.add(bid);
        json(res, 200, sessionBody(), { 'Set-Cookie': [`ews_session=${sid}; Path=/; HttpOnly; SameSite=Strict`, `ews_browser=${bid}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`] });
        return;
      }
    }
    if (path === '/api/session/lock' && req.method === 'POST') {
      sessions.delete(c.ews_session ?? ''); knownBrowsers.delete(c.ews_browser ?? '');
      json(res, 200, { ok: true }, { 'Set-Cookie': ['ews_session=; Max-Age=0; Path=/', 'ews_browser=; Max-Age=0; Path=/'] });
      return;
    }
    if (!authed) { json(res, 401, { error: 'no session', code: 'unauthenticated' }); return; }
    if (path === '/api/gateways') { json(res, 200, gateways.map((g) => gatewaySummarySchema.parse(g))); return; }
    if (path === '/api/devices') { json(res, 200, devices.map((d) => deviceSummarySchema.parse(d))); return; }
    const m = /^\/api\/devices\/(\d+)\/live$/.exec(path);
    if (m) {
      const d = devices.find((x) => x.id === Number(m[1]));
      if (!d) { json(res, 404, { error: 'no such device', code: 'not-found' }); return; }
      json(res, 200, liveResponseSchema.parse(live(d)));
      return;
    }
    json(res, 404, { error: 'not found', code: 'not-found' });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) {
      handleApi(req, res, path).catch((e) => json(res, 500, { error: String(e), code: 'internal' }));
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    const target = file.startsWith(DIST) ? file : join(DIST, 'index.html');
    readFile(target).catch(() => readFile(join(DIST, 'index.html'))).then((data) => {
      res.writeHead(200, { 'Content-Type': TYPES[extname(target)] ?? TYPES['.html']! });
      res.end(data);
    }, () => { res.writeHead(404); res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    setDown(v) { down = v; },
    setDeviceError(id, reason) {
      const d = devices.find((x) => x.id === id);
      if (!d) return;
      if (reason) { d.status = 'error'; d.statusReason = reason; } else { d.status = 'on'; delete d.statusReason; }
    },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
