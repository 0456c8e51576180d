/** DeleteOptions as the registry uses them, their preconditions, and the DisruptionTarget condition of evictions. */
import { ApiError } from './errors.ts';
import { nowIso } from './object-rules.ts';
import type { KubeObject, ResourceType } from './types.ts';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  /** Deprecated, but still decides the status code of a pending deletion (see resource-handlers.ts). */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/**
 * A meta/v1 DeleteOptions object (a DELETE body or an Eviction's `deleteOptions`) as the registry uses it: `dryRun`
 * is the list `["All"]` on the wire.
 */
export function deleteOptionsOf(body: unknown): DeleteOptions {
  if (!body || typeof body !== 'object') return {};
  const { dryRun, ...rest } = body as Omit<DeleteOptions, 'dryRun'> & { dryRun?: unknown };
  return { ...rest, ...(Array.isArray(dryRun) && dryRun.includes('All') ? { dryRun: true } : {}) };
}

/** DeleteOptions.preconditions: a uid or resourceVersion other than the stored one is a 409. */
export function checkPreconditions(
  t: ResourceType,
  name: string,
  existing: KubeObject,
  pre: DeleteOptions['preconditions'],
): void {
  if (pre?.uid && pre.uid !== existing.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      { name, kind: t.plural },
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      { name, kind: t.plural },
    );
  }
}

/** podutil.UpdatePodCondition: replaces a DisruptionTarget condition (new transition time only on a status change). */
export function withDisruptionTarget(pod: KubeObject): KubeObject {
  const status = (pod.status ?? {}) as { conditions?: Record<string, unknown>[] };
  const conditions = status.conditions ?? [];
  const existing = conditions.find((c) => c.type === 'DisruptionTarget');
  const condition = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: existing?.status === 'True' ? existing.lastTransitionTime : nowIso(),
    reason: 'EvictionByEvictionAPI',
    message: 'Eviction API: evicting',
  };
  const next = existing ? conditions.map((c) => (c === existing ? condition : c)) : [...conditions, condition];
  return { ...pod, status: { ...status, conditions: next } };
}
