/**
 * When the rollout stops itself, and what `onFailure: rollback` does then. A failed canary always halts (the canary
 * must all succeed); otherwise the failure budget (count or percentage of the rollout's databases) is what may fail,
 * and one more halts. Halting creates nothing new; what is in flight finishes. With rollback, once nothing forward is
 * in flight, every database the rollout changed gets its previous configuration back through its own ops request.
 */
import { findOps } from './observe-target.ts';
import type { ClusterIndex } from './observe-target.ts';
import { rollbackOps, rollbackOpsName } from './ops-requests.ts';
import { admit, limitsOf } from './schedule.ts';
import { failureBudgetCount, type FleetRolloutSpec } from './spec.ts';
import type { OpsRequestToCreate, RolloutRef, RolloutTarget } from './types.ts';

export function haltVerdict(spec: FleetRolloutSpec, targets: RolloutTarget[]): string | undefined {
  const failed = targets.filter((t) => t.state === 'Failed');
  const canary = failed.find((t) => t.canary);
  if (canary !== undefined) {
    return `canary ${describe(canary)} failed (${canary.reason ?? 'Failed'}): ${canary.message ?? ''}`.trim();
  }
  const budget = failureBudgetCount(spec.strategy.failureBudget.maxFailures, targets.length);
  if (failed.length > budget) {
    return `failure budget spent: ${failed.length} failed, ${budget} allowed (last: ${describe(failed.at(-1))} ${
      failed.at(-1)?.reason ?? ''
    })`;
  }
  return undefined;
}

const describe = (t: RolloutTarget | undefined): string =>
  t === undefined ? '' : t.namespace === '*' ? `cluster ${t.cluster}` : `${t.cluster}/${t.namespace}/${t.name}`;

/** Changed by this rollout: succeeded, or succeeded and then caught unhealthy by the soak. */
const wasChanged = (t: RolloutTarget): boolean =>
  t.state === 'Succeeded' || (t.state === 'Failed' && t.reason === 'SoakUnhealthy');

interface RollbackPlan {
  targets: RolloutTarget[];
  create: OpsRequestToCreate[];
  /** undefined while forward changes are still in flight or rollbacks run; then whether all of them succeeded. */
  done: { allSucceeded: boolean; failed: number } | undefined;
}

export function planRollback(
  spec: FleetRolloutSpec,
  ref: RolloutRef,
  input: RolloutTarget[],
  clusters: ClusterIndex,
): RollbackPlan {
  if (input.some((t) => t.state === 'Progressing')) return { targets: input, create: [], done: undefined };
  const targets = input.map((t) =>
    wasChanged(t) && t.rollback === undefined
      ? { ...t, rollback: { opsRequest: rollbackOpsName(ref, t), state: 'Pending' as const } }
      : t,
  );
  const create: OpsRequestToCreate[] = [];
  // Decided but never landed (killed between the status write and the create): created again, same name.
  for (const t of targets) {
    if (t.rollback?.state !== 'Progressing' || !reachable(clusters, t)) continue;
    if (findOps(clusters.get(t.cluster), t.namespace, t.rollback.opsRequest) === undefined)
      create.push(rollbackOps(spec, t, t.rollback.opsRequest));
  }
  const waiting = targets.flatMap((t, i) => (t.rollback?.state === 'Pending' && reachable(clusters, t) ? [i] : []));
  for (const i of admit(targets, waiting, limitsOf(spec))) {
    const t = targets[i];
    if (t?.rollback === undefined) continue;
    targets[i] = { ...t, rollback: { ...t.rollback, state: 'Progressing' } };
    create.push(rollbackOps(spec, t, t.rollback.opsRequest));
  }
  const rollbacks = targets.flatMap((t) => (t.rollback !== undefined ? [t.rollback] : []));
  const finished = rollbacks.every((r) => r.state === 'Succeeded' || r.state === 'Failed');
  const failed = rollbacks.filter((r) => r.state === 'Failed').length;
  return { targets, create, done: finished ? { allSucceeded: failed === 0, failed } : undefined };
}

const reachable = (clusters: ClusterIndex, t: RolloutTarget): boolean => clusters.get(t.cluster)?.reachable === true;
