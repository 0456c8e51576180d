/**
 * resume: the compensation path every run ends in (temporal saga style). It removes Paused from the Redis — only if
 * this ops request set it — and then finishes the ops request Successful or Failed with KubeDB's conditions and
 * events. Resuming first means a crash in between leaves a finished database and a retryable status write, never a
 * database paused forever (KubeDB's own bug #1 in the domain report).
 */
import { DbCondition, isTerminalPhase, OpsCondition, OpsEventReason, OpsPhase } from '../../kubedb/constants.ts';
import { removeCondition } from '../../kubedb/conditions.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { isPausedBy } from '../halt/decide-halt.ts';
import { loadStepContext, type StepContext } from '../context.ts';
import { dueStep } from '../progress.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { readPlan } from '../annotations.ts';
import { clearRestartPending } from './restart-pending.ts';

export async function runResume(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  if (ctx === undefined) return;
  const { ops } = ctx;
  const outcome = data.outcome;
  const succeeds =
    !isTerminalPhase(ops.status?.phase) &&
    (outcome === undefined || outcome.status === 'Successful') &&
    dueStep(ops).step === 'resume';
  await resumeDatabase(ctx, succeeds);
  if (isTerminalPhase(ops.status?.phase)) return;
  if (outcome === undefined || outcome.status === 'Successful') {
    // A success message is honoured only when the status agrees that every step is done.
    if (dueStep(ops).step !== 'resume') return;
    await finish(ctx, 'Successful', OpsCondition.Successful, 'Successfully completed the modification process.');
    await deps.kube.recordEvent(ops, {
      type: 'Normal',
      reason: OpsEventReason.Successful,
      message: 'Successfully Reconfigured Database',
    });
    return;
  }
  await finish(ctx, 'Failed', outcome.reason, outcome.message);
  await deps.kube.recordEvent(ops, {
    type: 'Warning',
    reason: OpsEventReason.Failed,
    message: `${outcome.reason}: ${outcome.message}`,
  });
}

/** Removes Paused; a successful run that restarted every pod also clears RestartPending (restart-pending.ts). */
async function resumeDatabase(ctx: StepContext, succeeds: boolean): Promise<void> {
  const { ops, deps, namespace: ns } = ctx;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  if (redis === undefined || !isPausedBy(redis, ops)) return;
  const target = `${ns}/${redis.metadata.name}`;
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsEventReason.ResumeDatabase,
    message: `Resuming Redis ${target}`,
  });
  const unpaused = removeCondition(redis.status?.conditions, DbCondition.Paused);
  const conditions = clearRestartPending(unpaused, ops, readPlan(ops.metadata.annotations), succeeds, deps.now());
  await deps.kube.writeRedisConditions(redis, [...conditions]);
  deps.log.info(`resumed Redis ${target}`, { database: redis.metadata.name });
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsEventReason.ResumeDatabase,
    message: `Successfully resumed Redis ${target}`,
  });
}

async function finish(
  ctx: StepContext,
  phase: 'Successful' | 'Failed',
  reason: string,
  message: string,
): Promise<void> {
  ctx.deps.log.info(`ending the ops request ${phase}`, { outcome: phase, reason });
  await updateOpsStatus(ctx, (status, current) => {
    if (isTerminalPhase(status.phase)) return undefined;
    const type = phase === 'Successful' ? OpsCondition.Successful : OpsCondition.Failed;
    const withOutcome = withConditions(
      status,
      [{ type, reason, message, status: phase === 'Successful' ? 'True' : 'False' }],
      current.metadata.generation,
      ctx.deps.now(),
    );
    return {
      ...withOutcome,
      phase: phase === 'Successful' ? OpsPhase.Successful : OpsPhase.Failed,
      observedGeneration: current.metadata.generation ?? 1,
    };
  });
}
