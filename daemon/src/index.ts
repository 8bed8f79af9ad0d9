/** @ews/daemon public face for scripts (simulator, demo, benchmarks) and tests. */
export * as modbus from './modbus/index';
export * from './catalog/index';
export { systemClock, sleep, setTimeoutAt, type Clock, type Timer } from './util/clock';
export { createLogger, silentLogger, type Logger } from './util/log';
export { Emitter } from './util/events';
export { createApi, openApiDocument, consumptionApi, type ApiDeps } from './api/index';
