/**
 * @module api/http/server
 * The Node HTTP server's own limits, stated rather than inherited (Node 20's defaults in
 * brackets). The box serves a few browsers and wall tablets on a LAN; these bound what a
 * slow or hostile client can hold:
 * - `headersTimeout` 15 s [60 s]: the request line and headers must arrive within it
 *   (slowloris).
 * - `requestTimeout` 30 s [300 s]: the whole request, body included (bodies are ≤ 128 KB:
 *   30 s is 4 KB/s). Answers may take longer; this bounds only the receiving.
 * - `keepAliveTimeout` 5 s [5 s]: an idle kept-alive connection is closed after it.
 * - `maxHeaderSize` 16 KB [16 KB]: request line + headers (our cookies are < 200 bytes).
 * - `connectionsCheckingInterval` 5 s [30 s]: how often the two timeouts above are checked,
 *   so a timeout fires within 5 s of its deadline.
 * - `maxConnections` 256 [unlimited]: sockets beyond it are closed at once. Browsers open ≤ 6
 *   per origin, so this is ~40 simultaneous browsers; with 16 KB bodies and 8 bodies read at a
 *   time (api/http/limits.ts) it bounds request memory to a few MB.
 * - `maxRequestsPerSocket` 0 [0]: unlimited requests on a kept-alive connection.
 */
import type { Server, ServerOptions } from 'node:http';

export const HTTP_SERVER_OPTIONS = {
  headersTimeout: 15_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
  connectionsCheckingInterval: 5_000,
} satisfies ServerOptions;

export const HTTP_MAX_CONNECTIONS = 256;

/** Settings that are properties of the server rather than createServer options. */
export function applyServerLimits(server: Server): void {
  server.maxConnections = HTTP_MAX_CONNECTIONS;
  server.maxRequestsPerSocket = 0;
}
