/**
 * The OpenAPI v3 documents, per group version:
 * - one PATCH operation per kind declaring the `fieldValidation` query parameter (matched by
 *   x-kubernetes-group-version-kind): kubectl (1.27+) reads it to decide that the server validates fields itself and
 *   skips client-side validation. No PATCH request bodies are declared, so `kubectl apply` computes strategic merge
 *   patches from its built-in types and JSON merge patches for custom resources (as for CRDs on a real server, whose
 *   PATCH bodies never list the strategic merge type);
 * - for every CRD version, its structural schema under `components.schemas["<reversed group>.<version>.<Kind>"]`
 *   as apiextensions-apiserver's OpenAPI builder publishes it: x-kubernetes-group-version-kind, the standard
 *   apiVersion/kind descriptions, and metadata as a reference to ObjectMeta. That is what `kubectl explain` (which
 *   reads OpenAPI v3 since 1.27, without falling back to v2 when v3 is served) renders. /openapi/v2 is 404.
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry.ts';
import type { ResourceType } from './types.ts';

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
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    if (!t.openAPIV3Schema) continue;
    schemas[definitionName(t)] = kindSchema(t, t.openAPIV3Schema);
    schemas[OBJECT_META] ??= OBJECT_META_SCHEMA;
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const API_CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

/** Only the type's own description: the local server publishes no schemas of built-in types. */
const OBJECT_META_SCHEMA = {
  description:
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  type: 'object',
};

/** The standard type-meta descriptions the CRD OpenAPI builder sets (k8s.io/apimachinery ObjectMeta/TypeMeta docs). */
const TYPE_META = {
  apiVersion: {
    description: `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${API_CONVENTIONS}#resources`,
    type: 'string',
  },
  kind: {
    description: `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${API_CONVENTIONS}#types-kinds`,
    type: 'string',
  },
  metadata: {
    description: `Standard object's metadata. More info: ${API_CONVENTIONS}#metadata`,
    allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }],
    default: {},
  },
};

/** `kubedb.com`, v1, Redis → `com.kubedb.v1.Redis` (the definition names of CRD schemas). */
function definitionName(t: ResourceType): string {
  return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
}

function kindSchema(t: ResourceType, schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    type: 'object',
    properties: { ...properties, ...TYPE_META },
    'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.kind, version: t.version }],
  };
}
