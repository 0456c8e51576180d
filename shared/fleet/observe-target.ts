/**
 * A target's state from what the clusters show now, on top of what the status recorded: terminal states are sticky
 * (an ops request deleted after it succeeded does not run again), everything else follows the member cluster.
 */
import type { ObservedCluster, ObservedDatabase, ObservedOpsRequest, RolloutTarget } from './types.ts';

export type ClusterIndex = Map<string, ObservedCluster>;

export const indexClusters = (clusters: ObservedCluster[]): ClusterIndex => new Map(clusters.map((c) => [c.id, c]));

const FAILED_PHASES = new Set(['Failed', 'Skipped']);

export function findOps(cluster: ObservedCluster | undefined, namespace: string, name: string) {
  if (cluster?.reachable !== true) return undefined;
  return cluster.opsRequests.find((o) => o.namespace === namespace && o.name === name);
}

export function findDatabase(
  cluster: ObservedCluster | undefined,
  target: Pick<RolloutTarget, 'namespace' | 'name'>,
): ObservedDatabase | undefined {
  if (cluster?.reachable !== true) return undefined;
  return cluster.databases.find((d) => d.namespace === target.namespace && d.name === target.name);
}

type Outcome = { state: 'Succeeded' | 'Failed' | 'Progressing'; reason?: string; message?: string };

function outcomeOf(ops: ObservedOpsRequest): Outcome {
  if (ops.phase === 'Successful') return { state: 'Succeeded' };
  if (FAILED_PHASES.has(ops.phase)) {
    return {
      state: 'Failed',
      reason: ops.reason ?? `OpsRequest${ops.phase}`,
      message: ops.message ?? `ops request ${ops.namespace}/${ops.name} ended ${ops.phase}`,
    };
  }
  return { state: 'Progressing' };
}

/** The forward change's state. A Pending target stays Pending here: whether it may start is the wave's business. */
export function refreshTarget(target: RolloutTarget, clusters: ClusterIndex): RolloutTarget {
  if (target.state === 'Succeeded' || target.state === 'Failed') return target;
  const ops = findOps(clusters.get(target.cluster), target.namespace, target.opsRequest);
  // Progressing without an ops request: the create was decided but never landed (killed between the status write and
  // the create): it stays Progressing and is created again (idempotent by name).
  if (ops === undefined) return target;
  const outcome = outcomeOf(ops);
  return { ...withoutReason(target), ...outcome };
}

export function refreshRollback(target: RolloutTarget, clusters: ClusterIndex): RolloutTarget {
  const rb = target.rollback;
  if (rb === undefined || rb.state === 'Succeeded' || rb.state === 'Failed') return target;
  const ops = findOps(clusters.get(target.cluster), target.namespace, rb.opsRequest);
  if (ops === undefined) return target;
  const { state, reason, message } = outcomeOf(ops);
  return {
    ...target,
    rollback: {
      opsRequest: rb.opsRequest,
      state,
      ...(reason !== undefined ? { reason } : {}),
      ...(message !== undefined ? { message } : {}),
    },
  };
}

export function failTarget(target: RolloutTarget, reason: string, message: string): RolloutTarget {
  return { ...target, state: 'Failed', reason, message };
}

function withoutReason(target: RolloutTarget): RolloutTarget {
  const { reason: _r, message: _m, ...rest } = target;
  return rest;
}
