/**
 * restart-pod: one pod per message. "evict" evicts it (Eviction API) once — the evicted pod's uid is recorded first,
 * so a redelivered message never evicts its replacement — then "check" messages, delayed with backoff, look until
 * the new pod is Ready AND its Redis reports the new value of every changed directive. No sleeps: waiting is a
 * delayed message.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import {
  evictPodCondition,
  isPodReadyCondition,
  OpsCondition,
  OpsEventReason,
  OpsMessage,
} from '../../kubedb/constants.ts';
import { findCondition } from '../../kubedb/conditions.ts';
import type { Redis } from '../../kubedb/types.ts';
import { compareWithConfigGet } from '../../config/verify.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { evictedAnnotation, type RestartPlan } from '../annotations.ts';
import { loadStepContext, withOps, type StepContext } from '../context.ts';
import { messageFor } from '../dispatch.ts';
import { dueStep } from '../progress.ts';
import { stepTimeoutMs } from '../timing.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { describeMismatches, mismatchIsFinal } from './config-mismatch.ts';
import { decideCheck } from './decide-check.ts';
import { firstCheckDelaySeconds, recheck } from './recheck.ts';
import { redisTarget } from './redis-target.ts';
import { checkRollback, startRollback } from './rollback.ts';
import { restoreSyncDelay, skipSyncDelay } from './sync-delay.ts';
import { afterRestart, beforeEviction } from './topology-gates.ts';

export async function runRestartPod(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  if (ctx === undefined) return;
  const due = dueStep(ctx.ops);
  if (due.step === 'rolling-back') return checkRollback(ctx, due.plan);
  if (due.step !== 'restart-pod' || due.pod !== data.pod) return;
  if (due.phase === 'evict') return evict(ctx, due.pod);
  // An "evict" message that arrives after the eviction is a duplicate: the check chain already runs.
  if (data.phase !== 'check') return;
  return check(ctx, due.pod, due.plan);
}

/** The database the ops request names; it must exist for as long as its pods are being restarted. */
async function databaseOf(ctx: StepContext): Promise<Redis> {
  const name = ctx.ops.spec.databaseRef.name;
  const redis = await ctx.deps.kube.getRedis(ctx.namespace, name);
  if (redis === undefined)
    throw new OpsRequestFailedError(
      'DatabaseNotFound',
      `Redis ${ctx.namespace}/${name} disappeared during the restart`,
    );
  return redis;
}

async function evict(ctx: StepContext, podName: string): Promise<void> {
  const { data, deps, namespace } = ctx;
  const pod = await deps.kube.getPod(namespace, podName);
  let current = ctx.ops;
  let recorded = current.metadata.annotations?.[evictedAnnotation(podName)];
  if (recorded === undefined) {
    const redis = await databaseOf(ctx);
    const gate = await beforeEviction(ctx, redis, podName);
    if (gate.kind === 'wait') {
      deps.log.info(`waiting before evicting pod ${podName}: ${gate.why}`, { pod: podName, why: gate.why });
      return recheck(ctx, 'evict', 'fast');
    }
    if (gate.primary !== undefined) current = await skipSyncDelay(ctx, redis, podName, gate.primary);
    recorded = pod?.uid ?? 'absent';
    current = await deps.kube.writeOpsAnnotations(current, { [evictedAnnotation(podName)]: recorded });
  }
  if (pod !== undefined && pod.uid === recorded && !pod.deleting) {
    await deps.kube.evictPod(namespace, podName);
    deps.log.info(`evicted pod ${podName}`, { pod: podName, podUid: recorded });
  }
  await updateOpsStatus(withOps(ctx, current), (status, o) =>
    withConditions(
      status,
      [{ type: evictPodCondition(podName), message: `evict pod; ConditionStatus:True; PodName:${podName}` }],
      o.metadata.generation,
      deps.now(),
    ),
  );
  const next = messageFor({ step: 'restart-pod', pod: podName, phase: 'check' }, data);
  await deps.queue.send(next.step, next.data, firstCheckDelaySeconds(ctx));
}

