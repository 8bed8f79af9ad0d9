/**
 * @module catalog
 * Loads the device catalogue (daemon/catalog/<family>/<model>.json), validating each file with
 * the shared schema. A bad file is reported with its path and field, never half-loaded.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelSchema, type ModelDef } from '@ews/shared';
import { DomainError } from '../util/errors';
import { compareText } from '../util/compare';

export type CatalogErrorCode = 'invalid-file' | 'duplicate-model' | 'unknown-model' | 'not-found';
export class CatalogError extends DomainError<CatalogErrorCode> {}

export interface Catalog {
  /** All models, sorted by family then model. */
  readonly models: readonly ModelDef[];
  get(family: string, model: string): ModelDef | undefined;
  /** Like get, but throws `unknown-model`. */
  require(family: string, model: string): ModelDef;
}

/** Finds daemon/catalog whether running from src/ (tsx) or from the dist/ bundle. */
export function defaultCatalogDir(): string {
  if (process.env.EWS_CATALOG_DIR) return process.env.EWS_CATALOG_DIR;
  for (const rel of ['../../catalog', '../catalog']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  }
  throw new CatalogError('not-found', 'device catalogue folder not found (set EWS_CATALOG_DIR)');
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJson(p));
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.schema.json')) out.push(p);
  }
  return out.sort();
}

export function createCatalog(models: ModelDef[]): Catalog {
  const byKey = new Map<string, ModelDef>();
  for (const m of models) {
    const key = `${m.family}/${m.model}`;
    if (byKey.has(key)) throw new CatalogError('duplicate-model', `model ${key} is defined twice`);
    byKey.set(key, m);
  }
  const sorted = [...byKey.values()].sort((a, b) => compareText(a.family, b.family) || compareText(a.model, b.model));
  return {
    models: sorted,
    get: (family, model) => byKey.get(`${family}/${model}`),
    require: (family, model) => {
      const m = byKey.get(`${family}/${model}`);
      if (!m) throw new CatalogError('unknown-model', `unknown model ${family}/${model}`);
      return m;
    },
  };
}

export function loadCatalog(dir = defaultCatalogDir()): Catalog {
  const models: ModelDef[] = [];
  for (const file of listJson(dir)) {
    const rel = relative(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CatalogError('invalid-file', `${rel}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    const parsed = modelSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new CatalogError('invalid-file', `${rel}: ${issues}`);
    }
    const expectedDir = parsed.data.family;
    if (!rel.startsWith(expectedDir + '/') && !rel.startsWith(expectedDir + '\\')) {
      throw new CatalogError('invalid-file', `${rel}: family ${expectedDir} must live in folder ${expectedDir}/`);
    }
    models.push(parsed.data);
  }
  return createCatalog(models);
}
