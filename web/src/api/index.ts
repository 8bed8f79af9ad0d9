export {
  api, call, upload, fetchFile, backupUrl, ApiClientError, consumptionCsvUrl, isApiClientError, offline, queryString, setBearer, setUnauthorizedHandler, urlOf,
} from './client';
