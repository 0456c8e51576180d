/**
 * What a live ops request waits for, and how the forwarder tells that it changed (pure; docs/adr/0013-wake-ups.md).
 *
 * The step that waits is the one `dueStep` names, read from the ops request's own status and annotations, as every
 * handler reads it: restart-pod (evicting at a gate, checking a restarted pod, checking a rollback) waits for the
 * database's pods; halt, once it recorded `WaitingForOtherOpsRequest`, for the Redis (apply: IfReady, the Paused
 * condition of another run) and for another ops request of the database to finish. A change is summed up as a
 * "cause" string: one wake-up per cause and ops request, so a replayed or unrelated update sends nothing.
 */
import { DbCondition, evictPodCondition, OpsCondition } from '../../shared/kubedb/constants.ts';
import { findCondition, isConditionTrue } from '../../shared/kubedb/conditions.ts';
import { evictedAnnotation } from '../../shared/steps/annotations.ts';
import type { Startable } from '../../shared/steps/dispatch.ts';
import { dueStep } from '../../shared/steps/progress.ts';
import type { KubeObject } from '../../shared/adapters/kube/list-watch-source.ts';
import type { WatchedOpsRequest } from './announce-policy.ts';

/** The pod labels of a Redis (KubeDB's offshoot selectors): the pods watch selects on the first two. */
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const REDIS_PODS_SELECTOR = `${MANAGED_BY_LABEL}=kubedb.com,${NAME_LABEL}=redises.kubedb.com`;

export type Awaited =
  | { on: 'pods'; due: Startable; pod: string | undefined; evictedUid: string | undefined }
  | { on: 'database'; due: { step: 'halt' } };

/** What `o` waits for now, or undefined when it waits for nothing a wake-up reports. */
export function awaitedBy(o: WatchedOpsRequest): Awaited | undefined {
  let due;
  try {
    due = dueStep(o);
  } catch {
    return undefined; // an unreadable restart plan: recover reports it
  }
  const annotations = o.metadata.annotations;
  switch (due.step) {
    case 'restart-pod': {
      const evicted = isConditionTrue(o.status?.conditions, evictPodCondition(due.pod));
      const evictedUid = evicted ? annotations?.[evictedAnnotation(due.pod)] : undefined;
      return { on: 'pods', due: { step: 'restart-pod', pod: due.pod, phase: due.phase }, pod: due.pod, evictedUid };
    }
    case 'rolling-back':
      return { on: 'pods', due: { step: 'rolling-back', plan: due.plan }, pod: undefined, evictedUid: undefined };
    case 'halt':
      return isConditionTrue(o.status?.conditions, OpsCondition.WaitingForOtherOpsRequest)
        ? { on: 'database', due: { step: 'halt' } }
        : undefined;
    default:
      return undefined;
  }
}

/** The slice of a Pod the forwarder keeps (ListWatch transform): identity, owner database, readiness, deletion. */
export interface SlimPod extends KubeObject {
  metadata: {
    name?: string | undefined;
    namespace?: string | undefined;
    uid?: string | undefined;
    resourceVersion?: string | undefined;
    labels?: Record<string, string> | undefined;
    deletionTimestamp?: string | undefined;
  };
  ready: boolean;
}

interface PodLike {
  metadata?: SlimPod['metadata'] & { labels?: Record<string, string> | undefined };
  status?: { conditions?: Array<{ type?: string; status?: string }> | undefined } | undefined;
}

export function slimPod(object: KubeObject): SlimPod {
  const pod = object as PodLike;
  const m = pod.metadata ?? {};
  const instance = m.labels?.[INSTANCE_LABEL];
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      labels: instance === undefined ? {} : { [INSTANCE_LABEL]: instance },
      deletionTimestamp: m.deletionTimestamp,
    },
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
  };
}

/** A pod's state as far as a waiting step cares: which incarnation, Ready or not, being deleted, gone. */
export function podCause(name: string, pod: SlimPod | undefined): string {
  if (pod === undefined) return `pod ${name} gone`;
  const deleting = pod.metadata.deletionTimestamp !== undefined ? ' deleting' : '';
  return `pod ${name} ${pod.metadata.uid ?? ''}${pod.ready ? ' Ready' : ''}${deleting}`;
}

/**
 * Right when an ops request starts waiting for a pod: is that pod already back (a new incarnation, Ready)? A pod that
 * starts in no time can be Ready before the forwarder sees the ops request's EvictPod condition.
 */
export function alreadyBack(awaited: Awaited, pod: SlimPod | undefined): boolean {
  if (awaited.on !== 'pods' || awaited.evictedUid === undefined || pod === undefined) return false;
  return pod.ready && pod.metadata.deletionTimestamp === undefined && pod.metadata.uid !== awaited.evictedUid;
}

/** The slice of a Redis the forwarder keeps: phase and Paused condition, what halt's waits read. */
export interface SlimRedis extends KubeObject {
  phase: string | undefined;
  paused: string | undefined;
}

interface RedisLike {
  metadata?: KubeObject['metadata'];
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; message?: string }> } | undefined;
}

export function slimRedis(object: KubeObject): SlimRedis {
  const r = object as RedisLike;
  const m = r.metadata ?? {};
  const paused = findCondition(
    r.status?.conditions as Parameters<typeof findCondition>[0] | undefined,
    DbCondition.Paused,
  );
  return {
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    phase: r.status?.phase,
    paused: paused === undefined ? undefined : `${paused.status} ${paused.message ?? ''}`,
  };
}

export const redisCause = (r: SlimRedis | undefined): string =>
  r === undefined ? 'redis gone' : `redis ${r.phase ?? ''} paused:${r.paused ?? 'no'}`;
