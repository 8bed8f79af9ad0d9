/** Public face of the Modbus simulator (demo mode BEY-4, tests, benchmarks). */
export { SIM_PROFILES, isSimProfile, loadFactor, type SimProfile } from './profiles';
export { createSimSlave, combineSlaves, wordKey, type SimSlave, type SimSlaveOptions, type WordMap } from './slave';
export { SimBus, BROADCAST_UNIT, type SimFault, type SimResponse, type SimBusOptions } from './bus';
export {
  attachRtuEndpoint, serveRtuOverSerial, garbageBytes, rtuReplyBytes,
  type ByteEndpoint, type RtuServeOptions, type RtuEndpointHandle, type SerialServeOptions, type SerialServerHandle,
} from './serve-rtu';
export { serveModbusTcp, serveRtuOverTcp, GATEWAY_TARGET_FAILED, type ModbusTcpOptions, type RtuOverTcpOptions, type TcpServerHandle } from './serve-tcp';
export { createPtyPair, socatAvailable, SOCAT_PATH, type PtyPair, type PtyPairOptions } from './pty';
export {
  demoInstallation, benchInstallation, buildSimBus,
  type Installation, type InstallationBus, type InstallationDevice, type BuildSimBusOptions,
} from './installations';
export { createSimStation, type SimStation, type SimCar, type SimStationOptions, type SideSnapshot, type ChargeState } from './station';
