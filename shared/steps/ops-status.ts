/**
 * Read-modify-write of an ops request's status with client-go's RetryOnConflict pattern: re-read and re-apply the
 * mutation on a 409, a bounded number of times, then let the error reach SQS (the record is retried).
 */
import { ConflictError } from '../errors.ts';
import type { Condition, RedisOpsRequest } from '../kubedb/types.ts';
import { kubedbCondition, setCondition } from '../kubedb/conditions.ts';
import type { StepContext } from './context.ts';
import { MAX_CONFLICT_RETRIES } from './timing.ts';
import { publishTransitions } from './transitions.ts';

type OpsStatus = NonNullable<RedisOpsRequest['status']>;

/** Starts from `ctx.ops`; resolves with the ops request as written. */
export async function updateOpsStatus(
  ctx: StepContext,
  mutate: (status: OpsStatus, current: RedisOpsRequest) => OpsStatus | undefined,
): Promise<RedisOpsRequest> {
  const { kube } = ctx.deps;
  const ops = ctx.ops;
  let current = ops;
  for (let attempt = 0; ; attempt++) {
    const next = mutate(structuredClone(current.status ?? {}), current);
    if (next === undefined) return current;
    try {
      const written = await kube.writeOpsStatus(current, next);
      await publishTransitions(ctx, current, written);
      return written;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      const fresh = await kube.getOpsRequest(ctx.namespace, ops.metadata.name);
      if (fresh === undefined || fresh.metadata.uid !== ops.metadata.uid) throw err;
      current = fresh;
    }
  }
}

/** Add KubeDB-style conditions (type == reason) to the status; unchanged conditions keep their transition time. */
export function withConditions(
  status: OpsStatus,
  conditions: Array<{ type: string; message: string; status?: Condition['status']; reason?: string }>,
  generation: number | undefined,
  now: Date,
): OpsStatus {
  let list = status.conditions;
  for (const c of conditions) {
    const base = kubedbCondition(c.type, c.message, generation, c.status ?? 'True');
    list = setCondition(list, { ...base, reason: c.reason ?? base.reason }, now);
  }
  return { ...status, conditions: list };
}
