/**
 * @module api/settings
 * Web server configuration: network (SYS-1), Modbus (BUS-2: applied by reopening the port),
 * date and time (SYS-2), CSV and other settings (STO-1, HIST-1, SYS-3), edition (BUS-6).
 * OS effects go through the system adapter. Secrets are never returned.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

type SettingsRoutes =
  | 'GET /api/settings/network' | 'PUT /api/settings/network' | 'GET /api/settings/modbus' | 'PUT /api/settings/modbus'
  | 'GET /api/settings/time' | 'PUT /api/settings/time' | 'GET /api/settings/csv' | 'PUT /api/settings/csv'
  | 'GET /api/settings/edition' | 'PUT /api/settings/edition';

export function settingsHandlers(deps: ApiDeps): Handlers<SettingsRoutes> {
  const { config } = deps;
  return {
    'GET /api/settings/network': () => ({ ...config.network(), note: 'after saving, the box answers at the new address: move the browser there' }),
    'PUT /api/settings/network': async ({ body, who }) => {
      const saved = await config.setNetwork(body, who);
      await deps.system.applyNetwork(saved);
      return { ...saved, applied: deps.system.kind, newUrl: `http://${saved.address}/` };
    },
    'GET /api/settings/modbus': () => config.modbus(),
    /** The fields sent change; the others keep their value (the TCP server follows at once). */
    'PUT /api/settings/modbus': ({ body, who }) => config.setModbus({ ...config.modbus(), ...body }, who),
    'GET /api/settings/time': () => ({ ...config.time(), now: new Date(deps.clock.now()).toISOString() }),
    /** The fields sent change; the others keep their value. `dateTime` sets the clock (NTP off). */
    'PUT /api/settings/time': async ({ body, who }) => {
      const { dateTime, ...fields } = body;
      const saved = await config.setTime({ ...config.time(), ...fields, ...(dateTime ? { dateTime } : {}) }, who);
      await deps.system.applyTime({ ...saved, ...(dateTime ? { dateTime } : {}) });
      return saved;
    },
    'GET /api/settings/csv': () => config.csv(),
    'PUT /api/settings/csv': ({ body, who }) => {
      return config.setCsv({ ...config.csvInput(), ...body }, who);
    },
    'GET /api/settings/edition': () => ({ edition: config.edition() }),
    'PUT /api/settings/edition': async ({ body, who }) => ({ edition: await config.setEdition(body.edition, who) }),
  };
}
