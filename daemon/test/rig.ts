/**
 * Integration rig: the real daemon (HTTP API, poller, buses, LMDB) against the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewDeviceInput, Gateway, ModbusSettings } from '@ews/shared';
import { startDaemon, type Daemon, type DaemonOptions } from '../src/daemon';
import { loadCatalog } from '../src/catalog/index';
import { createLogger, silentLogger } from '../src/util/log';
import { createSimSlave, type SimSlave } from '../../scripts/sim/slave';

export const catalog = loadCatalog();

export function slave(family: string, model: string, address: number, extra: { position?: number; timeScale?: number } = {}): SimSlave {
  return createSimSlave(catalog.require(family, model), { address, seed: address * 7919 + (extra.position ?? 0), ...extra });
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) { last = err; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RigOptions extends Partial<DaemonOptions> {
  captureLogs?: boolean;
  devices: NewDeviceInput[];
  gateways?: Gateway[];
  modbus?: Partial<ModbusSettings>;
}

export type ApiCall = <T = unknown>(path: string, init?: RequestInit) => Promise<{ status: number; body: T; headers: Headers }>;

export interface Rig {
  daemon: Daemon;
  dataDir: string;
  /** Logged-in fetch against the daemon's API (administrator). */
  api: ApiCall;
  /** A fresh client with its own cookies (anonymous until it logs in). */
  client(): ApiCall & { login(pin: string, puk: string): Promise<void> };
  /** Log lines (JSON) the daemon wrote, when started with `captureLogs`. */
  logs: string[];
  stop(): Promise<void>;
}

export const CODES = {
  administrator: ['99999', '00000999900000'], greenUp: ['88888', '00000888800000'],
  installer: ['55555', '00000555500000'], user: ['11111', '00000111100000'],
} as const;

export async function startRig(opts: RigOptions): Promise<Rig> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ews-it-'));
  const { devices, gateways, modbus, captureLogs, ...rest } = opts;
  const logs: string[] = [];
  const daemon = await startDaemon({
    dataDir, port: 0, ftpPort: 0, catalog,
    log: captureLogs ? createLogger('ews', { spec: 'debug', sink: (l) => logs.push(l) })
      : process.env.EWS_TEST_LOG ? createLogger('ews', { spec: process.env.EWS_TEST_LOG }) : silentLogger,
    sampleIntervalMs: 1000, refreshMs: 200, minBackoffMs: 100, maxBackoffMs: 800,
    // Timeouts generous enough for a loaded CI machine: a healthy reply must never look late.
    seed: { devices, gateways: gateways ?? [], modbus: { timeoutMs: 250, retries: 0, ...modbus } },
    ...rest,
  });
  const client = () => {
    let cookie = '';
    const call = (async <T>(path: string, init: RequestInit = {}) => {
      const res = await fetch(daemon.url + path, {
        ...init, headers: { 'content-type': 'application/json', origin: daemon.url, ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
      });
      for (const c of res.headers.getSetCookie?.() ?? []) {
        const [pair] = c.split(';');
        const [name] = pair.split('=');
        const jar = cookie.split('; ').filter((x) => x && !x.startsWith(`${name}=`));
        if (!/max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.push(pair);
        cookie = jar.join('; ');
      }
      const text = await res.text();
      let body: unknown = text;
      try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
      return { status: res.status, body: body as T, headers: res.headers };
    }) as ApiCall & { login(pin: string, puk: string): Promise<void> };
    call.login = async (pin, puk) => {
      const r = await call('/api/session', { method: 'POST', body: JSON.stringify({ pin, puk }) });
      if (r.status !== 200) throw new Error(`login ${pin} failed: ${r.status} ${JSON.stringify(r.body)}`);
    };
    return call;
  };
  const api = client();
  await api.login(...CODES.administrator);
  return {
    daemon, dataDir, api, client, logs,
    async stop() {
      await daemon.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
