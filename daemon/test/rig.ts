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

export function slave(family: string, model: string, address: number, extra: { position?: number } = {}): SimSlave {
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
  devices: NewDeviceInput[];
  gateways?: Gateway[];
  modbus?: Partial<ModbusSettings>;
}

export interface Rig {
  daemon: Daemon;
  dataDir: string;
  /** Logged-in fetch against the daemon's API (administrator). */
  api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ews-it-'));
  const { devices, gateways, modbus, ...rest } = opts;
  const daemon = await startDaemon({
    dataDir, port: 0, catalog,
    log: process.env.EWS_TEST_LOG ? createLogger('ews', { spec: process.env.EWS_TEST_LOG }) : silentLogger,
    sampleIntervalMs: 1000, refreshMs: 200, minBackoffMs: 100, maxBackoffMs: 800,
    seed: { devices, gateways: gateways ?? [], modbus: { timeoutMs: 80, retries: 0, ...modbus } },
    ...rest,
  });
  let cookie = '';
  const api = async <T>(path: string, init: RequestInit = {}) => {
    const res = await fetch(daemon.url + path, {
      ...init, headers: { 'content-type': 'application/json', origin: daemon.url, cookie, ...(init.headers ?? {}) },
    });
    const setCookie = res.headers.getSetCookie?.() ?? [];
    if (setCookie.length) cookie = [cookie, ...setCookie.map((c) => c.split(';')[0])].filter(Boolean).join('; ');
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const login = await api('/api/session', { method: 'POST', body: JSON.stringify({ pin: '99999', puk: '00000999900000' }) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return {
    daemon, dataDir, api,
    async stop() {
      await daemon.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
