/**
 * Failover-aware rolling (beyond KubeDB): before a primary is restarted, a healthy replica takes over
 * (`CLUSTER FAILOVER` from that replica — it waits for the replica to catch up, so no acknowledged write is lost;
 * or a Sentinel hand-over, sentinel-handover.ts), and no pod is restarted while the topology is unhealthy. After each restart the
 * topology must be whole again (all slots served, replicas attached and in sync, sentinels agreeing).
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { failoverCondition } from '../../kubedb/constants.ts';
import { findCondition } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { parseInfoReplication, redisMode } from '../../kubedb/topology.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { RESTART_STRATEGY_ANNOTATION } from '../annotations.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { currentStepStartedAt } from '../progress.ts';
import { stepTimeoutMs } from '../timeouts.ts';
import { observeTopology, type Topology } from '../topology/observe.ts';
import { redisTarget } from './redis-target.ts';
import { failoverCandidate } from '../topology/restart-plan.ts';
import { continueSentinelHandover, startSentinelHandover } from './sentinel-handover.ts';

export type GateResult = { kind: 'go' } | { kind: 'wait'; why: string };

/** Re-issue a failover that has not taken effect every few checks (a manual failover can time out). */
const REISSUE_EVERY = 5;

function failIfPastDeadline(ops: RedisOpsRequest, what: string, since: Date | undefined, now: Date): void {
  if (since !== undefined && now.getTime() - since.getTime() > stepTimeoutMs(ops)) {
    throw new OpsRequestFailedError('RestartPodsFailed', `${what} did not happen within ${ops.spec.timeout ?? '10m'}`);
  }
}

/** May `podName` be evicted now? Fails its primary over first when it is one. */
export async function beforeEviction(ops: RedisOpsRequest, redis: Redis, podName: string, data: StepData, deps: StepDeps): Promise<GateResult> {
  if (redisMode(redis) === 'Standalone') return { kind: 'go' };
  const topology = await observeTopology(redis, deps);
  const role = topology.roles.find((r) => r.pod === podName);
  const strategy = ops.metadata.annotations?.[RESTART_STRATEGY_ANNOTATION] ?? 'failover';
  if (role?.role === 'master' && strategy !== 'kubedb') {
    const candidate = failoverCandidate(podName, topology.roles);
    if (candidate !== undefined) return failOver(ops, redis, podName, candidate, topology, data, deps);
    deps.log.warn('primary has no in-sync replica to fail over to; restarting it as it is', { pod: podName });
  }
  if (topology.problems.length > 0) {
    failIfPastDeadline(ops, `a healthy topology before restarting ${podName} (${topology.problems.join('; ')})`, currentStepStartedAt(ops), deps.now());
    return { kind: 'wait', why: topology.problems.join('; ') };
  }
  return { kind: 'go' };
}

async function failOver(ops: RedisOpsRequest, redis: Redis, podName: string, candidate: string, topology: Topology, data: StepData, deps: StepDeps): Promise<GateResult> {
  const started = findCondition(ops.status?.conditions, failoverCondition(podName));
  const primary = topology.pods.find((p) => p.name === podName);
  if (started === undefined || data.attempt % REISSUE_EVERY === REISSUE_EVERY - 1) {
    if (topology.problems.length > 0 && started === undefined) return { kind: 'wait', why: topology.problems.join('; ') };
    if (topology.mode === 'Sentinel' && primary !== undefined) {
      const issued = await startSentinelHandover(redis, primary, topology.sentinels[0], deps);
      if (issued.kind === 'refused') return { kind: 'wait', why: `the sentinels cannot fail ${podName} over yet: ${issued.why}` };
    } else {
      await clusterFailover(redis, candidate, topology, deps);
    }
  }
  if (started === undefined) {
    const message = `failing over primary ${podName} to ${topology.mode === 'Cluster' ? candidate : 'a replica chosen by the sentinels'} before restarting it`;
    await updateOpsStatus(deps, data, ops, (status, o) => withConditions(status, [{ type: failoverCondition(podName), message }], o.metadata.generation, deps.now()));
  } else {
    failIfPastDeadline(ops, `the failover of primary ${podName}`, new Date(started.lastTransitionTime), deps.now());
    if (topology.mode === 'Sentinel' && primary !== undefined) await continueSentinelHandover(redis, primary, topology.sentinels[0], deps);
  }
  return { kind: 'wait', why: `waiting for ${podName} to hand over its primary role` };
}

/** `CLUSTER FAILOVER` from the chosen replica: it waits for the replica to catch up, so no acknowledged write is lost. */
async function clusterFailover(redis: Redis, candidate: string, topology: Topology, deps: StepDeps): Promise<void> {
  const pod = topology.pods.find((p) => p.name === candidate);
  if (pod?.podIP === undefined) return;
  await deps.redis.clusterFailover(await redisTarget(redis, pod.podIP, deps));
}

/** After a restart: is the topology whole again, with the restarted pod in sync if it is a replica? */
export async function afterRestart(redis: Redis, podName: string, podIP: string, deps: StepDeps): Promise<GateResult> {
  if (redisMode(redis) === 'Standalone') return { kind: 'go' };
  const own = parseInfoReplication(await deps.redis.info(await redisTarget(redis, podIP, deps), 'replication'));
  if (own.role === 'replica' && own.masterLinkStatus !== 'up') return { kind: 'wait', why: `${podName} is not in sync with its primary yet` };
  const topology = await observeTopology(redis, deps);
  return topology.problems.length === 0 ? { kind: 'go' } : { kind: 'wait', why: topology.problems.join('; ') };
}
