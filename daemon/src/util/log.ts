/**
 * @module log
 * Namespaced structured logs to stdout as JSON lines (journald adds the time on the box).
 * Levels: trace < debug < info < warn < error. `EWS_LOG=debug` or `EWS_LOG=modbus:*=trace,info`.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

export interface Logger {
  trace(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(ns: string): Logger;
  enabled(level: LogLevel): boolean;
}

export type LogSink = (line: string) => void;

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
      sink(JSON.stringify({ level, ns: name, msg, ...fields }, (_k, v) => (v instanceof Error ? { message: v.message, code: (v as { code?: string }).code } : typeof v === 'bigint' ? v.toString() : v)));
    };
    return {
      trace: (m, f) => emit('trace', m, f), debug: (m, f) => emit('debug', m, f), info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f), error: (m, f) => emit('error', m, f),
      child: (sub) => make(`${name}:${sub}`),
      enabled: (level) => ORDER[level] >= min,
    };
  };
  return make(ns);
}

/** A logger that drops everything (tests that do not read logs). */
export const silentLogger: Logger = createLogger('silent', { spec: 'silent', sink: () => {} });
