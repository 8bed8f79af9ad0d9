export * from './catalog';
export * from './config';
export * from './api';
export * from './units';
export * from './structure';
export * from './settings';
export * from './consumption';
export * from './roles';
