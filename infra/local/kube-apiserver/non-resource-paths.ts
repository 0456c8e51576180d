/** The documents served outside resource paths: health checks, /version, legacy discovery and OpenAPI v3. */
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts';
import { openApiV3GroupVersion, openApiV3Root } from './openapi.ts';
import type { Registry } from './registry.ts';

/** A document, from the path segments that matched the `*`s of its pattern (in order); undefined = not found. */
type DocumentOf = (registry: Registry, params: string[]) => unknown;

const HEALTH_PATHS = ['healthz', 'readyz', 'livez'];

/** Path patterns, one `*` per variable segment; a path matches a pattern with as many segments. */
const DOCUMENTS: [pattern: string, document: DocumentOf][] = [
  ...HEALTH_PATHS.map((path): [string, DocumentOf] => [path, () => 'ok']),
  ['version', () => versionInfo()],
  ['api', () => apiVersions()],
  ['api/v1', (registry) => apiResourceList(registry, '', 'v1')],
  ['apis', (registry) => apiGroupList(registry)],
  ['apis/*', (registry, [group]) => apiGroup(registry, group!)],
  ['apis/*/*', (registry, [group, version]) => apiResourceList(registry, group!, version!)],
  ['openapi/v3', (registry) => openApiV3Root(registry)],
  ['openapi/v3/api/*', (registry, [version]) => openApiV3GroupVersion(registry, '', version!)],
  ['openapi/v3/apis/*/*', (registry, [group, version]) => openApiV3GroupVersion(registry, group!, version!)],
];

const ROUTES = DOCUMENTS.map(([pattern, document]) => ({ pattern: pattern.split('/'), document }));

/** The segments matched by the pattern's `*`s, or undefined when the path does not match it. */
function match(pattern: string[], segs: string[]): string[] | undefined {
  if (pattern.length !== segs.length) return undefined;
  const params: string[] = [];
  for (const [i, p] of pattern.entries()) {
    if (p === '*') params.push(segs[i]!);
    else if (p !== segs[i]) return undefined;
  }
  return params;
}

/** /healthz, /readyz and /livez answer without authentication. */
export function isHealthPath(segs: string[]): boolean {
  return segs.length === 1 && HEALTH_PATHS.includes(segs[0]!);
}

/** The document at a non-resource path (decoded segments), or undefined when there is none. */
export function nonResourceDocument(registry: Registry, segs: string[]): unknown {
  for (const { pattern, document } of ROUTES) {
    const params = match(pattern, segs);
    if (params) return document(registry, params);
  }
  return undefined;
}
