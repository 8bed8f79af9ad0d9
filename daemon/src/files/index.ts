/**
 * @module files
 * The history folder of HIST-2 (CSV files written as samples arrive, rebuilt on demand) and
 * its read-only ways out (HIST-4): listing and reading for the HTTP API, FTP and WebDAV.
 */
export { HistoryFolder, GENERATED_FOLDERS, type HistoryFolderOptions, type RebuildProgress, type RebuildResult, type SettingsFiles, type HistoryJob, type HistoryWorker, WORKER_CATCH_UP_MS } from './folder';
export { monthFiles, type FolderStructure, type FileSpec, type Column } from './layout';
export { resolveInside, listFolder, segments, FilesError, type FilesErrorCode, type FolderEntry } from './paths';
export { folderStructure, settingsFiles, slotCosts } from './from-config';
export type { CsvFormat } from './csv';
export { FtpAccess, type FtpOptions, type FtpStatus } from './ftp';
export { WebDavAccess, type WebDavOptions } from './webdav';
export { zipStream, folderEntries, fileChunks, textEntry, type ZipEntry } from './zip';
export { rowsForBounds, type RowContext, type SlotCosts } from './rows';
export { LEAD, COUNTER_OF, UNIT_OF, type ColumnSource, type EnergyType } from './layout';
export { BOM, line } from './csv';
