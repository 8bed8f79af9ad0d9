export { api, ApiClientError, isApiClientError, offline, setUnauthorizedHandler } from './client';
export type {
  AuditEntry, GroupInput, LoadInput, NetworkAnswer, PanelBoardInput, TimeAnswer, UserInput,
} from './client';
