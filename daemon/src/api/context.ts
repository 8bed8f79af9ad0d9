/**
 * @module api/context
 * What the API handlers depend on (injected by the composition root).
 */
import type { SessionUser } from '@ews/shared';
import type { ConfigStore } from '../config/index';
import type { AuthService } from '../auth/index';
import type { Poller } from '../poll/index';
import type { Catalog } from '../catalog/index';
import type { GatewayManager } from '../gateways/index';
import type { Logger } from '../util/log';
import type { Clock } from '../util/clock';
import type { SystemAdapter, SystemService, HttpsService, Updater } from '../system/index';
import type { Scanner } from '../scan/index';
import type { Energy } from '../energy/index';
import type { Costs } from '../costs/index';
import type { Commands } from '../commands/index';
import type { EqMonitor } from '../eq/index';
import type { Links } from '../links/index';
import type { Greenup } from '../greenup/index';
import type { Interop } from '../interop/index';
import type { AlarmLog, Notifier } from '../alarms/index';
import type { HistoryFolder, FtpAccess, WebDavAccess, EnergyType } from '../files/index';
import type { Exports, ReportInput, RenderedReport } from '../reports/index';

export interface ApiDeps {
  config: ConfigStore;
  auth: AuthService;
  poller: Poller;
  catalog: Catalog;
  gateways: GatewayManager;
  log: Logger;
  clock: Clock;
  system: SystemAdapter;
  /** Backup, restore, optimise, system information (SYS-5…8). */
  box: SystemService;
  /** HTTPS certificate and HTTP redirect (SYS-7). */
  https: HttpsService;
  /** Signed software updates (SYS-4). */
  updater: Updater;
  scanner: Scanner;
  energy: Energy;
  costs: Costs;
  commands: Commands;
  eq: EqMonitor;
  links: Links;
  greenup: Greenup;
  interop: Interop;
  /** The alarm log (NOTE-5). */
  alarms: AlarmLog;
  /** E-mail settings and the outbox (NOTE-1, NOTE-6). */
  notifier: Notifier;
  /** The history folder and its ways out (HIST-2…4). */
  history: { folder: HistoryFolder; ftp?: FtpAccess; webdav?: WebDavAccess };
  /** Data download (HIST-5); `describe` says what a scope is (undefined: nothing). */
  reports: {
    exports: Exports;
    describe: (scope: string) => { label: string; types: EnergyType[] } | undefined;
    /** HIST-6: a PDF report. */
    renderPdf: (input: ReportInput) => Promise<RenderedReport>;
  };
  version: string;
  /** Built SPA to serve at / (optional in API-only tests). */
  webDir?: string;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies?: boolean;
}

export type Env = { Variables: { user?: SessionUser } };
