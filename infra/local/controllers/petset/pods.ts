/**
 * Pure helpers of the PetSet controller, following StatefulSet semantics (KubeDB's PetSet is a StatefulSet
 * replacement): stable pod names `<petset>-<ordinal>`, hostname/subdomain for the governing service, one
 * persistentVolumeClaim volume per volumeClaimTemplate named `<claim>-<pod>`, and a revision label that says
 * which template a pod was built from (with updateStrategy OnDelete, pods move to a new template only when
 * recreated).
 */
import { createHash } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { stableStringify } from '../runtime/stable-json.ts';

const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const REVISION_LABEL = 'controller-revision-hash';

export interface PetSet {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; uid?: string; generation?: number; resourceVersion?: string };
  spec: {
    replicas?: number;
    serviceName: string;
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Record<string, unknown>;
    };
    volumeClaimTemplates?: { metadata?: { name?: string } }[];
    [k: string]: unknown;
  };
  status?: Record<string, unknown>;
}

const revisionOf = (ps: PetSet): string =>
  `${ps.metadata.name}-${createHash('sha256').update(stableStringify(ps.spec.template)).digest('hex').slice(0, 10)}`;

const podName = (ps: PetSet, ordinal: number): string => `${ps.metadata.name}-${ordinal}`;

function ordinalOf(ps: PetSet, pod: V1Pod): number | undefined {
  const name = pod.metadata?.name ?? '';
  const prefix = `${ps.metadata.name}-`;
  if (!name.startsWith(prefix)) return undefined;
  const n = Number(name.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function isOwnedBy(pod: V1Pod, ps: PetSet): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(
    (o) => o.kind === 'PetSet' && o.controller && o.uid === ps.metadata.uid,
  );
}

const isPodReady = (pod: V1Pod): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export function buildPod(ps: PetSet, ordinal: number): Record<string, unknown> {
  const name = podName(ps, ordinal);
  const template = ps.spec.template;
  const spec = structuredClone(template.spec ?? {}) as { volumes?: unknown[]; [k: string]: unknown };
  const claims = (ps.spec.volumeClaimTemplates ?? []).map((c) => ({
    name: c.metadata?.name ?? 'data',
    persistentVolumeClaim: { claimName: `${c.metadata?.name ?? 'data'}-${name}` },
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ps.metadata.namespace,
      labels: {
        ...template.metadata?.labels,
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [REVISION_LABEL]: revisionOf(ps),
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [
        {
          apiVersion: ps.apiVersion ?? 'apps.k8s.appscode.com/v1',
          kind: 'PetSet',
          name: ps.metadata.name,
          uid: ps.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...spec, hostname: name, subdomain: ps.spec.serviceName, volumes: [...(spec.volumes ?? []), ...claims] },
  };
}

type PetSetAction = { create: number } | { delete: V1Pod } | undefined;

/**
 * OrderedReady: create the lowest missing ordinal only when every lower one is Ready (and none is terminating);
 * once 0..replicas-1 are all Ready, remove surplus pods from the highest ordinal down, one at a time.
 * A terminating pod (deletionTimestamp) still occupies its name: its replacement is created once it is gone.
 */
export function nextAction(ps: PetSet, pods: V1Pod[]): PetSetAction {
  const replicas = ps.spec.replicas ?? 1;
  const byOrdinal = new Map<number, V1Pod>();
  for (const pod of pods) {
    const ordinal = ordinalOf(ps, pod);
    if (ordinal !== undefined) byOrdinal.set(ordinal, pod);
  }
  for (let i = 0; i < replicas; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) return { create: i };
    if (pod.metadata?.deletionTimestamp || !isPodReady(pod)) return undefined;
  }
  const surplus = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
  const highest = surplus[0] !== undefined ? byOrdinal.get(surplus[0]) : undefined;
  if (highest && !highest.metadata?.deletionTimestamp) return { delete: highest };
  return undefined;
}

export function petSetStatus(ps: PetSet, pods: V1Pod[]): Record<string, unknown> {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const revision = revisionOf(ps);
  const updated = live.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === revision).length;
  const ready = live.filter(isPodReady).length;
  return {
    observedGeneration: ps.metadata.generation ?? 0,
    replicas: live.length,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: live.length,
    updatedReplicas: updated,
    currentRevision: revision,
    updateRevision: revision,
  };
}
