/**
 * Which FleetRollout an ops request belongs to, read from what the rollout put on it (ops-object.ts): the
 * `rollout-ref` annotation (`<hub cluster>/<namespace>/<name>`) and the rollout-uid label. The step events of such an
 * ops request carry it (shared/messages/transition-event.ts), so the rollout queue's subscription selects them and the
 * rollout function knows whom to wake.
 */
import type { ObjectMeta } from '../kubedb/types.ts';
import { ROLLOUT_REF_ANNOTATION, ROLLOUT_UID_LABEL } from './labels.ts';

interface RolloutOfOpsRequest {
  /** `<hub cluster>/<namespace>/<name>` of the FleetRollout. */
  ref: string;
  uid: string;
}

interface ParsedRolloutRef {
  clusterId: string;
  namespace: string;
  name: string;
}

export const formatRolloutRef = (r: ParsedRolloutRef): string => `${r.clusterId}/${r.namespace}/${r.name}`;

/** Both the annotation and the label, or nothing: an ops request someone else made (or edited) wakes no rollout. */
export function rolloutOfOpsRequest(metadata: ObjectMeta): RolloutOfOpsRequest | undefined {
  const ref = metadata.annotations?.[ROLLOUT_REF_ANNOTATION];
  const uid = metadata.labels?.[ROLLOUT_UID_LABEL];
  if (ref === undefined || uid === undefined || uid === '' || parseRolloutRef(ref) === undefined) return undefined;
  return { ref, uid };
}

/** The optional `rollout` field of a step event's data: present only for an ops request a rollout made. */
export function rolloutFieldOf(metadata: ObjectMeta): { rollout?: RolloutOfOpsRequest } {
  const rollout = rolloutOfOpsRequest(metadata);
  return rollout === undefined ? {} : { rollout };
}

/** Three non-empty parts: a cluster id and a namespace have no "/", a FleetRollout's name (a DNS subdomain) neither. */
export function parseRolloutRef(ref: string): ParsedRolloutRef | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [clusterId, namespace, name] = parts as [string, string, string];
  return { clusterId, namespace, name };
}
