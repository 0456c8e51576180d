/** The core and built-in API resources this server serves (a subset of a real cluster's, enough for the stack). */
import { RBAC_GROUP, validateRbacObject } from './rbac-rules.ts';
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
  admit?: ResourceType['admit'];
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
    ...(s.admit ? { admit: s.admit } : {}),
  };
}

export const BUILTIN_TYPES: ResourceType[] = [
  builtin({
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    statusSubresource: true,
  }),
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
  builtin({
    kind: 'Service',
    plural: 'services',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    statusSubresource: true,
  }),
  builtin({ kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  // serviceaccounts/token is the TokenRequest subresource (service-account-tokens.ts).
  builtin({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], subresources: ['token'] }),
  builtin({ group: 'events.k8s.io', kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  builtin({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' }),
  ...(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const).map((kind) =>
    builtin({
      group: RBAC_GROUP,
      kind,
      plural: `${kind.toLowerCase()}s`,
      namespaced: !kind.startsWith('Cluster'),
      admit: (obj) => validateRbacObject(kind, obj),
    }),
  ),
];
