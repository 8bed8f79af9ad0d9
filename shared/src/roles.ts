/**
 * @module roles
 * AUTH-2: the pages each default role may open. No zod here: the SPA imports it at run time.
 */
import type { Page, Role } from './api';

export const ROLE_PAGES: Record<Role, Page[]> = {
  administrator: ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms'],
  greenUp: ['webServerConfig', 'systemConfig', 'myPanelBoard', 'consumptions', 'reports', 'alarms', 'greenUp'],
  installer: ['systemConfig', 'myPanelBoard', 'consumptions', 'alarms'],
  user: ['consumptions', 'alarms'],
};
