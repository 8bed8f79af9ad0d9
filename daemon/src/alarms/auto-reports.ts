/**
 * @module alarms/auto-reports
 * Automatic reports (NOTE-3): Summary or Detailed, of the month or year before each delivery
 * moment (local midnight of the 1st of the month, of Monday, or of every day), as PDF or CSV
 * attachments of an e-mail that goes through the outbox. The last delivered moment is kept in
 * LMDB, so a moment that passed while the box was off is delivered when it comes back — once,
 * for the latest moment missed.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'lmdb';
import { autoReportInputSchema, type AutoReport, type AutoReportInput } from '@ews/shared';
import { dayStartMs, localTime, type LocalDate } from '../energy/index';
import type { Clock, Timer } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { Attachment, MailMessage } from './email';

type Settings = Omit<AutoReport, 'id' | 'lastDeliveredAt' | 'nextAt' | 'lastError'>;

interface StoredReport extends Settings {
  id: string;
  /** The last delivery moment handled (epoch ms): its report was queued, or it was already past when the report was created. */
  lastMomentMs: number | null;
  /** The last delivery moment whose report was queued (epoch ms). */
  deliveredMomentMs?: number;
  lastError?: string;
  /** After a failed build, not before this (epoch ms). */
  retryAtMs?: number;
}

/** What a builder makes: the report of [from, to] (local days, both included). */
export interface ReportJob {
  kind: AutoReport['kind'];
  period: AutoReport['period'];
  format: AutoReport['format'];
  deviceIds: number[];
  language: AutoReport['language'];
  from: string;
  to: string;
  /** `YYYY-MM` (monthly) or `YYYY` (yearly). */
  label: string;
}
export type ReportBuilder = (job: ReportJob) => Promise<Attachment[]>;

export class AutoReportError extends Error {
  constructor(readonly code: 'not-found' | 'limit', message: string, readonly field?: string) { super(message); }
}

export interface AutoReportsOptions {
  db: Database<unknown, string>;
  clock: Clock;
  timezone: () => string;
  build: ReportBuilder;
  /** Queues the e-mail (the outbox); resolves once it is persisted. */
  enqueue: (m: MailMessage) => Promise<string>;
  log?: Logger;
  /** After a failed build, try again after this long (default 15 min). */
  retryMs?: number;
}

const KEY = 'auto-reports';
const MAX_REPORTS = 20;
/** Checked at least this often: clock changes and DST never delay a delivery by more. */
const MAX_SLEEP_MS = 3_600_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dateText = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;
function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The local date of the latest delivery moment at or before `nowMs`. */
export function latestMomentDate(delivery: AutoReport['delivery'], tz: string, nowMs: number): LocalDate {
  const l = localTime(tz, nowMs);
  const today: LocalDate = { year: l.year, month: l.month, day: l.day };
  if (delivery === 'daily') return today;
  if (delivery === 'monthly') return { year: l.year, month: l.month, day: 1 };
  const weekday = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay(); // 0 Sunday
  return addDays(today, -((weekday + 6) % 7)); // back to Monday
}

export function nextMomentDate(delivery: AutoReport['delivery'], from: LocalDate): LocalDate {
  if (delivery === 'daily') return addDays(from, 1);
  if (delivery === 'weekly') return addDays(from, 7);
  return from.month === 12 ? { year: from.year + 1, month: 1, day: 1 } : { year: from.year, month: from.month + 1, day: 1 };
}

/** The period a report delivered at this moment covers: the month (or year) of the day before. */
export function coveredPeriod(period: AutoReport['period'], moment: LocalDate): { from: LocalDate; to: LocalDate; label: string } {
  const last = addDays(moment, -1);
  if (period === 'monthly') return { from: { year: last.year, month: last.month, day: 1 }, to: last, label: `${last.year}-${pad(last.month)}` };
  return { from: { year: last.year, month: 1, day: 1 }, to: last, label: String(last.year) };
}

