/**
 * @module log
 * Namespaced structured logs to stdout as JSON lines (journald adds the time on the box).
 * Levels: trace < debug < info < warn < error < fatal. `EWS_LOG=debug` or `EWS_LOG=modbus:*=trace,info`.
 *
 * Fields are made safe for a line of JSON (see `logFields`): an Error becomes its name, message,
 * code, stack, own fields and `cause` chain; secrets (PIN, PUK, passwords, tokens) are redacted
 * at any depth; bigints become strings; cycles and very deep values are cut, never thrown.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

export interface Logger {
  trace(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The process cannot go on (process-guard.ts logs this before exiting). */
  fatal(msg: string, fields?: Record<string, unknown>): void;
  child(ns: string): Logger;
  enabled(level: LogLevel): boolean;
}

export type LogSink = (line: string) => void;

/**
 * Field names whose values never reach a log, at any depth: codes and credentials (`pin`, `puk`,
 * `password`, `token`, `secret`, and names ending so: `newPin`, `smtp_password`, `botToken`),
 * HTTP `authorization` and `cookie`.
 */
const SECRET_KEYS = [
  /^(pin|puk|password|passwd|token|secret|authorization|cookie)s?$/i,
  /[a-z0-9](Pin|Puk|Password|Passwd|Token|Secret)s?$/,
  /[_-](pin|puk|password|passwd|token|secret)s?$/i,
];
export const REDACTED = '[redacted]';
/** How many `cause` links an error's chain keeps; deeper ones are replaced by a marker. */
export const MAX_CAUSE_DEPTH = 5;
/** How deep plain objects and arrays are followed. */
const MAX_DEPTH = 8;
const ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'code']);

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.some((re) => re.test(key));
}

/** `fields` as plain JSON-ready data: errors expanded, secrets redacted, cycles and depth cut. */
export function logFields(fields: Record<string, unknown>): Record<string, unknown> {
  return safe(fields, 0, [], 0) as Record<string, unknown>;
}

function safe(v: unknown, depth: number, ancestors: object[], causeDepth: number): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? String(v) : v;
  if (ancestors.includes(v)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  const inner = [...ancestors, v];
  if (v instanceof Error) return errorFields(v, depth, inner, causeDepth);
  if (Array.isArray(v)) return v.map((x) => safe(x, depth + 1, inner, causeDepth));
  if (v instanceof Map) return safe(Object.fromEntries(v), depth, ancestors, causeDepth);
  if (v instanceof Set) return safe([...v], depth, ancestors, causeDepth);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v; // Date, Buffer…: JSON.stringify knows them
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = redact(k, x) ?? safe(x, depth + 1, inner, causeDepth);
  return out;
}

function redact(key: string, value: unknown): string | undefined {
  return isSecretKey(key) && value !== undefined && value !== null && value !== '' ? REDACTED : undefined;
}

function errorFields(err: Error, depth: number, ancestors: object[], causeDepth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = safe(code, depth + 1, ancestors, causeDepth);
  // Own fields a domain or system error carries (errno, syscall, address, context…).
  for (const [k, x] of Object.entries(err)) {
    if (!ERROR_KEYS.has(k)) out[k] = redact(k, x) ?? safe(x, depth + 1, ancestors, causeDepth);
  }
  if (err.stack) out.stack = err.stack;
  if ('cause' in err && err.cause !== undefined) {
    out.cause = causeDepth + 1 >= MAX_CAUSE_DEPTH
      ? '[cause chain truncated]'
      : safe(err.cause, depth + 1, ancestors, causeDepth + 1);
  }
  return out;
}

interface Rule { prefix: string; level: LogLevel }

function parseSpec(spec: string | undefined): { rules: Rule[]; fallback: LogLevel } {
  let fallback: LogLevel = 'info';
  const rules: Rule[] = [];
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [a, b] = part.split('=');
    if (b === undefined) { if (a in ORDER) fallback = a as LogLevel; continue; }
    if (b in ORDER) rules.push({ prefix: a.replace(/\*$/, ''), level: b as LogLevel });
  }
  return { rules, fallback };
}

export function createLogger(ns = 'ews', opts: { spec?: string; sink?: LogSink } = {}): Logger {
  const { rules, fallback } = parseSpec(opts.spec ?? process.env.EWS_LOG);
  const sink: LogSink = opts.sink ?? ((line) => process.stdout.write(line + '\n'));
  const make = (name: string): Logger => {
    const rule = rules.filter((r) => name.startsWith(r.prefix)).sort((x, y) => y.prefix.length - x.prefix.length)[0];
    const min = ORDER[rule?.level ?? fallback];
    const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      let line: string;
      try {
        line = JSON.stringify({ level, ns: name, msg, ...(fields ? logFields(fields) : {}) });
      } catch (err) {
        // A field whose toJSON throws: the message still goes out.
        line = JSON.stringify({ level, ns: name, msg, logError: String(err) });
      }
      sink(line);
    };
    return {
      trace: (m, f) => emit('trace', m, f), debug: (m, f) => emit('debug', m, f), info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f), error: (m, f) => emit('error', m, f), fatal: (m, f) => emit('fatal', m, f),
      child: (sub) => make(`${name}:${sub}`),
      enabled: (level) => ORDER[level] >= min,
    };
  };
  return make(ns);
}

/** A logger that drops everything (tests that do not read logs). */
export const silentLogger: Logger = createLogger('silent', { spec: 'silent', sink: () => {} });
