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
import { parseInfo, parseInfoReplication } from '../../redis/replies.ts';
import { redisMode } from '../../kubedb/topology.ts';
import type { PodView, StepDeps } from '../ports.ts';
import { withOps, type StepContext } from '../context.ts';
import { failoverIssuedAnnotation, RESTART_STRATEGY_ANNOTATION } from '../annotations.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import { currentStepStartedAt } from '../progress.ts';
import { FAILOVER_RESEND_AFTER_MS, stepTimeoutMs } from '../timing.ts';
import { observeTopology, type Topology } from '../topology/observe.ts';
import { redisTarget } from './redis-target.ts';
import { failoverCandidate } from '../topology/restart-plan.ts';
import { continueSentinelHandover, startSentinelHandover, type HandoverStart } from './sentinel-handover.ts';

/** `primary`: the pod a replica about to be evicted follows (failover-aware order only: sync-delay.ts). */
type GateResult = { kind: 'go'; primary?: PodView } | { kind: 'wait'; why: string };

function failIfPastDeadline(ops: RedisOpsRequest, what: string, since: Date | undefined, now: Date): void {
  if (since !== undefined && now.getTime() - since.getTime() > stepTimeoutMs(ops)) {
    throw new OpsRequestFailedError('RestartPodsFailed', `${what} did not happen within ${ops.spec.timeout ?? '10m'}`);
  }
}

/** May `podName` be evicted now? Fails its primary over first when it is one. */
export async function beforeEviction(ctx: StepContext, redis: Redis, podName: string): Promise<GateResult> {
  const { ops, deps } = ctx;
  if (redisMode(redis) === 'Standalone') return { kind: 'go' };
  const topology = await observeTopology(redis, deps, { exceptPod: podName });
  const role = topology.roles.find((r) => r.pod === podName);
  const strategy = ops.metadata.annotations?.[RESTART_STRATEGY_ANNOTATION] ?? 'failover';
  if (role?.role === 'master' && strategy !== 'kubedb') {
    const candidate = failoverCandidate(podName, topology.roles);
    // Once a failover was sent, see it through even if no replica follows this pod any more: the sentinels move the
    // replicas to the new primary before the old one is demoted, and the old one must never be restarted as primary.
    if (candidate !== undefined || failoverStarted(ops, podName))
      return failOver(ctx, redis, podName, candidate, topology);
    deps.log.warn('primary has no replica attached to fail over to; restarting it without a failover', {
      pod: podName,
    });
  }
  if (topology.problems.length > 0) {
    failIfPastDeadline(
      ops,
      `a healthy topology before restarting ${podName} (${topology.problems.join('; ')})`,
      currentStepStartedAt(ops),
      deps.now(),
    );
    return { kind: 'wait', why: topology.problems.join('; ') };
  }
  const primary = role?.role === 'replica' ? topology.pods.find((p) => p.name === role.masterPod) : undefined;
  return strategy !== 'kubedb' && primary !== undefined ? { kind: 'go', primary } : { kind: 'go' };
}

const failoverStarted = (ops: RedisOpsRequest, podName: string): boolean =>
  findCondition(ops.status?.conditions, failoverCondition(podName)) !== undefined;

async function failOver(
  ctx: StepContext,
  redis: Redis,
  podName: string,
  candidate: string | undefined,
  topology: Topology,
): Promise<GateResult> {
  const { ops, deps } = ctx;
  const started = findCondition(ops.status?.conditions, failoverCondition(podName));
  if (started === undefined) {
    if (topology.problems.length > 0) return { kind: 'wait', why: topology.problems.join('; ') };
    const issued = await issueFailover(redis, podName, candidate, topology, deps);
    if (issued.kind === 'not-yet') return { kind: 'wait', why: issued.why };
    const current = await deps.kube.writeOpsAnnotations(ops, {
      [failoverIssuedAnnotation(podName)]: deps.now().toISOString(),
    });
    const message = `failing over primary ${podName} to ${topology.mode === 'Cluster' ? candidate : 'a replica chosen by the sentinels'} before restarting it`;
    await updateOpsStatus(withOps(ctx, current), (status, o) =>
      withConditions(status, [{ type: failoverCondition(podName), message }], o.metadata.generation, deps.now()),
    );
    return { kind: 'wait', why: `waiting for ${podName} to hand over its primary role` };
  }
  failIfPastDeadline(ops, `the failover of primary ${podName}`, new Date(started.lastTransitionTime), deps.now());
  const underWay = await followUp(redis, podName, topology, deps);
  if (!underWay && candidate !== undefined && resendDue(ops, podName, deps.now())) {
    const issued = await issueFailover(redis, podName, candidate, topology, deps);
    if (issued.kind === 'started')
      await deps.kube.writeOpsAnnotations(ops, { [failoverIssuedAnnotation(podName)]: deps.now().toISOString() });
  }
  return { kind: 'wait', why: `waiting for ${podName} to hand over its primary role` };
}

