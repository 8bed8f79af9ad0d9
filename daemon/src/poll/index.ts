/** Public face of polling: read plans, the poller, device states. */
export { buildReadPlan, decodeBlock, planDevice, type ReadBlock, type DevicePlan, type DecodedValue } from './plan';
export { Poller, type PollDevice, type SampleTick, type SampleReading, type GatewayAccess, type PollerOptions } from './poller';
export { type DeviceState } from './device-state';
