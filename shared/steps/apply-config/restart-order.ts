/**
 * Which pods to restart, in which order. Standalone: its single pod. (Cluster and Sentinel order by observed role —
 * replicas first, primaries after a failover — and come with the topology work.)
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { StepDeps } from '../ports.ts';

export async function restartOrder(redis: Redis, deps: StepDeps): Promise<string[]> {
  const ns = redis.metadata.namespace ?? '';
  const pods = await deps.kube.listDatabasePods(ns, redis.metadata.name);
  if (pods.length === 0) {
    throw new OpsRequestFailedError('NoPodsFound', `no pods found for Redis ${ns}/${redis.metadata.name}; nothing can be restarted`);
  }
  return pods.map((p) => p.name).sort(byOrdinal);
}

const ordinal = (name: string): number => Number(/-(\d+)$/.exec(name)?.[1] ?? Number.NaN);

const byOrdinal = (a: string, b: string): number => ordinal(a) - ordinal(b) || a.localeCompare(b);
