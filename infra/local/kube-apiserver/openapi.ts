/**
 * A minimal OpenAPI v3 surface. kubectl (1.27+) reads it to decide whether the server validates fields itself
 * (a PATCH operation per kind declaring the `fieldValidation` query parameter, matched by
 * x-kubernetes-group-version-kind); when it does, kubectl skips downloading schemas for client-side validation.
 * No PATCH request bodies are declared, so `kubectl apply` computes strategic merge patches from its built-in types
 * and JSON merge patches for custom resources, exactly as against a server without schemas. /openapi/v2 is 404.
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Root(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groupVersions()) {
    for (const version of versions) {
      const p = gvPath(group, version);
      const hash = createHash('sha256')
        .update(JSON.stringify(openApiV3GroupVersion(registry, group, version)))
        .digest('hex')
        .slice(0, 32);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

const QUERY = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

export function openApiV3GroupVersion(registry: Registry, group: string, version: string): unknown {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: [
          QUERY('dryRun'),
          QUERY('fieldManager'),
          QUERY('fieldValidation'),
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
