/**
 * The object stored while a deletion waits (a pod bound to a node until its kubelet deletes it, finalizers, a
 * namespace until it is empty): deletionTimestamp and deletionGracePeriodSeconds set, a repeated delete only shortening it.
 */
import { rfc3339 } from './object-rules.ts';
import type { KubeObject, ResourceType } from './types.ts';

export function isBuiltinKind(t: ResourceType, kind: string): boolean {
  return t.kind === kind && !t.isCustom;
}

/** Seconds a pod bound to a node gets to stop (the request's, else the pod's, else 30); 0 for anything else. */
export function deletionGrace(t: ResourceType, existing: KubeObject, requested: number | undefined): number {
  const spec = (existing.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  if (!isBuiltinKind(t, 'Pod') || !spec.nodeName) return 0;
  return requested ?? spec.terminationGracePeriodSeconds ?? 30;
}

function deletionTimestampAfter(grace: number): string {
  return rfc3339(new Date(Date.now() + grace * 1000));
}

/** A repeated delete may only shorten a pending grace period; grace 0 (the kubelet's) completes it (undefined = remove now). */
export function repeatedDeletion(existing: KubeObject, grace: number): KubeObject | undefined {
  const m = existing.metadata;
  if (grace < (m.deletionGracePeriodSeconds ?? 0)) {
    if (grace === 0 && (m.finalizers ?? []).length === 0) return undefined;
    return {
      ...existing,
      metadata: { ...m, deletionGracePeriodSeconds: grace, deletionTimestamp: deletionTimestampAfter(grace) },
    };
  }
  return existing;
}

/** The first delete of an object whose deletion must wait: a namespace turns Terminating, the generation is bumped. */
export function markedForDeletion(t: ResourceType, existing: KubeObject, grace: number): KubeObject {
  const next: KubeObject = structuredClone(existing);
  next.metadata.deletionTimestamp = deletionTimestampAfter(grace);
  next.metadata.deletionGracePeriodSeconds = grace;
  if (isBuiltinKind(t, 'Namespace')) next.status = { ...(next.status as object), phase: 'Terminating' };
  if (next.metadata.generation !== undefined) next.metadata.generation += 1; // the real server bumps it on graceful deletion
  return next;
}
