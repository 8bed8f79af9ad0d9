export {
  api, call, ApiClientError, consumptionCsvUrl, isApiClientError, offline, queryString, setBearer, setUnauthorizedHandler, urlOf,
} from './client';
