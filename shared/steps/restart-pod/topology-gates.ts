/**
 * Failover-aware rolling (beyond KubeDB): before a primary is restarted, a healthy replica takes over
 * (`CLUSTER FAILOVER` from that replica — it waits for the replica to catch up, so no acknowledged write is lost;
 * or `SENTINEL FAILOVER`), and no pod is restarted while the topology is unhealthy. After each restart the
 * topology must be whole again (all slots served, replicas attached and in sync, sentinels agreeing).
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { failoverCondition } from '../../kubedb/constants.ts';
import { findCondition } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { parseInfoReplication, redisMode, sentinelMasterName } from '../../kubedb/topology.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { StepDeps } from '../ports.ts';
import { RESTART_STRATEGY_ANNOTATION } from '../annotations.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { currentStepStartedAt } from '../progress.ts';
import { stepTimeoutMs } from '../timeouts.ts';
import { observeTopology, type Topology } from '../topology/observe.ts';
import { redisTarget } from './redis-target.ts';
import { failoverCandidate } from '../topology/restart-plan.ts';

export type GateResult = { kind: 'go' } | { kind: 'wait'; why: string };

/** Re-issue a failover that has not taken effect every few checks (a manual failover can time out). */
const REISSUE_EVERY = 5;
/** Long enough for sentinels to promote a replica (failover-timeout 5000 in KubeDB's sentinel config). */
const SENTINEL_WRITE_PAUSE_MS = 5000;

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
  if (started === undefined || data.attempt % REISSUE_EVERY === REISSUE_EVERY - 1) {
    if (topology.problems.length > 0 && started === undefined) return { kind: 'wait', why: topology.problems.join('; ') };
    try {
      await issueFailover(redis, candidate, topology, deps);
    } catch (err) {
      // Sentinels refresh their view of replicas every 10 s: right after a replica restart they may answer
      // NOGOODSLAVE (no promotable replica yet) or INPROG. Both mean "not yet": wait and ask again.
      if (!/NOGOODSLAVE|INPROG/.test((err as Error).message)) throw err;
      return { kind: 'wait', why: `the sentinels cannot fail ${podName} over yet: ${(err as Error).message}` };
    }
  }
  if (started === undefined) {
    const message = `failing over primary ${podName} to ${topology.mode === 'Cluster' ? candidate : 'a replica chosen by the sentinels'} before restarting it`;
    await updateOpsStatus(deps, data, ops, (status, o) => withConditions(status, [{ type: failoverCondition(podName), message }], o.metadata.generation, deps.now()));
  } else {
    failIfPastDeadline(ops, `the failover of primary ${podName}`, new Date(started.lastTransitionTime), deps.now());
    if (topology.mode === 'Sentinel') await demoteOldPrimary(redis, podName, topology, deps);
  }
  return { kind: 'wait', why: `waiting for ${podName} to hand over its primary role` };
}

async function issueFailover(redis: Redis, candidate: string, topology: Topology, deps: StepDeps): Promise<void> {
  if (topology.mode === 'Sentinel') {
    const sentinel = topology.sentinels[0];
    if (sentinel === undefined) throw new OpsRequestFailedError('RestartPodsFailed', `no Ready sentinel to fail over Redis ${redis.metadata.name}`);
    // A forced SENTINEL FAILOVER promotes a replica while the old primary still accepts writes for about a second
    // (until clients learn the new primary): those acknowledged writes would be lost. Writes on the old primary are
    // paused first — clients block instead — and it is demoted as soon as the sentinels name the new primary
    // (demoteOldPrimary), so the blocked writes then fail with READONLY rather than being acknowledged and lost.
    const primary = topology.pods.find((p) => p.name === topology.roles.find((r) => r.role === 'master')?.pod);
    if (primary?.podIP !== undefined) await deps.redis.pauseWrites(await redisTarget(redis, primary.podIP, deps), SENTINEL_WRITE_PAUSE_MS);
    await deps.redis.sentinelFailover(sentinel, sentinelMasterName(redis));
    return;
  }
  const pod = topology.pods.find((p) => p.name === candidate);
  if (pod?.podIP === undefined) return;
  await deps.redis.clusterFailover(await redisTarget(redis, pod.podIP, deps));
}

/** Sentinel: once the sentinels name another primary, make the old one its replica at once (they would in ~10 s). */
async function demoteOldPrimary(redis: Redis, podName: string, topology: Topology, deps: StepDeps): Promise<void> {
  const sentinel = topology.sentinels[0];
  const old = topology.pods.find((p) => p.name === podName);
  if (sentinel === undefined || old?.podIP === undefined) return;
  const primary = await deps.redis.sentinelPrimary(sentinel, sentinelMasterName(redis));
  if (primary === undefined || primary.host === old.podIP) return;
  await deps.redis.replicaOf(await redisTarget(redis, old.podIP, deps), primary.host, primary.port);
}

/** After a restart: is the topology whole again, with the restarted pod in sync if it is a replica? */
export async function afterRestart(redis: Redis, podName: string, podIP: string, deps: StepDeps): Promise<GateResult> {
  if (redisMode(redis) === 'Standalone') return { kind: 'go' };
  const own = parseInfoReplication(await deps.redis.info(await redisTarget(redis, podIP, deps), 'replication'));
  if (own.role === 'replica' && own.masterLinkStatus !== 'up') return { kind: 'wait', why: `${podName} is not in sync with its primary yet` };
  const topology = await observeTopology(redis, deps);
  return topology.problems.length === 0 ? { kind: 'go' } : { kind: 'wait', why: topology.problems.join('; ') };
}
