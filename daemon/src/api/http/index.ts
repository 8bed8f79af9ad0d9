/**
 * @module api/http
 * HTTP as browsers expect, bounded input: answer compression, body limits, server limits, and
 * the node:http server that runs the app (`node-server.ts`).
 */
export { compressAnswers, COMPRESS_THRESHOLD_BYTES } from './compress';
export { bodyLimit, bodySlots, Semaphore, DEFAULT_BODY_LIMIT_BYTES, MAX_BODY_LIMIT_BYTES, MAX_CONCURRENT_BODIES, BODY_SLOT_WAIT_MS } from './limits';
export { HTTP_SERVER_OPTIONS, HTTP_MAX_CONNECTIONS, applyServerLimits } from './server';
export { serve, requestListener, alreadySent, remoteAddress, installFetchClasses, UNREAD_BODY_LINGER_MS, type HttpBindings, type FetchHandler, type ServeOptions } from './node-server';
export { acceptedEncodings, preferredEncoding, type Encoding } from './encoding';