export class AutoReports {
  private reports: StoredReport[];
  private timer: Timer | undefined;
  private running = false;
  private working: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: AutoReportsOptions) {
    this.log = opts.log ?? silentLogger;
    this.reports = (opts.db.get(KEY) as StoredReport[] | undefined) ?? [];
  }

  list(): AutoReport[] { return this.reports.map((r) => this.view(r)); }

  async create(input: AutoReportInput): Promise<AutoReport> {
    if (this.reports.length >= MAX_REPORTS) throw new AutoReportError('limit', `at most ${MAX_REPORTS} automatic reports`);
    const v = autoReportInputSchema.parse(input);
    // the first delivery is the next moment, not one already past
    const r: StoredReport = { id: randomBytes(6).toString('hex'), ...v, lastMomentMs: this.latestMomentMs(v.delivery) };
    await this.save([...this.reports, r]);
    this.schedule(0);
    return this.view(r);
  }

  async update(id: string, input: AutoReportInput): Promise<AutoReport> {
    const old = this.find(id);
    const v = autoReportInputSchema.parse(input);
    // a changed delivery starts from the next moment of the new rhythm
    const lastMomentMs = v.delivery === old.delivery ? old.lastMomentMs : this.latestMomentMs(v.delivery);
    const r: StoredReport = { id, ...v, lastMomentMs, ...(old.deliveredMomentMs !== undefined ? { deliveredMomentMs: old.deliveredMomentMs } : {}) };
    await this.save(this.reports.map((x) => (x.id === id ? r : x)));
    this.schedule(0);
    return this.view(r);
  }

  async remove(id: string): Promise<void> {
    this.find(id);
    await this.save(this.reports.filter((x) => x.id !== id));
  }

  /** Builds and queues the report of the latest moment now; the schedule does not move. A failure is the answer's `lastError`. */
  async sendNow(id: string): Promise<AutoReport> {
    const r = this.find(id);
    const moment = latestMomentDate(r.delivery, this.opts.timezone(), this.opts.clock.now());
    await this.deliver(r, moment);
    return this.view(this.find(id));
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.working;
  }

  private find(id: string): StoredReport {
    const r = this.reports.find((x) => x.id === id);
    if (!r) throw new AutoReportError('not-found', `no automatic report ${id}`, 'id');
    return r;
  }

  private latestMomentMs(delivery: AutoReport['delivery']): number {
    const tz = this.opts.timezone();
    return dayStartMs(tz, latestMomentDate(delivery, tz, this.opts.clock.now()));
  }

  private view(r: StoredReport): AutoReport {
    const { lastMomentMs: _last, deliveredMomentMs, retryAtMs: _retry, lastError, ...rest } = r;
    const tz = this.opts.timezone();
    const next = dayStartMs(tz, nextMomentDate(r.delivery, latestMomentDate(r.delivery, tz, this.opts.clock.now())));
    return { ...rest, lastDeliveredAt: deliveredMomentMs === undefined ? null : new Date(deliveredMomentMs).toISOString(), nextAt: new Date(next).toISOString(), ...(lastError ? { lastError } : {}) };
  }

  private async save(reports: StoredReport[]): Promise<void> {
    await this.opts.db.put(KEY, reports);
    this.reports = reports;
  }

  private schedule(inMs: number): void {
    if (!this.running) return;
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.working) { void this.working.then(() => this.schedule(0)); return; }
      this.working = this.check().catch((err: unknown) => { this.log.error('automatic reports failed', { err }); }).finally(() => { this.working = undefined; });
    }, Math.max(0, Math.min(MAX_SLEEP_MS, inMs)));
  }

  /** Delivers each report whose latest moment is after its last delivered one, then sleeps until the next moment. */
  private async check(): Promise<void> {
    const tz = this.opts.timezone();
    let wakeMs = Infinity;
    for (const r of this.reports) {
      if (!this.running) return;
      const now = this.opts.clock.now();
      const momentDate = latestMomentDate(r.delivery, tz, now);
      const momentMs = dayStartMs(tz, momentDate);
      const nextMs = dayStartMs(tz, nextMomentDate(r.delivery, momentDate));
      wakeMs = Math.min(wakeMs, nextMs);
      if (!r.enabled || (r.lastMomentMs !== null && r.lastMomentMs >= momentMs)) continue;
      if (r.retryAtMs !== undefined && r.retryAtMs > now) { wakeMs = Math.min(wakeMs, r.retryAtMs); continue; }
      if (r.lastMomentMs !== null && r.lastMomentMs < momentMs) {
        const missed = dayStartMs(tz, nextMomentDate(r.delivery, latestMomentDate(r.delivery, tz, r.lastMomentMs))) < momentMs;
        if (missed) this.log.info('report moments passed while the box was off: the latest one is delivered', { id: r.id, name: r.name, since: new Date(r.lastMomentMs).toISOString() });
      }
      const ok = await this.deliver(r, momentDate, momentMs);
      if (!ok) wakeMs = Math.min(wakeMs, this.find(r.id).retryAtMs ?? Infinity);
    }
    if (wakeMs !== Infinity) this.schedule(wakeMs - this.opts.clock.now() + 50);
  }

  /** Builds the report of a moment and queues its e-mail; with `momentMs`, records it as delivered. */
  private async deliver(r: StoredReport, moment: LocalDate, momentMs?: number): Promise<boolean> {
    const covered = coveredPeriod(r.period, moment);
    const job: ReportJob = { kind: r.kind, period: r.period, format: r.format, deviceIds: r.deviceIds, language: r.language, from: dateText(covered.from), to: dateText(covered.to), label: covered.label };
    try {
      const attachments = await this.opts.build(job);
      const what = `${r.kind === 'summary' ? 'Summary' : 'Detailed'} ${r.period} report ${covered.label}`;
      await this.opts.enqueue({
        to: r.recipients, subject: `[EWS] ${r.name}: ${what}`, attachments,
        text: [`${what} of your Energy Web Server (${job.from} to ${job.to}).`, `Attached: ${attachments.map((a) => a.filename).join(', ')}`].join('\n'),
      });
      const fresh = this.find(r.id);
      const { retryAtMs: _r, lastError: _e, ...rest } = fresh;
      await this.save(this.reports.map((x) => (x.id === r.id ? { ...rest, ...(momentMs !== undefined ? { lastMomentMs: momentMs, deliveredMomentMs: momentMs } : {}) } : x)));
      this.log.info('automatic report queued', { id: r.id, name: r.name, label: covered.label, files: attachments.map((a) => a.filename) });
      return true;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      const retryAtMs = this.opts.clock.now() + (this.opts.retryMs ?? 900_000);
      const fresh = this.reports.find((x) => x.id === r.id);
      if (fresh) await this.save(this.reports.map((x) => (x.id === r.id ? { ...fresh, lastError: message, ...(momentMs !== undefined ? { retryAtMs } : {}) } : x)));
      this.log.error('building an automatic report failed', { id: r.id, name: r.name, err });
      return false;
    }
  }
}