async function check(ctx: StepContext, podName: string, plan: RestartPlan): Promise<void> {
  const { ops, deps } = ctx;
  const evictedAt = Date.parse(
    findCondition(ops.status?.conditions, evictPodCondition(podName))?.lastTransitionTime ?? '',
  );
  const deadline = new Date((Number.isFinite(evictedAt) ? evictedAt : deps.now().getTime()) + stepTimeoutMs(ops));
  const pod = await deps.kube.getPod(ctx.namespace, podName);
  const decision = decideCheck({
    pod,
    evictedUid: ops.metadata.annotations?.[evictedAnnotation(podName)],
    now: deps.now(),
    deadline,
  });
  if (decision.kind === 'crash-looping') return startRollback(ctx, podName, decision.problem);
  const timeout = ops.spec.timeout ?? '10m';
  // A pod that does not come back healthy with the new configuration in time gets the previous one back, whatever
  // the cause: the database must end on a configuration that works.
  if (decision.kind === 'timeout')
    return startRollback(ctx, podName, `it did not come back Ready within ${timeout}: ${decision.why}`);
  const verdict: Verdict = decision.kind === 'wait' ? decision : await verifyRestartedPod(ctx, podName, decision, plan);
  if (verdict.kind === 'go') return podVerified(ctx, podName, plan);
  if (verdict.kind === 'fail') return startRollback(ctx, podName, `it ${verdict.failure}`);
  if (deps.now() > deadline)
    return startRollback(ctx, podName, `it ${verdict.failure ?? `was not verified within ${timeout}: ${verdict.why}`}`);
  deps.log.info(`waiting for pod ${podName} Ready with the new configuration`, {
    pod: podName,
    attempt: ctx.data.attempt,
    why: verdict.why,
  });
  // Not back yet: a wake-up reports its return; back but not verified: nothing reports that, look again soon.
  return recheck(ctx, 'check', decision.kind === 'wait' ? 'woken' : 'fast');
}

type Verdict = { kind: 'go' } | { kind: 'wait'; why: string; failure?: string } | { kind: 'fail'; failure: string };

/** The restarted pod is Ready: does its Redis run the new config, and is the topology whole again? */
async function verifyRestartedPod(
  ctx: StepContext,
  podName: string,
  ready: { podIP: string; readySince?: string },
  plan: RestartPlan,
): Promise<Verdict> {
  const { deps } = ctx;
  const redis = await databaseOf(ctx);
  const actual = await deps.redis.configGet(
    await redisTarget(redis, ready.podIP, deps),
    plan.expected.map((e) => e.parameter),
  );
  const mismatches = compareWithConfigGet(plan.expected, actual);
  if (mismatches.length > 0) {
    const detail = describeMismatches(mismatches);
    const failure = `is Ready but runs another configuration: ${detail}`;
    // redis-server reads its config once, at start: a Ready pod's answer does not change by waiting.
    if (mismatchIsFinal(ready.readySince, deps.now())) return { kind: 'fail', failure };
    return { kind: 'wait', why: `Ready but the new config is not in effect yet: ${detail}`, failure };
  }
  const gate = await afterRestart(ctx, redis, podName, ready.podIP);
  return gate.kind === 'go'
    ? gate
    : {
        kind: 'wait',
        why: gate.why,
        failure: `was restarted but the database did not become healthy within ${ctx.ops.spec.timeout ?? '10m'}: ${gate.why}`,
      };
}

async function podVerified(ctx: StepContext, podName: string, plan: RestartPlan): Promise<void> {
  const { deps } = ctx;
  await restoreSyncDelay(ctx, () => databaseOf(ctx), podName);
  const next = plan.pods[plan.pods.indexOf(podName) + 1];
  deps.log.info(`pod ${podName} is Ready with the new configuration`, { pod: podName, next: next ?? 'resume' });
  const conditions = [
    { type: isPodReadyCondition(podName), message: `is pod ready; ConditionStatus:True; PodName:${podName}` },
  ];
  if (next === undefined) conditions.push({ type: OpsCondition.RestartPods, message: OpsMessage.RestartPods });
  await updateOpsStatus(ctx, (status, o) => withConditions(status, conditions, o.metadata.generation, deps.now()));
  if (next === undefined)
    await deps.kube.recordEvent(ctx.ops, {
      type: 'Normal',
      reason: OpsEventReason.RestartPods,
      message: OpsMessage.RestartPods,
    });
  const message = messageFor(
    next !== undefined ? { step: 'restart-pod', pod: next, phase: 'evict' } : { step: 'resume', outcome: 'Successful' },
    ctx.data,
  );
  await deps.queue.send(message.step, message.data);
}
