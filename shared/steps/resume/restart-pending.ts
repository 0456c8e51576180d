/**
 * The Redis's RestartPending condition (restart "false" left restart-only directives persisted but not in effect,
 * docs/adr/0011-live-apply.md) is cleared by the first later ops request that restarts every pod and ends
 * Successful: those pods started from the persisted config, so nothing is pending any more. Pure; resume writes it
 * together with the removal of Paused (one conditional write of the Redis's conditions).
 */
import { DbCondition } from '../../kubedb/constants.ts';
import { isConditionTrue, setCondition } from '../../kubedb/conditions.ts';
import type { Condition, RedisOpsRequest } from '../../kubedb/types.ts';
import type { RestartPlan } from '../annotations.ts';

const RESTART_PENDING_CLEARED_REASON = 'RestartedAllPods';

/** The conditions with RestartPending set False when this run rolled every pod and succeeded; else unchanged. */
export function clearRestartPending(
  conditions: readonly Condition[],
  ops: RedisOpsRequest,
  plan: RestartPlan | undefined,
  succeeded: boolean,
  now: Date,
): readonly Condition[] {
  if (!succeeded || plan?.restart !== true || plan.pods.length === 0) return conditions;
  if (!isConditionTrue(conditions, DbCondition.RestartPending)) return conditions;
  const by = `RedisOpsRequest ${ops.metadata.namespace ?? ''}/${ops.metadata.name}`;
  return setCondition(
    conditions,
    {
      type: DbCondition.RestartPending,
      status: 'False',
      reason: RESTART_PENDING_CLEARED_REASON,
      message: `every pod was restarted by ${by} (${plan.pods.join(', ')}): the persisted configuration is in effect`,
    },
    now,
  );
}
