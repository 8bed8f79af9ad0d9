/**
 * @module system
 * The box as a system (SYS-4…8): backup and restore of the database, system information,
 * software update, HTTPS. Schemas and the endpoint entries (spread into `endpoints`).
 */
import { z } from 'zod';
import { EDITIONS } from './constants';

const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'a version such as 1.2.3');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hexadecimal');

/** Compares two x.y.z versions: < 0, 0, > 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ─── Backup / restore (SYS-6, SYS-8) ───────────────────────────────────────────────────────────

/** The files a backup holds besides its manifest (LMDB environments, compacted copies). */
export const BACKUP_DATA_FILES = ['ews.lmdb', 'ews-stats.lmdb'] as const;
export const BACKUP_MANIFEST = 'manifest.json';
/** The layout of the data files in a backup; a backup with a larger one is refused (too new). */
export const BACKUP_FORMAT_VERSION = 1;

export const backupManifestSchema = z.object({
  product: z.literal('ews'),
  kind: z.literal('database-backup'),
  formatVersion: z.number().int().min(1),
  /** Software version that wrote it. */
  version: semver,
  edition: z.enum(EDITIONS),
  createdAt: z.iso.datetime(),
  /** The configuration version (CFG-6) at the time of the copy. */
  configVersion: z.number().int().min(0),
  files: z.array(z.object({ name: z.string(), sizeBytes: z.number().int().min(0), sha256 })).min(1).max(8),
}).strict();
export type BackupManifest = z.infer<typeof backupManifestSchema>;

/** Why a restore archive is refused (each with a message in the answer's `error`). */
export const RESTORE_REFUSALS = [
  'empty', 'not-zip', 'damaged', 'too-large', 'no-space', 'unsafe-path', 'symlink', 'unexpected-entry', 'duplicate-entry',
  'encrypted', 'foreign', 'bad-manifest', 'too-new', 'other-edition', 'manifest-mismatch', 'size-mismatch', 'checksum',
  'damaged-store',
] as const;
export type RestoreRefusal = (typeof RESTORE_REFUSALS)[number];

export const backupFileSchema = z.object({
  /** `database.zip` (the Backup button, in the history folder) or `auto-YYYY-MM-DD.zip` (SYS-8). */
  file: z.string(),
  kind: z.enum(['manual', 'auto']),
  sizeBytes: z.number().int(),
  createdAt: z.string(),
});
export type BackupFile = z.infer<typeof backupFileSchema>;
export const backupAnswerSchema = backupFileSchema.extend({ manifest: backupManifestSchema, tookMs: z.number() });
export type BackupAnswer = z.infer<typeof backupAnswerSchema>;

export const autoBackupSettingsSchema = z.object({
  enabled: z.boolean(),
  /** Local hour (installation time zone) of the daily copy: a quiet time. */
  hour: z.number().int().min(0).max(23),
  /** How many automatic backups are kept (older ones are deleted). */
  keep: z.number().int().min(1, 'keep at least 1').max(30, 'at most 30'),
}).strict();
export type AutoBackupSettings = z.infer<typeof autoBackupSettingsSchema>;
export const DEFAULT_AUTO_BACKUP: AutoBackupSettings = { enabled: true, hour: 3, keep: 7 };

export const autoBackupStatusSchema = z.object({
  lastAt: z.string().nullable(),
  status: z.enum(['never', 'ok', 'error']),
  error: z.string().optional(),
  file: z.string().optional(),
  nextAt: z.string().nullable(),
});
export const backupListSchema = z.object({
  backups: z.array(backupFileSchema),
  auto: autoBackupSettingsSchema.extend({ status: autoBackupStatusSchema }),
});

const fileParam = z.object({ file: z.string().regex(/^(database|auto-\d{4}-\d{2}-\d{2})\.zip$/, 'database.zip or auto-YYYY-MM-DD.zip') });

// ─── System information (SYS-5) ────────────────────────────────────────────────────────────────

export const CPU_HIGH_PERCENT = 80;
export const STORAGE_LOW_PERCENT = 10;

