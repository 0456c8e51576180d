/**
 * halt: validate, serialize per database, pause the Redis (status condition Paused=True — never spec.halted, which
 * deletes the workload), mark the ops request Progressing, hand over to apply-config.
 * The forwarder announces here every live ops request whose due step is halt (a stalled later step is the recover
 * step's: shared/steps/recover/).
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { DbCondition, OpsCondition, OpsEventReason, OpsMessage, OpsPhase } from '../../kubedb/constants.ts';
import { findCondition, setCondition } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { messageFor } from '../dispatch.ts';
import { dueStep } from '../progress.ts';
import { loadOpsRequest } from '../load.ts';
import { backoffDelaySeconds, stepTimeoutMs } from '../timeouts.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { decideHalt, isPausedBy, pausedBy } from './decide-halt.ts';
import { HALT_WAIT_ANNOTATION, joinsChain, waitMarker } from './wait-chain.ts';

const WAIT_CAP_SECONDS = 30;

export async function runHalt(data: StepData, deps: StepDeps): Promise<void> {
  const ops = await loadOpsRequest(data, deps);
  if (ops === undefined) return;
  if (dueStep(ops).step !== 'halt') return;

  const ns = data.namespace;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  const decision = decideHalt({ ops, redis, siblings: await deps.kube.listOpsRequests(ns) });
  if (decision.kind === 'fail') throw new OpsRequestFailedError(decision.reason, decision.message);
  if (decision.kind === 'wait') return keepWaiting(ops, decision, data, deps);
  await pauseDatabase(redis as Redis, ops, deps);
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsEventReason.PauseDatabase,
    message: `Pausing Redis ${ns}/${ops.spec.databaseRef.name}`,
  });
  const waited = findCondition(ops.status?.conditions, OpsCondition.WaitingForOtherOpsRequest) !== undefined;
  await updateOpsStatus(deps, data, ops, (status, current) =>
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
function failIfWaitedPastTimeout(ops: RedisOpsRequest, why: string, now: Date): void {
  if (ops.spec.timeout === undefined || ops.spec.timeout === '') return;
  const created = Date.parse(ops.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(created) || now.getTime() - created <= stepTimeoutMs(ops)) return;
  throw new OpsRequestFailedError('Timeout', `waited longer than spec.timeout (${ops.spec.timeout}) to start: ${why}`);
}

/** Paused=True on the Redis, written with its resourceVersion: of two racing ops requests only one wins. */
async function pauseDatabase(redis: Redis, ops: RedisOpsRequest, deps: StepDeps): Promise<void> {
  if (isPausedBy(redis, ops)) return;
  const conditions = setCondition(
    redis.status?.conditions,
    { type: DbCondition.Paused, status: 'True', reason: 'PausedByOpsRequest', message: pausedBy(ops) },
    deps.now(),
  );
  await deps.kube.writeRedisConditions(redis, conditions);
}

/** Record why it waits, and look again later — as the one waiting chain of this ops request (wait-chain.ts). */
async function keepWaiting(
  ops: RedisOpsRequest,
  decision: { reason: string; message: string },
  data: StepData,
  deps: StepDeps,
): Promise<void> {
  failIfWaitedPastTimeout(ops, decision.message, deps.now());
  if (!joinsChain(ops.metadata.annotations?.[HALT_WAIT_ANNOTATION], data.attempt, deps.now())) {
    deps.log.info("already waiting; this message is not the waiting chain's", {
      attempt: data.attempt,
      why: decision.message,
    });
    return;
  }
  const current = await markWaiting(ops, decision.reason, decision.message, data, deps);
  const delay = backoffDelaySeconds(data.attempt, WAIT_CAP_SECONDS);
  await deps.kube.writeOpsAnnotations(current, {
    [HALT_WAIT_ANNOTATION]: waitMarker(data.attempt + 1, new Date(deps.now().getTime() + delay * 1000)),
  });
  await deps.queue.send('halt', { ...data, attempt: data.attempt + 1 }, delay);
}

async function markWaiting(
  ops: RedisOpsRequest,
  reason: string,
  message: string,
  data: StepData,
  deps: StepDeps,
): Promise<RedisOpsRequest> {
  const existing = findCondition(ops.status?.conditions, OpsCondition.WaitingForOtherOpsRequest);
  if (ops.status?.phase === OpsPhase.Pending && existing?.message === message && existing.status === 'True') return ops;
  return updateOpsStatus(deps, data, ops, (status, current) =>
    withConditions(
      { ...status, phase: OpsPhase.Pending },
      [{ type: OpsCondition.WaitingForOtherOpsRequest, reason, message, status: 'True' }],
      current.metadata.generation,
      deps.now(),
    ),
  );
}
