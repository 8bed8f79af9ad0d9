/**
 * @module system/service
 * The box as a system: Backup (SYS-6) into the history folder, the daily automatic backup
 * keeping the last N (SYS-8), Restore and Optimize (both verified, staged, then swapped in at a
 * restart: LMDB files cannot be replaced under an open environment), and the system
 * information (SYS-5). Box-level state (automatic backup settings and status, last optimisation)
 * lives in `system.json` in the data folder, outside the store: a restore does not change it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { cpus, freemem, hostname, loadavg, totalmem, uptime } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import {
  BACKUP_DATA_FILES, CPU_HIGH_PERCENT, DEFAULT_AUTO_BACKUP, STORAGE_LOW_PERCENT, autoBackupSettingsSchema,
  type AutoBackupSettings, type BackupAnswer, type BackupFile, type Edition, type SystemInfo,
} from '@ews/shared';
import { writeBackup } from './backup';
import { verifyAndStage, commitStaged, checkStore, RestoreError, type RestoreLimits } from './restore';
import { copyEnvironments } from './backup';
import { localTime, formatDate } from '../energy/index';
import { DomainError } from '../util/errors';
import type { Clock, Timer } from '../util/clock';
import type { Logger } from '../util/log';

export class SystemBusyError extends DomainError<'busy'> {}

export const MANUAL_BACKUP = 'database.zip';
const AUTO_RE = /^auto-(\d{4}-\d{2}-\d{2})\.zip$/;

export interface BusInfo { gatewayId: string; name: string; link: string; transactions: number; failures: number; queued: number; busyMs: number }

export interface SystemServiceOptions {
  dataDir: string;
  /** The history folder (HIST-2): database.zip is written there. */
  historyDir: string;
  envs: Record<(typeof BACKUP_DATA_FILES)[number], RootDatabase>;
  version: string;
  edition: () => Edition;
  configVersion: () => number;
  timezone: () => string;
  buses: () => BusInfo[];
  https: () => SystemInfo['https'];
  update: () => SystemInfo['update'];
  /** Asks the composition root to restart the daemon (stop, swap, start). */
  requestRestart: (why: string) => void;
  clock: Clock;
  log: Logger;
  startedAtMs: number;
  restoreLimits?: Partial<RestoreLimits>;
  /** How often the automatic backup checks whether today's copy is due. */
  autoCheckMs?: number;
}

interface SystemState {
  auto: AutoBackupSettings;
  autoStatus: { lastAt: string | null; status: 'never' | 'ok' | 'error'; error?: string; file?: string };
  lastOptimizedAt: string | null;
}

/** Local date and hour of an instant in a time zone. */
export function localDateHour(ms: number, tz: string): { date: string; hour: number } {
  const t = localTime(tz, ms); // the tz database (energy/zoneinfo), not ICU: see energy/calendar
  return { date: formatDate(t), hour: t.hour };
}

export class SystemService {
  private state: SystemState;
  private busy: string | undefined;
  private timer: Timer | undefined;
  private cpuSample = { at: 0, idle: 0, total: 0 };
  private cpuPercent: number | null = null;
  private readonly statePath: string;
  private stopped = false;

  get dataDir(): string { return this.o.dataDir; }

  constructor(private readonly o: SystemServiceOptions) {
    this.statePath = join(o.dataDir, 'system.json');
    this.state = this.loadState();
    this.sampleCpu();
  }

  private loadState(): SystemState {
    const fresh: SystemState = { auto: { ...DEFAULT_AUTO_BACKUP }, autoStatus: { lastAt: null, status: 'never' }, lastOptimizedAt: null };
    try {
      const raw = JSON.parse(readFileSync(this.statePath, 'utf8')) as Partial<SystemState>;
      const auto = autoBackupSettingsSchema.safeParse(raw.auto);
      return { ...fresh, ...raw, auto: auto.success ? auto.data : fresh.auto };
    } catch {
      return fresh;
    }
  }

