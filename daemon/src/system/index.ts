/**
 * @module system
 * OS effects behind adapters (SYS-1, SYS-2): the Linux adapter writes systemd-networkd and
 * timesyncd files and calls timedatectl on the box; the development adapter records what it
 * would apply and applies nothing. Chosen by EWS_SYSTEM=linux|dev (default dev).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NetworkSettings } from '@ews/shared';
import { DomainError } from '../util/errors';

export type SystemErrorCode = 'command-failed' | 'write-failed';
export class SystemError extends DomainError<SystemErrorCode> {}

export interface TimeApply { timezone: string; ntpEnabled: boolean; ntpServer: string; dateTime?: string }

export interface AppliedChange { at: string; what: 'network' | 'time'; detail: Record<string, unknown> }

export interface SystemAdapter {
  readonly kind: 'linux' | 'dev';
  applyNetwork(n: NetworkSettings): Promise<void>;
  applyTime(t: TimeApply): Promise<void>;
  /** What was applied (development adapter) — for the UI and tests. */
  history(): AppliedChange[];
}

export function prefixLength(netmask: string): number {
  return netmask.split('.').reduce((n, o) => n + Number(o).toString(2).split('').filter((b) => b === '1').length, 0);
}

export function networkdFile(n: NetworkSettings, iface = 'eth0'): string {
  return `# Written by EWS (Web server configuration → Network)\n[Match]\nName=${iface}\n\n[Network]\nAddress=${n.address}/${prefixLength(n.netmask)}\nGateway=${n.gateway}\nDNS=${n.dns}\n`;
}

export function timesyncdFile(t: TimeApply): string {
  return `# Written by EWS (Web server configuration → Date and time)\n[Time]\nNTP=${t.ntpServer}\n`;
}

export function createDevSystem(): SystemAdapter {
  const log: AppliedChange[] = [];
  return {
    kind: 'dev',
    async applyNetwork(n) { log.push({ at: new Date().toISOString(), what: 'network', detail: { file: networkdFile(n) } }); },
    async applyTime(t) { log.push({ at: new Date().toISOString(), what: 'time', detail: { ...t, file: timesyncdFile(t) } }); },
    history: () => [...log],
  };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, _out, stderr) => (err ? reject(new SystemError('command-failed', `${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
  });
}

async function write(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (err) {
    throw new SystemError('write-failed', `${path}: ${(err as Error).message}`, { cause: err });
  }
}

export function createLinuxSystem(opts: { iface?: string } = {}): SystemAdapter {
  return {
    kind: 'linux',
    async applyNetwork(n) {
      await write('/etc/systemd/network/10-ews.network', networkdFile(n, opts.iface ?? 'eth0'));
      await run('networkctl', ['reload']);
    },
    async applyTime(t) {
      await run('timedatectl', ['set-timezone', t.timezone]);
      await write('/etc/systemd/timesyncd.conf.d/ews.conf', timesyncdFile(t));
      await run('timedatectl', ['set-ntp', t.ntpEnabled ? 'true' : 'false']);
      if (!t.ntpEnabled && t.dateTime) await run('timedatectl', ['set-time', t.dateTime.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]\d\d:\d\d)?$/, '')]);
    },
    history: () => [],
  };
}

export function createSystem(kind = process.env.EWS_SYSTEM): SystemAdapter {
  return kind === 'linux' ? createLinuxSystem() : createDevSystem();
}

export { SystemService, SystemBusyError, MANUAL_BACKUP, localDateHour, cleanScratch, type BusInfo, type SystemServiceOptions } from './service';
export { writeBackup, copyEnvironments, sha256File } from './backup';
export { verifyAndStage, commitStaged, applyPendingSwap, checkStore, unsafeName, RestoreError, DEFAULT_RESTORE_LIMITS, type RestoreLimits } from './restore';
export { TlsStore, TlsError, HttpsService, type HttpsInput, generateSelfSigned, validatePair, describe as describeCertificate, spkiHash, boxNames, type TlsPair, type TlsSettings } from './tls';
export { Updater, UpdateError, readUpdateState, writeUpdateState, switchLink, DEFAULT_HEALTH_TIMEOUT_MS, type UpdateState, type UpdaterOptions } from './update';
