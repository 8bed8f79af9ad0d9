/**
 * The commissioning, settings, Green'Up and reports pages: one chunk fetched on first use
 * (app.tsx), so that the first load (login, home, My panel board) stays within budget (BEY-5)
 * however many pages the technician's side grows.
 */
export { AuditPage, LinksPage, SystemPage } from './system';
export { SystemInfoPage, BackupPage, UpdatePage, HttpsPage } from './box';
export { GatewaysPage } from './gateways';
export { DevicesPage } from './devices';
export { ScanPage } from './scan';
export { StructurePage } from './structure';
export { CostsPage } from './costs';
export { GreenupPage } from './greenup';
export { SettingsMenuPage, SettingsPage } from './settings';
export { ChangeCodesPage, UsersPage } from './users';
export { AlarmsPage } from './alarms';
export { ReportsPage } from './reports';
