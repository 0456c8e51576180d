/**
 * Progress markers that do not fit in conditions live in annotations on the ops request (metadata, so writing them
 * does not touch `spec`, which KubeDB treats as immutable, nor bump `generation`).
 */
import * as z from 'zod';
import { boundedName } from '../kubernetes/names.ts';

export const ANNOTATION_PREFIX = 'redis-reconfigure.io';
/** The restart plan written by apply-config: which pods, in which order, and what CONFIG GET must show. */
export const PLAN_ANNOTATION = `${ANNOTATION_PREFIX}/plan`;
/** An annotation key's name part (after the prefix) is at most 63 characters; a pod name may be longer. */
const ANNOTATION_NAME_MAX = 63;
const perPodAnnotation = (marker: string, pod: string): string =>
  `${ANNOTATION_PREFIX}/${marker}.${boundedName(pod, '', ANNOTATION_NAME_MAX - marker.length - 1)}`;
/** `evicted.<pod>` = uid of the pod that was evicted: a redelivered evict never evicts its replacement. */
export const evictedAnnotation = (pod: string): string => perPodAnnotation('evicted', pod);
/** `failover-issued.<pod>` = when the last failover of that primary was sent (ISO time): re-sent only well after. */
export const failoverIssuedAnnotation = (pod: string): string => perPodAnnotation('failover-issued', pod);
/**
 * `sync-delay.<pod>` = the `repl-diskless-sync-delay` its primary had before that pod's restart, to put back once it
 * is verified (JSON: primary, its uid, value; restart-pod/sync-delay.ts).
 */
export const syncDelayAnnotation = (pod: string): string => perPodAnnotation('sync-delay', pod);
/** Set when a pod failed with the new config and the previous config was restored. */
export const ROLLBACK_ANNOTATION = `${ANNOTATION_PREFIX}/rolled-back`;
/** `failover` (default) or `kubedb`: restart primaries without a prior failover, as KubeDB does (for comparison). */
export const RESTART_STRATEGY_ANNOTATION = `${ANNOTATION_PREFIX}/restart-strategy`;
/** On the PetSet pod template: which effective config the pods should run (KubeDB's UpdatePetSets step). */
export const CONFIG_HASH_ANNOTATION = `${ANNOTATION_PREFIX}/config-hash`;

const restartPlanSchema = z
  .object({
    version: z.literal(1),
    restart: z.boolean(),
    restartReason: z.string(),
    pods: z.array(z.string()),
    expected: z.array(z.object({ parameter: z.string(), expected: z.string() }).strict()),
    /** What CONFIG GET must show again after a rollback (the previous values of the changed directives). */
    previous: z.array(z.object({ parameter: z.string(), expected: z.string() }).strict()),
    configHash: z.string(),
    /** How the change reached the pods (ADR 0011): absent in plans written before live apply existed = rolling. */
    path: z.enum(['live', 'rolling', 'live-with-pending', 'none']).optional(),
    /** restart: "false": restart-only directives persisted but not in effect until each pod's next restart. */
    pending: z.array(z.string()).optional(),
  })
  .strict();
export type RestartPlan = z.infer<typeof restartPlanSchema>;

export function readPlan(annotations: Record<string, string> | undefined): RestartPlan | undefined {
  const raw = annotations?.[PLAN_ANNOTATION];
  if (raw === undefined) return undefined;
  return restartPlanSchema.parse(JSON.parse(raw));
}
