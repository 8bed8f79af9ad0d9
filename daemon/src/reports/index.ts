/**
 * @module reports
 * Data download (HIST-5) and PDF reports (HIST-6) from the history store.
 */
export { Exports, buildExport, type ExportsOptions, type ExportJobRequest, type ExportSource, type ExportRunner, type ExportResult } from './export';
export { renderReport, reportFileName, type ReportInput, type ReportSource, type ReportDevice, type RenderedReport, type ReportType, type ReportPeriod, type ReportEnergyType } from './pdf';
export { type ReportLanguage } from './pdf-text';
