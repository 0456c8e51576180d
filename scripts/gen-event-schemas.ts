/**
 * `npm run gen:schemas`: write the published JSON Schemas of every event type (shared/messages/json-schema.ts) to
 * docs/schemas/<type>.json, removing files of types that no longer exist. shared/messages/json-schema.test.ts fails
 * when the files and the code disagree.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas, schemaFileText } from '../shared/messages/json-schema.ts';

export const SCHEMAS_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'schemas');

export function writeEventSchemas(dir = SCHEMAS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const schemas = eventJsonSchemas();
  for (const file of readdirSync(dir)) if (file.endsWith('.json') && !(file in schemas)) rmSync(join(dir, file));
  for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(dir, file), schemaFileText(schema));
  return Object.keys(schemas);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of writeEventSchemas()) console.log(`docs/schemas/${file}`);
}
