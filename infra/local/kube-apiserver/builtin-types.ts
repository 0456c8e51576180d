/** The core and built-in API resources this server serves (a subset of a real cluster's, enough for the stack). */
import type { ResourceType } from './types.ts';

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface BuiltinSpec {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  statusSubresource?: boolean;
}

function builtin(s: BuiltinSpec): ResourceType {
  const group = s.group ?? '';
  return {
    group,
    version: s.version ?? 'v1',
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: s.namespaced ?? true,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: CRUD,
    subresources: s.subresources ?? [],
    storageKey: `${group}/${s.plural}`,
    statusSubresource: s.statusSubresource ?? false,
    isCustom: false,
  };
}

export const BUILTIN_TYPES: ResourceType[] = [
  builtin({ kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status'], statusSubresource: true }),
  builtin({
    kind: 'Pod',
    plural: 'pods',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'eviction'],
    statusSubresource: true,
  }),
  builtin({ kind: 'Secret', plural: 'secrets' }),
  builtin({ kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] }),
  builtin({ kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], subresources: ['status'], statusSubresource: true }),
  builtin({ kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  builtin({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'] }),
  builtin({ group: 'events.k8s.io', kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  builtin({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' }),
];

/** Kinds whose objects live at /api/v1 (the legacy core group). */
export const CORE_GROUP = '';
