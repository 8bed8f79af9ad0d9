/**
 * @module api/openapi
 * BEY-3: the OpenAPI 3.1 document of the API, generated from the shared contract (the same zod
 * schemas the routes validate with): every route with its right, parameters, body and answers.
 */
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES, apiErrorSchema, endpoints, splitEndpoint, type EndpointDef, type Right } from '@ews/shared';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

const rightText = (right: Right): string =>
  right === 'public' ? 'public (no session)'
  : right === 'authenticated' ? 'any logged-in user'
  : right === 'users' ? 'administrator or greenUp (Users page)'
  : typeof right === 'string' ? `the "${right}" page right` : `one of the page rights ${right.map((r) => `"${r}"`).join(', ')}`;

const tagOf = (path: string) => path.split('/')[2]?.replace(/\.(json|csv)$/, '') ?? 'api';

function operation(key: string, def: EndpointDef) {
  const { method, path } = splitEndpoint(key);
  const parameters: JsonSchema[] = [];
  for (const [name, schema] of Object.entries(def.params?.shape ?? {})) {
    parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema as z.ZodType, 'input') });
  }
  for (const [name, schema] of Object.entries(def.query?.shape ?? {})) {
    const s = schema as z.ZodType;
    parameters.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema: jsonSchema(s, 'input') });
  }
  const status = String(def.status ?? 200);
  const success = def.status === 204
    ? { description: 'done (no content)' }
    : def.produces
      ? { description: `a file (${def.produces})`, content: { [def.produces]: { schema: { type: 'string', ...(def.produces === 'text/csv' ? {} : { format: 'binary' }) } } } }
      : { description: 'success', content: { 'application/json': { schema: jsonSchema(def.response, 'output') } } };
  const errorResponse = { description: 'error: `{error, code, fields?}` (400 invalid input with field messages, 401 no session, 403 no right, 404 not found, 409 conflict, 413 body too large)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    path: path.replace(/:([A-Za-z]+)/g, '{$1}'),
    method: method.toLowerCase(),
    op: {
      operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
      summary: def.summary,
      description: `Right: ${rightText(def.right)}.${'description' in def && def.description ? `\n\n${def.description}` : ''}`,
      tags: [tagOf(path)],
      'x-ews-right': def.right,
      ...(def.right === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(def.body ? {
        requestBody: {
          required: true,
          description: `JSON, at most ${def.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes`,
          content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
        },
      } : {}),
      ...(def.consumes ? {
        requestBody: {
          required: true,
          description: `the raw file (${def.consumes}), at most ${def.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes, streamed to the data partition`,
          content: { [def.consumes]: { schema: { type: 'string', contentMediaType: def.consumes } } },
        },
      } : {}),
      responses: { [status]: success, default: errorResponse },
    },
  };
}

/** The whole document (built once per process: the contract does not change at run time). */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, def] of Object.entries(endpoints) as Array<[string, EndpointDef]>) {
    const { path, method, op } = operation(key, def);
    (paths[path] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'EWS — open Energy Web Server API',
      version,
      description: 'JSON API of the EWS box. Log in with POST /api/session (cookies); wall tablets use a read-only kiosk token (Authorization: Bearer). State-changing requests send Content-Type: application/json and, from browsers, the server\'s own Origin.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { kiosk: [] }],
    paths,
    components: {
      schemas: { Error: jsonSchema(apiErrorSchema.extend({ limitBytes: z.number().optional(), retryAfterS: z.number().optional(), needPuk: z.boolean().optional() }), 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'ews_session', description: 'set by POST /api/session' },
        kiosk: { type: 'http', scheme: 'bearer', description: 'read-only kiosk token (GET on Consumptions only)' },
      },
    },
  };
}
