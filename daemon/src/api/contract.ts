/**
 * @module api/contract
 * Mounts the routes of the shared contract (`@ews/shared` endpoints): each route's path
 * parameters, query and body are parsed with its schemas before the handler runs, so a handler
 * only ever sees typed input; a body over the route's limit is refused with 413 before it is
 * read in full (api/http/limits counts it as it streams). A path parameter that names nothing valid answers 404 (the path names no resource), a
 * bad query or body 400, both with field messages. Every endpoint must have a handler (the
 * compiler checks the map is complete).
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import {
  DEFAULT_BODY_LIMIT_BYTES, endpoints, splitEndpoint, type EndpointAnswer, type EndpointDef, type EndpointKey, type EndpointParsed,
} from '@ews/shared';
import type { Env } from './context';
import { ApiError, zodFields } from './errors';
import { readJsonBody } from './body';
import { bodyLimit } from './http/index';

export interface HandlerInput<K extends EndpointKey> extends EndpointParsed<K> {
  c: Context<Env>;
  /** Who asks (for the audit trail): the session's user id. */
  who: string;
}
/** A handler returns the answer (sent as JSON with the route's status) or a whole Response. */
export type Handler<K extends EndpointKey> = (input: HandlerInput<K>) => EndpointAnswer<K> | Response | Promise<EndpointAnswer<K> | Response>;
export type Handlers<K extends EndpointKey = EndpointKey> = { [P in K]: Handler<P> };

function parseOr(status: 400 | 404, schema: z.ZodType, value: unknown, what: string): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields = zodFields(r.error);
  const first = Object.entries(fields)[0];
  const message = status === 404 ? `not found: ${first ? `${first[0]}: ${first[1][0]}` : what}` : `invalid ${what}`;
  throw new ApiError(status, status === 404 ? 'not-found' : 'invalid', message, fields);
}

/**
 * Registers the endpoints of the contract that `handlers` serve (createApi passes them all:
 * its map is typed complete, so an endpoint without a handler does not compile).
 */
export function mountContract<K extends EndpointKey>(app: Hono<Env>, handlers: Handlers<K>): void {
  for (const key of Object.keys(handlers) as K[]) {
    const def: EndpointDef = endpoints[key];
    const handler = handlers[key] as Handler<EndpointKey>;
    const { method, path } = splitEndpoint(key);
    const limitBytes = def.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    app.on(method, path, bodyLimit(limitBytes, { streamed: def.consumes !== undefined }), async (c) => {
      const params = def.params ? parseOr(404, def.params, c.req.param(), 'path') : {};
      const query = def.query ? parseOr(400, def.query, c.req.query(), 'query') : {};
      if (def.consumes) {
        const type = c.req.header('content-type') ?? '';
        if (!type.startsWith(def.consumes) && !type.startsWith('application/octet-stream')) throw new ApiError(415, 'wrong-type', `send the file as ${def.consumes}`);
      }
      const body = def.body ? parseOr(400, def.body, await readJsonBody(c), 'body') : undefined;
      const out = await handler({ params, query, body, c, who: c.get('user')?.id ?? 'unknown' } as HandlerInput<EndpointKey>);
      if (out instanceof Response) return out;
      if (def.status === 204) return c.body(null, 204);
      return c.json(out as object, def.status ?? 200);
    });
  }
}
