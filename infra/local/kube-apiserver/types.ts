/** Shapes shared by the local API server's modules. Objects are plain JSON, treated as immutable once stored. */

interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [k: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface ValidationCause {
  field: string;
  message: string;
  reason: string;
}

/** One served REST resource (several versions of one CRD share a `storageKey`). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** e.g. ['status', 'eviction'] */
  subresources: string[];
  storageKey: string;
  /** Main writes ignore .status and /status writes ignore everything else (Kubernetes status subresource contract). */
  statusSubresource: boolean;
  isCustom: boolean;
  printerColumns?: PrinterColumn[];
  /** The CRD version's structural schema (with its descriptions), published in OpenAPI v3 for `kubectl explain`. */
  openAPIV3Schema?: Record<string, unknown>;
  /** Prunes unknown fields, applies structural defaults (mutating) and returns schema violations. */
  admit?: (obj: KubeObject) => ValidationCause[];
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function groupResource(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