  private async saveState(): Promise<void> {
    const tmp = `${this.statePath}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state, null, 2));
    await rename(tmp, this.statePath);
  }

  /** One heavy operation at a time (backup, restore, optimise). */
  private async exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new SystemBusyError('busy', `${this.busy} is in progress; try again when it is done`);
    this.busy = what;
    try { return await fn(); } finally { this.busy = undefined; }
  }

  private workDir(): string { return join(this.o.dataDir, 'tmp'); }
  private autoDir(): string { return join(this.o.dataDir, 'backups'); }

  private async backupTo(dir: string, file: string): Promise<BackupAnswer> {
    const started = this.o.clock.monotonicMs();
    await mkdir(dir, { recursive: true });
    await mkdir(this.workDir(), { recursive: true });
    const { manifest, sizeBytes } = await writeBackup({
      envs: this.o.envs, version: this.o.version, edition: this.o.edition(), configVersion: this.o.configVersion(), workDir: this.workDir(), now: () => this.o.clock.now(),
    }, join(dir, file));
    const tookMs = Math.round(this.o.clock.monotonicMs() - started);
    this.o.log.info('backup written', { file: join(dir, file), sizeBytes, tookMs });
    return { file, kind: file === MANUAL_BACKUP ? 'manual' : 'auto', sizeBytes, createdAt: manifest.createdAt, manifest, tookMs };
  }

  /** SYS-6 "Backup": database.zip in the history folder. */
  backup(): Promise<BackupAnswer> {
    return this.exclusive('a backup', () => this.backupTo(this.o.historyDir, MANUAL_BACKUP));
  }

  async list(): Promise<BackupFile[]> {
    const out: BackupFile[] = [];
    const add = async (dir: string, file: string, kind: BackupFile['kind']) => {
      try {
        const s = await stat(join(dir, file));
        out.push({ file, kind, sizeBytes: s.size, createdAt: s.mtime.toISOString() });
      } catch { /* not there */ }
    };
    await add(this.o.historyDir, MANUAL_BACKUP, 'manual');
    for (const f of (await readdir(this.autoDir()).catch(() => [] as string[])).filter((f) => AUTO_RE.test(f)).sort().reverse()) await add(this.autoDir(), f, 'auto');
    return out;
  }

  /** The path of a listed backup (for download), or undefined. */
  pathOf(file: string): string | undefined {
    const path = file === MANUAL_BACKUP ? join(this.o.historyDir, file) : AUTO_RE.test(file) ? join(this.autoDir(), file) : undefined;
    return path && existsSync(path) ? path : undefined;
  }

  autoSettings(): AutoBackupSettings { return { ...this.state.auto }; }
  async setAutoSettings(s: AutoBackupSettings): Promise<AutoBackupSettings> {
    this.state.auto = autoBackupSettingsSchema.parse(s);
    await this.saveState();
    await this.prune();
    return this.autoSettings();
  }
  autoStatus() {
    return { ...this.state.autoStatus, nextAt: this.nextAutoAt() };
  }

  /**
   * SYS-6 "Restore": `archive` (an uploaded file, deleted after) verified in full and staged;
   * the daemon restarts to swap it in. Refusals throw RestoreError and change nothing.
   */
  restore(archive: string): Promise<{ restarting: true }> {
    return this.exclusive('a restore', async () => {
      try {
        const { stagingDir, manifest } = await verifyAndStage(archive, { dataDir: this.o.dataDir, version: this.o.version, edition: this.o.edition(), limits: this.o.restoreLimits });
        await commitStaged(this.o.dataDir, stagingDir, 'restore');
        this.o.log.info('restore verified and staged; restarting to swap it in', { createdAt: manifest.createdAt, version: manifest.version, configVersion: manifest.configVersion });
        this.o.requestRestart('restore');
        return { restarting: true as const };
      } catch (err) {
        if (err instanceof RestoreError) this.o.log.warn('restore refused', { code: err.code, reason: err.message });
        throw err;
      } finally {
        await rm(archive, { force: true });
      }
    });
  }

  /** SYS-5 "Optimize": compacted copies, checked, swapped in at a restart. */
  optimize(): Promise<{ restarting: true }> {
    return this.exclusive('an optimisation', async () => {
      const dir = join(this.o.dataDir, `restore-staging-optimize`);
      await rm(dir, { recursive: true, force: true });
      try {
        await copyEnvironments(this.o.envs, dir);
        await checkStore(dir);
        await commitStaged(this.o.dataDir, dir, 'optimize');
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      this.state.lastOptimizedAt = new Date(this.o.clock.now()).toISOString();
      await this.saveState();
      this.o.requestRestart('optimize');
      return { restarting: true as const };
    });
  }

  // ─── automatic backup (SYS-8) ───────────────────────────────────────────────────────────────

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.autoBackupIfDue().finally(() => { if (!this.stopped) this.timer = this.o.clock.setTimeout(tick, this.o.autoCheckMs ?? 60_000); });
    };
    this.timer = this.o.clock.setTimeout(tick, this.o.autoCheckMs ?? 60_000);
  }
  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
  }

  /** Runs today's automatic backup if it is due (the quiet hour has come and none was made today). */
  async autoBackupIfDue(): Promise<boolean> {
    const { enabled, hour } = this.state.auto;
    if (!enabled || this.busy) return false;
    const now = this.o.clock.now();
    const local = localDateHour(now, this.o.timezone());
    if (local.hour < hour) return false;
    const last = this.state.autoStatus.lastAt ? localDateHour(Date.parse(this.state.autoStatus.lastAt), this.o.timezone()).date : undefined;
    if (last === local.date) return false;
    await this.runAutoBackup(local.date);
    return true;
  }

  async runAutoBackup(date: string): Promise<void> {
    const at = new Date(this.o.clock.now()).toISOString();
    try {
      const r = await this.exclusive('the automatic backup', () => this.backupTo(this.autoDir(), `auto-${date}.zip`));
      this.state.autoStatus = { lastAt: at, status: 'ok', file: r.file };
      await this.prune();
    } catch (err) {
      this.state.autoStatus = { lastAt: at, status: 'error', error: (err as Error).message };
      this.o.log.error('automatic backup failed', { err });
    }
    await this.saveState().catch((err) => this.o.log.error('saving system state failed', { err }));
  }

  private async prune(): Promise<void> {
    const files = (await readdir(this.autoDir()).catch(() => [] as string[])).filter((f) => AUTO_RE.test(f)).sort().reverse();
    for (const f of files.slice(this.state.auto.keep)) {
      await rm(join(this.autoDir(), f), { force: true });
      this.o.log.info('old automatic backup removed', { file: f });
    }
  }

  private nextAutoAt(): string | null {
    if (!this.state.auto.enabled) return null;
    const tz = this.o.timezone();
    const last = this.state.autoStatus.lastAt ? localDateHour(Date.parse(this.state.autoStatus.lastAt), tz).date : undefined;
    const step = 15 * 60_000;
    let t = Math.ceil(this.o.clock.now() / step) * step;
    for (let i = 0; i < 4 * 49; i++, t += step) {
      const l = localDateHour(t, tz);
      if (l.hour >= this.state.auto.hour && l.date !== last) return new Date(t).toISOString();
    }
    return null;
  }

  // ─── system information (SYS-5) ─────────────────────────────────────────────────────────────

  private sampleCpu(): void {
    const c = cpus();
    const idle = c.reduce((n, x) => n + x.times.idle, 0);
    const total = c.reduce((n, x) => n + x.times.user + x.times.nice + x.times.sys + x.times.irq + x.times.idle, 0);
    const prev = this.cpuSample;
    if (prev.total > 0 && total - prev.total > 0) this.cpuPercent = Math.round(1000 * (1 - (idle - prev.idle) / (total - prev.total))) / 10;
    this.cpuSample = { at: this.o.clock.monotonicMs(), idle, total };
  }

  private database(): SystemInfo['database'] {
    const files: SystemInfo['database']['files'] = [];
    for (const name of BACKUP_DATA_FILES) {
      const env = this.o.envs[name];
      let sizeBytes = 0;
      try { sizeBytes = statSync(join(this.o.dataDir, name)).size; } catch { /* not there */ }
      let usedPages = 0;
      const s = env.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; lastPageNumber: number; free?: { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number } };
      const pages = (x: { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number }) => x.treeBranchPageCount + x.treeLeafPageCount + x.overflowPages;
      usedPages += pages(s) + (s.free ? pages(s.free) : 0) + 2; // + the two meta pages
      for (const key of env.getKeys({}) as Iterable<unknown>) {
        if (typeof key !== 'string') continue;
        try { usedPages += pages(env.openDB({ name: key, encoding: 'binary' }).getStats() as typeof s); } catch { /* not a database */ }
      }
      files.push({ name, sizeBytes, usedBytes: Math.min(sizeBytes, usedPages * s.pageSize) });
    }
    const size = files.reduce((n, f) => n + f.sizeBytes, 0);
    const used = files.reduce((n, f) => n + f.usedBytes, 0);
    const freePercent = size > 0 ? Math.round(1000 * (1 - used / size)) / 10 : 0;
    // Worth a compaction when over a third of the files is free pages, and that is at least 16 MB.
    const health = freePercent > 33 && size - used > 16 * 1024 ** 2 ? 'optimize' as const : 'ok' as const;
    return { sizeBytes: size, files, freePercent, health, lastOptimizedAt: this.state.lastOptimizedAt };
  }

  async info(): Promise<Omit<SystemInfo, 'version' | 'edition'> & { version: string; edition: Edition }> {
    if (this.o.clock.monotonicMs() - this.cpuSample.at > 500) this.sampleCpu();
    const fs = await statfs(this.o.dataDir);
    const totalBytes = fs.blocks * fs.bsize, freeBytes = fs.bavail * fs.bsize;
    const freePercent = totalBytes > 0 ? Math.round(1000 * freeBytes / totalBytes) / 10 : 0;
    let availableBytes = freemem();
    try {
      const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
      if (m) availableBytes = Number(m[1]) * 1024;
    } catch { /* not Linux */ }
    const up = this.o.clock.now() - this.o.startedAtMs;
    return {
      version: this.o.version,
      edition: this.o.edition(),
      hostname: hostname(),
      bootedAt: new Date(Date.now() - uptime() * 1000).toISOString(),
      startedAt: new Date(this.o.startedAtMs).toISOString(),
      cpu: { percent: this.cpuPercent, high: (this.cpuPercent ?? 0) > CPU_HIGH_PERCENT, cores: cpus().length, load1: Math.round(loadavg()[0] * 100) / 100 },
      memory: { totalBytes: totalmem(), availableBytes, daemonRssBytes: process.memoryUsage.rss() },
      database: this.database(),
      storage: { totalBytes, freeBytes, freePercent, low: freePercent < STORAGE_LOW_PERCENT },
      autoBackup: { enabled: this.state.auto.enabled, ...this.autoStatus() },
      buses: this.o.buses().map((b) => ({
        gatewayId: b.gatewayId, name: b.name, link: b.link, transactions: b.transactions, failures: b.failures, queued: b.queued,
        busyPercent: up > 0 ? Math.round(1000 * b.busyMs / up) / 10 : 0,
      })),
      https: this.o.https(),
      update: this.o.update(),
    };
  }
}

/** Files left in the data folder's scratch space by an interrupted backup. */
export function cleanScratch(dataDir: string): void {
  const tmp = join(dataDir, 'tmp');
  if (!existsSync(tmp)) return;
  for (const f of readdirSync(tmp)) void rm(join(tmp, f), { recursive: true, force: true });
}
