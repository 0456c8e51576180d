/**
 * resume: the compensation path every run ends in (temporal saga style). It removes Paused from the Redis — only if
 * this ops request set it — and then finishes the ops request Successful or Failed with KubeDB's conditions and
 * events. Resuming first means a crash in between leaves a finished database and a retryable status write, never a
 * database paused forever (KubeDB's own bug: kubedb/apimachinery #1577 "Fix db resume issue when ops failed").
 */
import { DbCondition, isTerminalPhase, OpsCondition, OpsEventReason, OpsPhase } from '../../kubedb/constants.ts';
import { removeCondition } from '../../kubedb/conditions.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { isPausedBy } from '../halt/decide-halt.ts';
import { loadStepContext, type StepContext } from '../context.ts';
import { dueStep } from '../progress.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';

export async function runResume(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  if (ctx === undefined) return;
  const { ops } = ctx;
  const outcome = data.outcome;
  const succeeded = outcome === undefined || outcome.status === 'Successful';
  // A success message is honoured only when the status agrees that every step is done. Until then the run goes on,
  // and the database stays paused: a duplicated or early success message must not hand it back mid-restart.
  if (succeeded && !isTerminalPhase(ops.status?.phase) && dueStep(ops).step !== 'resume') return;
  await resumeDatabase(ctx);
  if (isTerminalPhase(ops.status?.phase)) return;
  if (outcome === undefined || outcome.status === 'Successful') {
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

async function resumeDatabase(ctx: StepContext): Promise<void> {
  const { ops, deps, namespace: ns } = ctx;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  if (redis === undefined || !isPausedBy(redis, ops)) return;
  const target = `${ns}/${redis.metadata.name}`;
  await deps.kube.recordEvent(ops, {
    type: 'Normal',
    reason: OpsEventReason.ResumeDatabase,
    message: `Resuming Redis ${target}`,
  });
  await deps.kube.writeRedisConditions(redis, removeCondition(redis.status?.conditions, DbCondition.Paused));
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
