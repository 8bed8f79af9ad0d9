/**
 * @ews/daemon public face for scripts (simulator, demo, benchmarks) and tests. Scripts import
 * from here (`@ews/daemon`), never from daemon/src/<capability>/ files (`pnpm lint` checks it).
 */
export * as modbus from './modbus/index';
export * from './catalog/index';
export { DAEMON_ENV, DAEMON_NODE_FLAGS } from './runtime';
export { ConfigStore, LOCAL_GATEWAY, type Seed } from './config/index';
export { GatewayManager } from './gateways/index';
export { Poller, planDevice } from './poll/index';
export {
  openDatabases, HistoryStore, FLAG, decodeCounter, tempStore, statSlotCount,
  type Databases, type HistoryStoreOptions, type IngestRegister, type Tick, type ProfileOf, type TempStore,
} from './store/index';
export {
  Energy, scopeProvider, scopesOf, OTHERS_LOAD, parseDate, periodBoundaries, previousDate,
  type DeviceScope, type Period,
} from './energy/index';
export { Costs, TariffSchedule, tariffBars } from './costs/index';
export { systemClock, sleep, setTimeoutAt, type Clock, type Timer } from './util/clock';
export { createLogger, silentLogger, type Logger } from './util/log';
export { Emitter } from './util/events';
export { createApi, openApiDocument, consumptionApi, serve, type ApiDeps } from './api/index';
export { Greenup, GreenupError, evaluate, initialControllerState, type PriceSource, type GreenupOptions } from './greenup/index';
export { startDaemon, rebuildHistoryFolder, type Daemon, type DaemonOptions } from './daemon';
export { HistoryFolder, type RebuildResult } from './files/index';
