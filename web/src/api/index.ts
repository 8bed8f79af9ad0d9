export { api, ApiClientError, isApiClientError, offline, setUnauthorizedHandler } from './client';
export type {
  AuditEntry, CatalogModel, DeviceDetail, DeviceTestResult, GatewayRow, GatewayTestResult, GroupInput, LoadInput,
  NetworkAnswer, PanelBoardInput, ScanFound, ScanState, TimeAnswer, UserInput,
} from './client';
