/**
 * @module catalog-schema
 * Writes daemon/catalog/catalog.schema.json (the JSON Schema editors use to check catalogue
 * files, referenced by their `$schema`) from the zod `modelSchema` in shared. The zod schema stays
 * the single source of truth: cross-field rules in its `superRefine` (duplicate keys, `{n}` in
 * repeated keys, `positions` for pulse counters) are checked at load, not by the JSON Schema.
 *
 *   node --import tsx scripts/catalog-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { modelSchema } from '@ews/shared';

/** Where the generated schema lives (next to the catalogue files that reference it). */
export const CATALOG_SCHEMA_PATH = fileURLToPath(new URL('../daemon/catalog/catalog.schema.json', import.meta.url));

/** The JSON Schema of one catalogue file, as an object. Pure: same input, same output. */
export function catalogJsonSchema(): Record<string, unknown> {
  // `io: 'input'`: fields with defaults are optional in the file, as the loader accepts them.
  const generated = z.toJSONSchema(modelSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'EWS device catalogue model',
    description: 'One device model: daemon/catalog/<family>/<model>.json. Generated from shared/src/catalog.ts by scripts/catalog-schema.ts; do not edit.',
    ...rest,
  };
}

/** The file's exact text (2-space indent, trailing newline). */
export function renderCatalogSchema(): string {
  return JSON.stringify(catalogJsonSchema(), null, 2) + '\n';
}

export function writeCatalogSchema(path = CATALOG_SCHEMA_PATH): string {
  writeFileSync(path, renderCatalogSchema());
  return path;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const path = writeCatalogSchema();
  console.log(`wrote ${path}`);
}
