export { api, ApiClientError, isApiClientError, offline, setUnauthorizedHandler } from './client';
