/**
 * @module api/reports
 * PDF reports (HIST-6): POST /api/reports answers the PDF, named by HIST-6 in its
 * Content-Disposition. Detailed reports name metering devices; another id answers 404 with the
 * field.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';
import { ApiError } from './errors';

export function reportHandlers(deps: ApiDeps): Handlers<'POST /api/reports'> {
  return {
    'POST /api/reports': async ({ body, who }) => {
      if (body.deviceIds) {
        const unknown = body.deviceIds.filter((id) => {
          const d = deps.config.device(id);
          const type = d ? deps.catalog.get(d.family, d.model)?.energyType : undefined;
          return !type || type === 'none';
        });
        if (unknown.length) throw new ApiError(404, 'not-found', `no metering device ${unknown.join(', ')}`, { deviceIds: unknown.map((id) => `no metering device has the id ${id}`) });
      }
      const started = Date.now();
      const report = await deps.reports.renderPdf({
        type: body.type, period: body.period, date: body.date, language: body.language,
        ...(body.deviceIds ? { deviceIds: body.deviceIds } : {}),
      });
      deps.log.info('PDF report', { user: who, file: report.fileName, devices: body.deviceIds?.length, pages: report.pages, bytes: report.pdf.length, tookMs: Date.now() - started });
      return new Response(new Uint8Array(report.pdf), {
        headers: { 'content-type': 'application/pdf', 'content-length': String(report.pdf.length), 'content-disposition': `attachment; filename="${report.fileName}"` },
      });
    },
  };
}