export const systemInfoSchema = z.object({
  version: z.string(),
  edition: z.enum(EDITIONS),
  hostname: z.string(),
  /** Last restart of the box (the OS) and of the daemon. */
  bootedAt: z.string(),
  startedAt: z.string(),
  cpu: z.object({ percent: z.number().nullable(), high: z.boolean(), cores: z.number().int(), load1: z.number() }),
  memory: z.object({ totalBytes: z.number(), availableBytes: z.number(), daemonRssBytes: z.number() }),
  database: z.object({
    sizeBytes: z.number(),
    files: z.array(z.object({ name: z.string(), sizeBytes: z.number(), usedBytes: z.number() })),
    /** Share of the files' pages that hold nothing (freed pages an "Optimize" gives back). */
    freePercent: z.number(),
    health: z.enum(['ok', 'optimize']),
    lastOptimizedAt: z.string().nullable(),
  }),
  storage: z.object({ totalBytes: z.number(), freeBytes: z.number(), freePercent: z.number(), low: z.boolean() }),
  autoBackup: autoBackupStatusSchema.extend({ enabled: z.boolean() }),
  buses: z.array(z.object({
    gatewayId: z.string(), name: z.string(), link: z.string(), transactions: z.number(), failures: z.number(), queued: z.number(), busyPercent: z.number(),
  })),
  https: z.object({ enabled: z.boolean(), port: z.number().nullable(), certificate: z.object({ subject: z.string(), notAfter: z.string(), selfSigned: z.boolean() }).nullable() }),
  update: z.object({ installed: z.string(), previous: z.string().nullable(), lastOutcome: z.string().nullable() }),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;

// ─── Software update (SYS-4) ───────────────────────────────────────────────────────────────────

export const UPDATE_REFUSALS = ['not-package', 'damaged', 'unsigned', 'bad-signature', 'tampered', 'older', 'too-old-to-update', 'other-edition', 'busy', 'no-updater'] as const;
export type UpdateRefusal = (typeof UPDATE_REFUSALS)[number];

export const updateManifestSchema = z.object({
  product: z.literal('ews'),
  version: semver,
  /** The oldest installed version this package may update. */
  minVersion: semver,
  editions: z.array(z.enum(EDITIONS)).min(1),
  createdAt: z.iso.datetime(),
  files: z.array(z.object({ path: z.string().max(400), sizeBytes: z.number().int().min(0), sha256 })).min(1).max(20_000),
}).strict();
export type UpdateManifest = z.infer<typeof updateManifestSchema>;

export const updateStatusSchema = z.object({
  installed: z.string(),
  previous: z.string().nullable(),
  /** The last update: installed, rolled back, or refused — with when and why. */
  last: z.object({
    at: z.string(), version: z.string().nullable(), outcome: z.enum(['installing', 'installed', 'rolled-back', 'refused', 'failed']), reason: z.string().optional(),
  }).nullable(),
});
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

// ─── HTTPS (SYS-7) ─────────────────────────────────────────────────────────────────────────────

export const httpsAnswerSchema = z.object({
  enabled: z.boolean(),
  port: z.number().nullable(),
  httpPort: z.number(),
  /** HTTP answers as well instead of redirecting to HTTPS. */
  keepHttpOpen: z.boolean(),
  certificate: z.object({
    subject: z.string(), issuer: z.string(), notBefore: z.string(), notAfter: z.string(), selfSigned: z.boolean(),
    altNames: z.array(z.string()), sha256: z.string(),
  }).nullable(),
});
export type HttpsAnswer = z.infer<typeof httpsAnswerSchema>;
const pem = (what: string) => z.string().max(64 * 1024).regex(/-----BEGIN [A-Z ]+-----/, `a PEM ${what}`);
export const httpsInputSchema = z.object({
  keepHttpOpen: z.boolean().optional(),
  /** A PEM certificate (with its chain, leaf first) and its PEM private key, replaced together. */
  certificatePem: pem('certificate').optional(),
  keyPem: pem('private key').optional(),
  /** Back to a self-signed certificate generated now. */
  regenerate: z.literal(true).optional(),
}).strict().refine((b) => (b.certificatePem === undefined) === (b.keyPem === undefined), { message: 'send the certificate and its key together', path: ['keyPem'] });

const restarting = z.object({ restarting: z.literal(true) });

/** The routes (spread into `endpoints`). */
export const systemEndpoints = {
  'GET /api/system/info': { summary: 'System information (SYS-5): versions, restarts, CPU, memory, database, storage, backups, buses', right: 'webServerConfig', response: systemInfoSchema },
  'POST /api/system/optimize': { summary: 'Compact the database (a compacting copy swapped in at a restart)', right: 'webServerConfig', response: restarting },
  'POST /api/system/backup': { summary: 'Write database.zip (configuration and history, hot copy) into the history folder', right: 'webServerConfig', response: backupAnswerSchema },
  'GET /api/system/backups': { summary: 'Backups on the box and the automatic backup settings and status (SYS-8)', right: 'webServerConfig', response: backupListSchema },
  'GET /api/system/backups/:file': { summary: 'Download a backup', right: 'webServerConfig', params: fileParam, response: z.string(), produces: 'application/zip' },
  'PUT /api/system/backups/auto': { summary: 'Automatic backup settings (daily at a quiet hour, keep N)', right: 'webServerConfig', body: autoBackupSettingsSchema, response: autoBackupSettingsSchema },
  'POST /api/system/restore': { summary: 'Restore a database.zip (raw body, application/zip): verified in full, then swapped in at a restart', right: 'webServerConfig', response: restarting, consumes: 'application/zip', bodyLimitBytes: 2 * 1024 * 1024 * 1024 },
  'GET /api/system/update': { summary: 'Installed and previous version, the last update\'s outcome', right: 'webServerConfig', response: updateStatusSchema },
  'POST /api/system/update': { summary: 'Install a signed update package (raw body): verified, installed beside the running version, restarted, rolled back if unhealthy', right: 'webServerConfig', response: updateStatusSchema, status: 202, consumes: 'application/octet-stream', bodyLimitBytes: 256 * 1024 * 1024 },
  'GET /api/settings/https': { summary: 'HTTPS: port, certificate, whether HTTP stays open', right: 'webServerConfig', response: httpsAnswerSchema },
  'PUT /api/settings/https': { summary: 'Replace the certificate (PEM pair, validated), regenerate it, or keep HTTP open', right: 'webServerConfig', body: httpsInputSchema, response: httpsAnswerSchema, bodyLimitBytes: 160 * 1024 },
} as const;
