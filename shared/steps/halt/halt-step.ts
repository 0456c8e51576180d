/**
 * halt: validate, serialize per database, pause the Redis (status condition Paused=True — never spec.halted, which
 * deletes the workload), mark the ops request Progressing, hand over to apply-config.
 * The forwarder announces here every live ops request whose due step is halt (a stalled later step is the recover
 * step's: shared/steps/recover/).
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { DbCondition, OpsCondition, OpsEventReason, OpsMessage, OpsPhase } from '../../kubedb/constants.ts';
import { findCondition, setCondition } from '../../kubedb/conditions.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { checkAclRequestOf } from '../acl-request.ts';
import { loadStepContext, type StepContext } from '../context.ts';
import { messageFor } from '../dispatch.ts';
import { dueStep } from '../progress.ts';
import { HALT_WAIT_CAP_SECONDS, safetyNetDelaySeconds, stepTimeoutMs } from '../timing.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { decideHalt, isPausedBy, pausedBy } from './decide-halt.ts';
import { HALT_WAIT_ANNOTATION, joinsChain, waitMarker } from './wait-chain.ts';

export async function runHalt(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  if (ctx === undefined || dueStep(ctx.ops).step !== 'halt') return;
  const { ops, namespace } = ctx;
  const redis = await deps.kube.getRedis(namespace, ops.spec.databaseRef.name);
  const decision = decideHalt({ ops, redis, siblings: await deps.kube.listOpsRequests(namespace) });
  if (decision.kind === 'fail') throw new OpsRequestFailedError(decision.reason, decision.message);
  // An ACL request that can never succeed is refused now, before the database is paused (or waited for).
  await checkAclRequestOf(ops, redis as Redis, deps.kube);
  if (decision.kind === 'wait') return keepWaiting(ctx, decision);
  await pauseDatabase(ctx, redis as Redis);
  deps.log.info(`paused Redis ${namespace}/${ops.spec.databaseRef.name}`, { database: ops.spec.databaseRef.name });
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsEventReason.PauseDatabase,
    message: `Pausing Redis ${namespace}/${ops.spec.databaseRef.name}`,
  });
  const waited = findCondition(ops.status?.conditions, OpsCondition.WaitingForOtherOpsRequest) !== undefined;
  await updateOpsStatus(ctx, (status, current) =>
    withConditions(
      { ...status, phase: OpsPhase.Progressing },
      [
        // A request that waited says so no longer (the condition stays, False, as a record of the wait).
        ...(waited
          ? [
              {
                type: OpsCondition.WaitingForOtherOpsRequest,
                status: 'False' as const,
                message: 'its turn came and the database was ready',
              },
            ]
          : []),
        { type: OpsCondition.Reconfigure, message: OpsMessage.Reconfigure },
        { type: OpsCondition.DatabasePauseSucceeded, message: OpsMessage.DatabasePauseSucceeded },
      ],
      current.metadata.generation,
      deps.now(),
    ),
  );
  const next = messageFor({ step: 'apply-config' }, data);
  await deps.queue.send(next.step, next.data);
}

/**
 * Waiting (for IfReady or for another ops request) is bounded by spec.timeout when the user set one; without it we
 * wait as KubeDB does, since the default per-step timeout would fail requests queued behind a long run.
 */
function failIfWaitedPastTimeout(ctx: StepContext, why: string): void {
  const { ops } = ctx;
  if (ops.spec.timeout === undefined || ops.spec.timeout === '') return;
  const created = Date.parse(ops.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(created) || ctx.deps.now().getTime() - created <= stepTimeoutMs(ops)) return;
  throw new OpsRequestFailedError('Timeout', `waited longer than spec.timeout (${ops.spec.timeout}) to start: ${why}`);
}

/** Paused=True on the Redis, written with its resourceVersion: of two racing ops requests only one wins. */
async function pauseDatabase(ctx: StepContext, redis: Redis): Promise<void> {
  if (isPausedBy(redis, ctx.ops)) return;
  const conditions = setCondition(
    redis.status?.conditions,
    { type: DbCondition.Paused, status: 'True', reason: 'PausedByOpsRequest', message: pausedBy(ctx.ops) },
    ctx.deps.now(),
  );
  await ctx.deps.kube.writeRedisConditions(redis, conditions);
}

/** Record why it waits, and look again later — as the one waiting chain of this ops request (wait-chain.ts). */
async function keepWaiting(ctx: StepContext, decision: { reason: string; message: string }): Promise<void> {
  const { data, deps } = ctx;
  failIfWaitedPastTimeout(ctx, decision.message);
  if (!joinsChain(ctx.ops.metadata.annotations?.[HALT_WAIT_ANNOTATION], data.attempt, deps.now())) {
    deps.log.info("already waiting; this message is not the waiting chain's", {
      attempt: data.attempt,
      why: decision.message,
    });
    return;
  }
  deps.log.info(decision.message.startsWith('waiting') ? decision.message : `waiting: ${decision.message}`, {
    reason: decision.reason,
  });
  const current = await markWaiting(ctx, decision.reason, decision.message);
  // What halt waits for (the Redis Ready, another ops request finished) is what wake-ups report: this look is the
  // safety net. A wake-up never joins the chain (its attempt is 0), so it re-sends nothing.
  const delay = safetyNetDelaySeconds(data.attempt, HALT_WAIT_CAP_SECONDS, deps.settings.safetyNetSeconds);
  await deps.kube.writeOpsAnnotations(current, {
    [HALT_WAIT_ANNOTATION]: waitMarker(data.attempt + 1, new Date(deps.now().getTime() + delay * 1000)),
  });
  const { wake: _wake, ...chain } = data;
  await deps.queue.send('halt', { ...chain, attempt: data.attempt + 1 }, delay);
}

async function markWaiting(ctx: StepContext, reason: string, message: string) {
  const existing = findCondition(ctx.ops.status?.conditions, OpsCondition.WaitingForOtherOpsRequest);
  if (ctx.ops.status?.phase === OpsPhase.Pending && existing?.message === message && existing.status === 'True')
    return ctx.ops;
  return updateOpsStatus(ctx, (status, current) =>
    withConditions(
      { ...status, phase: OpsPhase.Pending },
      [{ type: OpsCondition.WaitingForOtherOpsRequest, reason, message, status: 'True' }],
      current.metadata.generation,
      ctx.deps.now(),
    ),
  );
}
