/**
 * resume: the compensation path every run ends in (temporal saga style). It removes Paused from the Redis — only if
 * this ops request set it — and then finishes the ops request Successful or Failed with KubeDB's conditions and
 * events; what it does is decided by decideResume (decide-resume.ts). Resuming first means a crash in between leaves a finished database and a retryable status write, never a
 * database paused forever (KubeDB's own bug: kubedb/apimachinery #1577 "Fix db resume issue when ops failed").
 */
import { DbCondition, isTerminalPhase, OpsCondition, OpsEventReason, OpsPhase } from '../../kubedb/constants.ts';
import { removeCondition } from '../../kubedb/conditions.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { loadStepContext, type StepContext } from '../context.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { readPlan } from '../annotations.ts';
import { clearRestartPending } from './restart-pending.ts';
import { decideResume } from './decide-resume.ts';

export async function runResume(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  if (ctx === undefined) return;
  const { ops, namespace: ns } = ctx;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  const decision = decideResume(ops, redis, data.outcome);
  if (decision.kind === 'wait') {
    deps.log.info('not resuming yet', { why: decision.why });
    return;
  }
  if (decision.unpause && redis !== undefined) await unpause(ctx, redis, decision.finish?.phase === 'Successful');
  if (decision.finish === undefined) return;
  const { phase, reason, message } = decision.finish;
  await finish(ctx, phase, reason, message);
  await deps.kube.recordEvent(
    ops,
    phase === 'Successful'
      ? { type: 'Normal', reason: OpsEventReason.Successful, message: 'Successfully Reconfigured Database' }
      : { type: 'Warning', reason: OpsEventReason.Failed, message: `${reason}: ${message}` },
  );
}

/** Removes Paused; a successful run that restarted every pod also clears RestartPending (restart-pending.ts). */
async function unpause(ctx: StepContext, redis: Redis, succeeds: boolean): Promise<void> {
  const { ops, deps, namespace: ns } = ctx;
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
