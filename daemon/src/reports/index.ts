/**
 * @module reports
 * Data download (HIST-5) and PDF reports (HIST-6) from the history store.
 */
export { Exports, type ExportsOptions, type ExportJobRequest } from './export';
