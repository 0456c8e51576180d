/**
 * Automatic rollback: a pod that cannot run with the new configuration — it crash-loops, is Ready with other values
 * (config-mismatch.ts), or is not Ready, running the new values and healthy within spec.timeout — gets the previous
 * one back (from the snapshot apply-config took before writing anything, rollback-snapshot.ts), the ops request is
 * marked RolledBack, and once the pod is Ready again with the previous
 * values the run ends Failed with the reason — the database keeps working. Pods restarted and verified earlier in
 * the same run keep the new values in memory until their next restart (they then read the restored config); the
 * final message names them, so nobody is surprised by a mixed state. An ACL change of the same request is kept
 * (docs/adr/0012-acl-reconfigure.md): it was applied and checked live on every pod, and persisted, before the first
 * restart — independent of the configuration that failed — and the message says so.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { isPodReadyCondition, OpsCondition } from '../../kubedb/constants.ts';
import { findCondition, isConditionTrue } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { compareWithConfigGet } from '../../config/verify.ts';
import type { StepDeps } from '../ports.ts';
import { evictedAnnotation, ROLLBACK_ANNOTATION, type RestartPlan } from '../annotations.ts';
import { withOps, type StepContext } from '../context.ts';
import { stepTimeoutMs } from '../timing.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { aclKeptNote, restoreConfiguration, savedSnapshot } from '../rollback-snapshot.ts';
import { messageFor } from '../dispatch.ts';
import { decideCheck } from './decide-check.ts';
import { restoreSyncDelay } from './sync-delay.ts';
import { firstCheckDelaySeconds, recheck } from './recheck.ts';
import { redisTarget } from './redis-target.ts';

export async function startRollback(ctx: StepContext, podName: string, problem: string): Promise<void> {
  const { ops, data, deps, namespace: ns } = ctx;
  const snapshot = await savedSnapshot(ctx);
  const redis = snapshot === undefined ? undefined : await restoreConfiguration(ctx, snapshot);
  if (redis === undefined || snapshot === undefined) {
    throw new OpsRequestFailedError(
      'RollbackFailed',
      `pod ${ns}/${podName} failed with the new configuration (${problem}) and the previous configuration could not be restored: ${snapshot === undefined ? 'rollback snapshot missing' : 'Redis not found'}`,
    );
  }
  const message = `pod ${ns}/${podName} could not run with the new configuration: ${problem}; the previous configuration was restored${aclKeptNote(ops)}`;
  let current = ops;
  if (ops.metadata.annotations?.[ROLLBACK_ANNOTATION] === undefined) {
    const pod = await deps.kube.getPod(ns, podName);
    current = await deps.kube.writeOpsAnnotations(ops, {
      [ROLLBACK_ANNOTATION]: message,
      [evictedAnnotation(podName)]: pod?.uid ?? 'absent',
    });
    // The crash-looping pod serves nothing; replacing it now makes it start from the restored config at once.
    if (pod !== undefined && !pod.deleting) await deps.kube.evictPod(ns, podName);
  }
  await updateOpsStatus(withOps(ctx, current), (status, o) =>
    withConditions(
      status,
      [{ type: OpsCondition.RolledBack, message, status: 'True' }],
      o.metadata.generation,
      deps.now(),
    ),
  );
  const next = messageFor({ step: 'rolling-back', plan: { pods: [podName] } }, data);
  await deps.queue.send(next.step, next.data, firstCheckDelaySeconds(ctx));
}

/** After a rollback: wait for every restarted pod to be Ready with the previous values, then end Failed. */
export async function checkRollback(ctx: StepContext, plan: RestartPlan): Promise<void> {
  const { ops, deps, namespace: ns } = ctx;
  const reason = ops.metadata.annotations?.[ROLLBACK_ANNOTATION] ?? 'rolled back to the previous configuration';
  const deadline = rollbackDeadline(ops, deps.now());
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  const verifiedOnNew = plan.pods.filter((p) => isConditionTrue(ops.status?.conditions, isPodReadyCondition(p)));
  for (const podName of plan.pods.filter((p) => !verifiedOnNew.includes(p))) {
    if (ops.metadata.annotations?.[evictedAnnotation(podName)] === undefined) continue;
    const pod = await deps.kube.getPod(ns, podName);
    const decision = decideCheck({
      pod,
      evictedUid: ops.metadata.annotations[evictedAnnotation(podName)],
      now: deps.now(),
      deadline,
    });
    if (decision.kind === 'timeout' || decision.kind === 'crash-looping') {
      throw new OpsRequestFailedError(
        'RollbackFailed',
        `${reason}; but pod ${ns}/${podName} is still not healthy after the rollback: ${decision.kind === 'timeout' ? decision.why : decision.problem}`,
      );
    }
    if (decision.kind === 'wait') return recheck(ctx, 'check', 'woken');
    if (redis === undefined || !(await runsPrevious(redis, decision.podIP, plan, deps)))
      return recheck(ctx, 'check', 'fast');
  }
  if (redis !== undefined)
    for (const podName of plan.pods) await restoreSyncDelay(ctx, () => Promise.resolve(redis), podName);
  const mixed =
    verifiedOnNew.length > 0
      ? ` (${verifiedOnNew.join(', ')} already ran the new configuration and keep it until their next restart)`
      : '';
  throw new OpsRequestFailedError('RolledBack', `${reason}${mixed}`);
}

function rollbackDeadline(ops: RedisOpsRequest, now: Date): Date {
  const rolledBackAt = Date.parse(
    findCondition(ops.status?.conditions, OpsCondition.RolledBack)?.lastTransitionTime ?? '',
  );
  return new Date((Number.isFinite(rolledBackAt) ? rolledBackAt : now.getTime()) + stepTimeoutMs(ops));
}

async function runsPrevious(redis: Redis, podIP: string, plan: RestartPlan, deps: StepDeps): Promise<boolean> {
  const actual = await deps.redis.configGet(
    await redisTarget(redis, podIP, deps),
    plan.previous.map((e) => e.parameter),
  );
  // A directive the server does not report (unknown to this version) cannot have been set by the previous
  // config either — it is often the very directive that made the new config fail — so it does not block.
  return !compareWithConfigGet(plan.previous, actual).some((m) => m.actual !== undefined);
}
