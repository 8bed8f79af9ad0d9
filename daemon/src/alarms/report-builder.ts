/**
 * @module alarms/report-builder
 * The attachments of an automatic report (NOTE-3). CSV: the data download's files (HIST-5) of
 * the covered days at one row per day — Summary: every electricity load and the gas and water
 * meters; Detailed: the chosen devices — each attached as its own `.csv`. PDF: the report
 * generator of HIST-6 (`renderPdf`), named as HIST-6 names its files.
 */
import { readFile } from 'node:fs/promises';
import type { ExportState } from '@ews/shared';
import type { Attachment } from './email';
import type { ReportBuilder, ReportJob } from './auto-reports';

export interface ReportSources {
  /** The data download's jobs (reports/Exports). */
  exports: { start(req: { scopes: readonly string[]; from: string; to: string; costs: boolean; rate: '1day' }): ExportState; state(id: string): ExportState | undefined; file(id: string): string | undefined };
  /** Energy types and label of a scope (undefined: it names nothing). */
  describe: (scope: string) => { label: string; types: Array<'electricity' | 'gas' | 'water'> } | undefined;
  devices: () => Array<{ id: number }>;
  loads: () => Array<{ id: string }>;
  /** The HIST-6 PDF of a job (reports/renderReport). */
  renderPdf: (job: ReportJob) => Promise<Buffer>;
  /** Pause between progress checks of a CSV job (default 100 ms). */
  pollMs?: number;
}

/** HIST-6 file names: `monthly-report_YYYY-MM`, `yearly-report_YYYY`, `detailed-…`. */
export function reportBaseName(job: Pick<ReportJob, 'kind' | 'period' | 'label'>): string {
  return `${job.kind === 'detailed' ? 'detailed-' : ''}${job.period}-report_${job.label}`;
}

export function summaryScopes(src: Pick<ReportSources, 'describe' | 'devices' | 'loads'>): string[] {
  const loads = src.loads().map((l) => `load:${l.id}`).filter((s) => src.describe(s));
  const meters = src.devices().map((d) => `device:${d.id}`).filter((s) => src.describe(s)?.types.some((t) => t !== 'electricity'));
  return [...loads, ...meters];
}

export function reportBuilder(src: ReportSources): ReportBuilder {
  return async (job) => {
    const base = reportBaseName(job);
    if (job.format === 'pdf') {
      return [{ filename: `${base}.pdf`, contentType: 'application/pdf', content: await src.renderPdf(job) }];
    }
    const scopes = job.kind === 'summary' ? summaryScopes(src) : job.deviceIds.map((id) => `device:${id}`).filter((s) => src.describe(s));
    if (scopes.length === 0) throw new Error(job.kind === 'summary' ? 'no load or meter to report on' : 'none of the chosen devices exists any more');
    const started = src.exports.start({ scopes, from: job.from, to: job.to, costs: true, rate: '1day' });
    for (;;) {
      const s = src.exports.state(started.id);
      if (!s) throw new Error('the data export disappeared');
      if (s.error) throw new Error(s.error);
      if (s.done) break;
      await new Promise((r) => setTimeout(r, src.pollMs ?? 100));
    }
    const path = src.exports.file(started.id);
    if (!path) throw new Error('the data export has no file');
    // loaded on first use, as elsewhere (a box that sends no CSV report never needs it)
    const { unzipSync } = await import('fflate');
    const files = unzipSync(new Uint8Array(await readFile(path)));
    return Object.entries(files).map(([name, bytes]): Attachment => ({
      filename: `${base}_${name.replace(/^report_/, '')}`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(bytes),
    }));
  };
}