/** Is a failover of `podName` still under way? (Sentinel: also demotes it as soon as the sentinels name another.) */
async function followUp(redis: Redis, podName: string, topology: Topology, deps: StepDeps): Promise<boolean> {
  const primary = topology.pods.find((p) => p.name === podName);
  const sentinel = topology.sentinels[0];
  if (topology.mode !== 'Sentinel' || primary === undefined || sentinel === undefined) return false;
  return (await continueSentinelHandover(redis, primary, topology.pods, sentinel, deps)) !== 'idle';
}

function resendDue(ops: RedisOpsRequest, podName: string, now: Date): boolean {
  const last = Date.parse(ops.metadata.annotations?.[failoverIssuedAnnotation(podName)] ?? '');
  return !Number.isFinite(last) || now.getTime() - last > FAILOVER_RESEND_AFTER_MS;
}

async function issueFailover(
  redis: Redis,
  podName: string,
  candidate: string | undefined,
  topology: Topology,
  deps: StepDeps,
): Promise<HandoverStart> {
  if (topology.mode === 'Sentinel') {
    const primary = topology.pods.find((p) => p.name === podName);
    const sentinel = topology.sentinels[0];
    if (sentinel === undefined)
      throw new OpsRequestFailedError(
        'RestartPodsFailed',
        `no Ready sentinel to fail over Redis ${redis.metadata.name}`,
      );
    if (primary === undefined) return { kind: 'not-yet', why: `primary ${podName} not found` };
    const replicas = topology.pods.filter((p) =>
      topology.roles.some((r) => r.pod === p.name && r.masterPod === podName),
    );
    return startSentinelHandover(redis, primary, replicas, sentinel, deps);
  }
  const pod = topology.pods.find((p) => p.name === candidate);
  if (pod?.podIP === undefined) return { kind: 'not-yet', why: `no replica of ${podName} to fail over to` };
  // CLUSTER FAILOVER from the replica waits for it to catch up with its master: no acknowledged write is lost.
  await deps.redis.clusterFailover(await redisTarget(redis, pod.podIP, deps));
  return { kind: 'started' };
}

/**
 * After a restart: is the topology whole again, with the restarted pod in sync if it is a replica and, in Cluster
 * mode, seeing the cluster as `ok` itself (the topology is read from one pod; a rejoining node may not agree yet)?
 */
export async function afterRestart(
  ctx: StepContext,
  redis: Redis,
  podName: string,
  podIP: string,
): Promise<GateResult> {
  const { deps } = ctx;
  if (redisMode(redis) === 'Standalone') return { kind: 'go' };
  const target = await redisTarget(redis, podIP, deps);
  const own = parseInfoReplication(await deps.redis.info(target, 'replication'));
  if (own.role === 'replica' && own.masterLinkStatus !== 'up')
    return { kind: 'wait', why: `${podName} is not in sync with its primary yet` };
  if (redisMode(redis) === 'Cluster') {
    const state = parseInfo(await deps.redis.clusterInfo(target))['cluster_state'];
    if (state !== 'ok') return { kind: 'wait', why: `${podName} reports cluster_state ${state ?? 'unknown'}` };
  }
  const topology = await observeTopology(redis, deps);
  return topology.problems.length === 0 ? { kind: 'go' } : { kind: 'wait', why: topology.problems.join('; ') };
}
