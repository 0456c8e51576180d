/**
 * The parts of KubeDB's objects this project reads and writes (shapes from KubeDB's CRDs, infra/crds/). Objects read
 * from the API are validated at the edge with the schemas in ./schemas.ts; these types describe what is trusted after.
 */
import type { RedisAclSpec } from '../acl/plan.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  severity?: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface RedisOpsRequest {
  apiVersion: 'ops.kubedb.com/v1alpha1';
  kind: 'RedisOpsRequest';
  metadata: ObjectMeta;
  spec: {
    type: string;
    databaseRef: { name: string };
    configuration?: {
      configSecret?: { name: string };
      applyConfig?: Record<string, string>;
      removeCustomConfig?: boolean;
      restart?: 'auto' | 'true' | 'false';
      /** ACL reconfiguration (RedisAclSpec, ADR 0012): rules to add/replace, users to delete, the `${key}` secret. */
      auth?: { secretRef?: { name?: string }; syncACL?: string[]; deleteUsers?: string[] } | null;
    };
    timeout?: string;
    apply?: 'IfReady' | 'Always';
    maxRetries?: number;
  };
  status?: {
    phase?: string;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

export interface Redis {
  apiVersion: 'kubedb.com/v1';
  kind: 'Redis';
  metadata: ObjectMeta;
  spec: {
    version: string;
    mode?: 'Standalone' | 'Cluster' | 'Sentinel';
    replicas?: number;
    cluster?: { shards?: number; replicas?: number };
    sentinelRef?: { name: string; namespace?: string };
    authSecret?: { name: string; externallyManaged?: boolean };
    /** No requirepass, no auth secret (KubeDB Redis spec.disableAuth). */
    disableAuth?: boolean;
    configSecret?: { name: string };
    configuration?: { secretName?: string; inline?: Record<string, string>; acl?: RedisAclSpec | null };
    /** Deprecated place of configuration.acl (KubeDB's ACL reconfigure example still uses it). */
    acl?: RedisAclSpec | null;
    halted?: boolean;
    deletionPolicy?: string;
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}
