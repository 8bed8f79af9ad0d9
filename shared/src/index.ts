export * from './catalog';
export * from './config';
export * from './api';
export * from './units';
