/**
 * @module api/interop
 * MS-1 and BEY-2 routes: the Modbus slave function's map with its values now, the MQTT and
 * /metrics settings (secrets write-only). `/metrics` itself is mounted in api/index (outside
 * /api, bearer token or open).
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

type InteropRoutes =
  | 'GET /api/modbus/slave' | 'GET /api/settings/mqtt' | 'PUT /api/settings/mqtt' | 'GET /api/settings/metrics' | 'PUT /api/settings/metrics';

export function interopHandlers(deps: ApiDeps): Handlers<InteropRoutes> {
  const { interop } = deps;
  return {
    'GET /api/modbus/slave': () => interop.slaveMap(),
    'GET /api/settings/mqtt': () => interop.mqttSettings(),
    'PUT /api/settings/mqtt': ({ body, who }) => interop.setMqtt(body, who),
    'GET /api/settings/metrics': () => interop.metricsSettings(),
    'PUT /api/settings/metrics': ({ body, who }) => interop.setMetrics(body, who),
  };
}
