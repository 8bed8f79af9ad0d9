export { api, ApiClientError, consumptionCsvUrl, consumptionQueryString, isApiClientError, offline, setBearer, setUnauthorizedHandler } from './client';
export type {
  AuditEntry, BarSeries, Bars, ConsumptionQuery, ConsumptionResult, GroupInput, KioskToken, LoadInput, NetworkAnswer,
  NewKioskToken, PanelBoardInput, Period, TimeAnswer, UserInput,
} from './client';
