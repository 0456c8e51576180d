/**
 * Write a database object's status (Redis or RedisSentinel) from what is observed: phase and conditions per
 * status.ts, skipped when nothing changed. The resourceVersion in the merge patch is a precondition: if the
 * ops-manager wrote Paused since our read, this is a 409 and we re-read instead of dropping its condition
 * (conditions is replaced as a whole by a merge patch).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { KUBEDB_GROUP, KUBEDB_VERSION } from '../../../../shared/kubedb/constants.ts';
import type { Condition, ObjectMeta } from '../../../../shared/kubedb/types.ts';
import { mergePatch, type KubeApis } from '../runtime/kube.ts';
import { nowRfc3339, sameJson } from '../runtime/stable-json.ts';
import { desiredStatus, type Observed } from './status.ts';

interface DatabaseObject {
  metadata: ObjectMeta;
  status?: { phase?: string; observedGeneration?: number; conditions?: unknown[] };
}

const isReady = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export async function writeDatabaseStatus(
  apis: KubeApis,
  plural: string,
  obj: DatabaseObject,
  pods: V1Pod[],
  observed: Omit<Observed, 'generation' | 'readyPods'>,
): Promise<void> {
  const generation = obj.metadata.generation ?? 0;
  const existing = (obj.status?.conditions ?? []) as Condition[];
  const next = desiredStatus(
    existing,
    { ...observed, generation, readyPods: pods.filter(isReady).length },
    nowRfc3339(),
  );
  const current = {
    phase: obj.status?.phase,
    observedGeneration: obj.status?.observedGeneration,
    conditions: existing,
  };
  const desired = { phase: next.phase, observedGeneration: generation, conditions: next.conditions };
  if (sameJson(current, desired)) return;
  const body = { metadata: { resourceVersion: obj.metadata.resourceVersion }, status: desired };
  await apis.custom.patchNamespacedCustomObjectStatus(
    {
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: obj.metadata.namespace ?? 'default',
      plural,
      name: obj.metadata.name,
      body,
    },
    mergePatch,
  );
}
