/**
 * The committed daemon/catalog/catalog.schema.json must be what scripts/catalog-schema.ts generates
 * from the zod schema, so editors never validate against a stale copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CATALOG_SCHEMA_PATH, catalogJsonSchema, renderCatalogSchema } from './catalog-schema';

test('the committed catalogue JSON Schema is up to date (run: node --import tsx scripts/catalog-schema.ts)', () => {
  assert.equal(readFileSync(CATALOG_SCHEMA_PATH, 'utf8'), renderCatalogSchema());
});

test('the JSON Schema describes the catalogue file (input form: defaults are optional)', () => {
  const schema = catalogJsonSchema() as { type: string; required: string[]; properties: Record<string, unknown> };
  assert.equal(schema.type, 'object');
  for (const k of ['family', 'model', 'registers', 'identity', 'positions', 'connection', 'simulation']) assert.ok(k in schema.properties, k);
  assert.ok(schema.required.includes('registers'));
  assert.ok(!schema.required.includes('vendor'), 'vendor has a default, so it is optional in a file');
});
