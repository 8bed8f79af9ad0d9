/** Public face of the Modbus layers: codec → link → transport → bus queue. */
export * from './codec';
export * from './timing';
export * from './errors';
export type { Link, LinkEvents } from './link';
export { createMemoryPipe, type MemoryPipe, type PipeEndpoint, type MemoryPipeOptions } from './memory-link';
export { SerialLink, listSerialPorts } from './serial-link';
export { TcpLink } from './tcp-link';
export { ManagedLink, type LinkStatus, type ManagedLinkOptions } from './managed-link';
export { RtuTransport, TcpTransport, type Transport, type RequestOptions, type TransportOptions } from './transport';
export { BusQueue, PRIORITY, GATEWAY_SHARE, type Priority, type BusStats } from './bus';
export { ModbusTcpServer, addressAllowed, type ModbusServerOptions, type ModbusServerStats } from './server';
