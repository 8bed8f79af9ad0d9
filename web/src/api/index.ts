export {
  api, call, upload, backupUrl, ApiClientError, consumptionCsvUrl, isApiClientError, offline, queryString, setBearer, setUnauthorizedHandler, urlOf,
} from './client';
