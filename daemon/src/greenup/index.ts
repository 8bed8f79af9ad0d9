/** Public face of Green'Up EV charging management (EV-1…6). */
export {
  evaluate, initialControllerState, phaseZone, levelCurrentA, failSafeCurrentA, DEFAULT_CONTROLLER_OPTIONS, PHASE_LIST,
  type ControllerState, type ControllerInput, type ControllerOutput, type ControllerOptions, type StationInput, type StationTarget, type MeterReading, type Session,
} from './controller';
export { Greenup, GreenupError, type GreenupOptions, type GreenupEvents, type PriceSource } from './service';
export { greenupSettingsFile, greenupSettingsRows, greenupExists, storedGreenupSettings, GREENUP_SETTINGS_FILE } from './settings-file';
