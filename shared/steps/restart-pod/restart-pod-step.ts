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
import type { RedisOpsRequest } from '../../kubedb/types.ts';
import { compareWithConfigGet } from '../../config/verify.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { evictedAnnotation, type RestartPlan } from '../annotations.ts';
import { messageFor } from '../dispatch.ts';
import { dueStep } from '../progress.ts';
import { loadOpsRequest } from '../load.ts';
import { backoffDelaySeconds, stepTimeoutMs } from '../timeouts.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { describeMismatches, mismatchIsFinal } from './config-mismatch.ts';
import { decideCheck } from './decide-check.ts';
import { redisTarget } from './redis-target.ts';
import { checkRollback, startRollback } from './rollback.ts';
import { afterRestart, beforeEviction } from './topology-gates.ts';

const CHECK_CAP_SECONDS = 10;

export async function runRestartPod(data: StepData, deps: StepDeps): Promise<void> {
  const ops = await loadOpsRequest(data, deps);
  if (ops === undefined) return;
  const due = dueStep(ops);
  if (due.step === 'rolling-back') return checkRollback(ops, due.plan, data, deps);
  if (due.step !== 'restart-pod' || due.pod !== data.pod) return;
  if (due.phase === 'evict') return evict(ops, due.pod, data, deps);
  // An "evict" message that arrives after the eviction is a duplicate: the check chain already runs.
  if (data.phase !== 'check') return;
  return check(ops, due.pod, due.plan, data, deps);
}

async function evict(ops: RedisOpsRequest, podName: string, data: StepData, deps: StepDeps): Promise<void> {
  const ns = data.namespace;
  const pod = await deps.kube.getPod(ns, podName);
  let current = ops;
  let recorded = ops.metadata.annotations?.[evictedAnnotation(podName)];
  if (recorded === undefined) {
    const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
    if (redis === undefined)
      throw new OpsRequestFailedError(
        'DatabaseNotFound',
        `Redis ${ns}/${ops.spec.databaseRef.name} disappeared during the restart`,
      );
    const gate = await beforeEviction(ops, redis, podName, data, deps);
    if (gate.kind === 'wait') {
      deps.log.info('not evicting yet', { pod: podName, why: gate.why });
      return deps.queue.send(
        'restart-pod',
        { ...data, phase: 'evict', attempt: data.attempt + 1 },
        backoffDelaySeconds(data.attempt, CHECK_CAP_SECONDS),
      );
    }
    recorded = pod?.uid ?? 'absent';
    current = await deps.kube.writeOpsAnnotations(ops, { [evictedAnnotation(podName)]: recorded });
  }
  if (pod !== undefined && pod.uid === recorded && !pod.deleting) await deps.kube.evictPod(ns, podName);
  await updateOpsStatus(deps, data, current, (status, o) =>
    withConditions(
      status,
      [{ type: evictPodCondition(podName), message: `evict pod; ConditionStatus:True; PodName:${podName}` }],
      o.metadata.generation,
      deps.now(),
    ),
  );
  // The new pod cannot be Ready sooner than a second after the eviction (SQS delays are whole seconds).
  const next = messageFor({ step: 'restart-pod', pod: podName, phase: 'check' }, data);
  await deps.queue.send(next.step, next.data, 1);
}

async function check(
  ops: RedisOpsRequest,
  podName: string,
  plan: RestartPlan,
  data: StepData,
  deps: StepDeps,
): Promise<void> {
  const ns = data.namespace;
  const evictedAt = Date.parse(
    findCondition(ops.status?.conditions, evictPodCondition(podName))?.lastTransitionTime ?? '',
  );
  const deadline = new Date((Number.isFinite(evictedAt) ? evictedAt : deps.now().getTime()) + stepTimeoutMs(ops));
  const pod = await deps.kube.getPod(ns, podName);
  const decision = decideCheck({
    pod,
    evictedUid: ops.metadata.annotations?.[evictedAnnotation(podName)],
    now: deps.now(),
    deadline,
  });
  if (decision.kind === 'crash-looping') return startRollback(ops, podName, decision.problem, data, deps);
  // A pod that does not come back healthy with the new configuration in time gets the previous one back, whatever
  // the cause: the database must end on a configuration that works.
  if (decision.kind === 'timeout')
    return startRollback(
      ops,
      podName,
      `it did not come back Ready within ${ops.spec.timeout ?? '10m'}: ${decision.why}`,
      data,
      deps,
    );
  const verdict: Verdict =
    decision.kind === 'wait' ? decision : await verifyRestartedPod(ops, podName, decision, plan, deps);
  if (verdict.kind === 'go') return podVerified(ops, podName, plan, data, deps);
  if (verdict.kind === 'fail') return startRollback(ops, podName, `it ${verdict.failure}`, data, deps);
  if (deps.now() > deadline)
    return startRollback(
      ops,
      podName,
      `it ${verdict.failure ?? `was not verified within ${ops.spec.timeout ?? '10m'}: ${verdict.why}`}`,
      data,
      deps,
    );
  deps.log.info('pod not verified yet', { pod: podName, attempt: data.attempt, why: verdict.why });
  return recheck(data, deps);
}

type Verdict = { kind: 'go' } | { kind: 'wait'; why: string; failure?: string } | { kind: 'fail'; failure: string };

/** The restarted pod is Ready: does its Redis run the new config, and is the topology whole again? */
async function verifyRestartedPod(
  ops: RedisOpsRequest,
  podName: string,
  ready: { podIP: string; readySince?: string },
  plan: RestartPlan,
  deps: StepDeps,
): Promise<Verdict> {
  const redis = await deps.kube.getRedis(ops.metadata.namespace ?? '', ops.spec.databaseRef.name);
  if (redis === undefined)
    throw new OpsRequestFailedError(
      'DatabaseNotFound',
      `Redis ${ops.metadata.namespace ?? ''}/${ops.spec.databaseRef.name} disappeared during the restart`,
    );
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
  const gate = await afterRestart(redis, podName, ready.podIP, deps);
  return gate.kind === 'go'
    ? gate
    : {
        kind: 'wait',
        why: gate.why,
        failure: `was restarted but the database did not become healthy within ${ops.spec.timeout ?? '10m'}: ${gate.why}`,
      };
}

async function podVerified(
  ops: RedisOpsRequest,
  podName: string,
  plan: RestartPlan,
  data: StepData,
  deps: StepDeps,
): Promise<void> {
  const next = plan.pods[plan.pods.indexOf(podName) + 1];
  const conditions = [
    { type: isPodReadyCondition(podName), message: `is pod ready; ConditionStatus:True; PodName:${podName}` },
  ];
  if (next === undefined) conditions.push({ type: OpsCondition.RestartPods, message: OpsMessage.RestartPods });
  await updateOpsStatus(deps, data, ops, (status, o) =>
    withConditions(status, conditions, o.metadata.generation, deps.now()),
  );
  if (next === undefined)
    await deps.kube.recordEvent(ops, {
      type: 'Normal',
      reason: OpsEventReason.RestartPods,
      message: OpsMessage.RestartPods,
    });
  const message = messageFor(
    next !== undefined ? { step: 'restart-pod', pod: next, phase: 'evict' } : { step: 'resume', outcome: 'Successful' },
    data,
  );
  await deps.queue.send(message.step, message.data);
}

function recheck(data: StepData, deps: StepDeps): Promise<void> {
  return deps.queue.send(
    'restart-pod',
    { ...data, phase: 'check', attempt: data.attempt + 1 },
    backoffDelaySeconds(data.attempt, CHECK_CAP_SECONDS),
  );
}
