/**
 * What the database looks like right now, read on the wire: who is master, whether the topology is healthy. Roles
 * come from Redis itself (CLUSTER NODES, INFO replication, the sentinels), never from pod ordinals — after one
 * failover the master of a shard may be any of its pods.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { authSecretName, REDIS_PORT } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import {
  clusterShape,
  redisMode,
  sentinelAuthSecretName,
  sentinelMasterName,
  sentinelPodNames,
  sentinelRef,
  shardOf,
  SENTINEL_PORT,
  type RedisMode,
} from '../../kubedb/topology.ts';
import {
  isFailedNode,
  parseClusterNodes,
  parseInfo,
  parseInfoReplication,
  slotCount,
  CLUSTER_SLOTS,
  type ObservedRole,
} from '../../redis/replies.ts';
import { podForAddress } from '../../kubedb/pod-address.ts';
import type { PodView, RedisTarget, RedisTls, StepDeps } from '../ports.ts';
import { clientTls } from './client-tls.ts';
import { clusterProblems } from './health.ts';

export interface Topology {
  mode: RedisMode;
  pods: PodView[];
  roles: ObservedRole[];
  /** Empty when healthy: every reason the topology is not fit for the next restart. */
  problems: string[];
  /** Cluster: node id per pod (for CLUSTER FAILOVER candidates). */
  nodeIdByPod: Map<string, string>;
  /** Sentinel: how to reach the sentinels. */
  sentinels: RedisTarget[];
}

/**
 * Credentials for the database's pods: the auth secret's username/password (`<name>-auth` unless spec.authSecret);
 * none when `spec.disableAuth` is set (KubeDB then starts the pods without requirepass and creates no auth secret);
 * with `spec.tls` also the client certificate the TLS-only pods require (client-tls.ts).
 */
export async function credentials(
  redis: Redis,
  deps: StepDeps,
): Promise<{ username?: string; password?: string; tls?: RedisTls }> {
  const tls = await clientTls(redis, deps); // spec.tls: the client certificate (client-tls.ts)
  if (redis.spec.disableAuth === true) return tls;
  const ns = redis.metadata.namespace ?? '';
  const name = redis.spec.authSecret?.name ?? authSecretName(redis.metadata.name);
  const secret = await deps.kube.getSecret(ns, name);
  if (secret === undefined)
    throw new OpsRequestFailedError(
      'AuthSecretNotFound',
      `auth secret ${ns}/${name} of Redis ${redis.metadata.name} not found`,
    );
  const { username, password } = secret.data;
  return { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...tls };
}

/**
 * `exceptPod`: the pod about to be restarted. Its own trouble (not Ready, not in sync) is no reason to wait — the
 * restart may be what heals it (a replica crash-looping on an earlier config) — but everyone else must be healthy.
 */
export async function observeTopology(
  redis: Redis,
  deps: StepDeps,
  opts: { exceptPod?: string } = {},
): Promise<Topology> {
  const ns = redis.metadata.namespace ?? '';
  const pods = await deps.kube.listDatabasePods(ns, redis.metadata.name);
  const mode = redisMode(redis);
  const base = { mode, pods, nodeIdByPod: new Map<string, string>(), sentinels: [] as RedisTarget[] };
  const notReady = pods
    .filter((p) => (!p.ready || p.deleting) && p.name !== opts.exceptPod)
    .map((p) => `pod ${p.name} is not Ready`);
  if (mode === 'Standalone')
    return { ...base, roles: pods.map((p) => ({ pod: p.name, role: 'master' as const })), problems: notReady };
  const auth = await credentials(redis, deps);
  const targetOf = (p: PodView): RedisTarget => ({ host: p.podIP ?? '', port: REDIS_PORT, ...auth });
  if (mode === 'Cluster') {
    const cluster = await observeCluster(redis, pods, targetOf, deps);
    return { ...base, ...cluster, problems: [...notReady, ...cluster.problems] };
  }
  return observeSentinel(redis, { ...base }, notReady, targetOf, deps, opts.exceptPod);
}

async function observeCluster(
  redis: Redis,
  pods: PodView[],
  targetOf: (p: PodView) => RedisTarget,
  deps: StepDeps,
): Promise<{ roles: ObservedRole[]; problems: string[]; nodeIdByPod: Map<string, string> }> {
  const reporter = pods.find((p) => p.ready && p.podIP !== undefined);
  if (reporter === undefined)
    return { roles: [], problems: ['no Ready pod to ask for the cluster state'], nodeIdByPod: new Map() };
  const nodes = parseClusterNodes(await deps.redis.clusterNodes(targetOf(reporter)));
  const info = parseInfo(await deps.redis.clusterInfo(targetOf(reporter)));
  const podByIp = new Map(pods.filter((p) => p.podIP !== undefined).map((p) => [p.podIP as string, p.name]));
  const podByNodeId = new Map(nodes.map((n) => [n.nodeId, podByIp.get(n.ip)]));
  const nodeIdByPod = new Map<string, string>();
  const roles: ObservedRole[] = [];
  for (const n of nodes) {
    const pod = podByIp.get(n.ip);
    if (pod === undefined || n.role === 'unknown') continue;
    nodeIdByPod.set(pod, n.nodeId);
    const masterPod = n.masterId !== undefined ? podByNodeId.get(n.masterId) : undefined;
    const shard = shardOf(pod);
    roles.push({
      pod,
      role: n.role,
      ...(shard !== undefined ? { shard } : {}),
      ...(masterPod !== undefined ? { masterPod } : {}),
    });
  }
  const problems = clusterProblems({
    state: info['cluster_state'],
    nodes,
    expected: clusterShape(redis),
    slots: CLUSTER_SLOTS,
    isFailed: isFailedNode,
    slotCount,
  });
  return { roles, problems, nodeIdByPod };
}

async function observeSentinel(
  redis: Redis,
  base: Omit<Topology, 'roles' | 'problems'>,
  notReady: string[],
  targetOf: (p: PodView) => RedisTarget,
  deps: StepDeps,
  exceptPod: string | undefined,
): Promise<Topology> {
  const { roles, problems: replication } = await sentinelModeRoles(base.pods, targetOf, deps, exceptPod);
  const masters = roles.filter((r) => r.role === 'master');
  const primary = masters.length === 1 ? masters[0]?.pod : undefined;
  const problems = [...notReady, ...replication];
  if (primary === undefined) problems.push(`expected exactly one primary, found ${masters.length}`);
  const sentinels = await sentinelTargets(redis, deps);
  for (const s of sentinels) {
    const named = podForAddress((await deps.redis.sentinelPrimary(s, sentinelMasterName(redis)))?.host, base.pods);
    if (named !== primary) problems.push(`sentinel ${s.host} names ${named ?? 'no'} primary, not ${primary ?? '?'}`);
  }
  return { ...base, roles, problems, sentinels };
}

/** Roles from each Ready pod's INFO replication; every replica must follow the one primary and be in sync. */
async function sentinelModeRoles(
  pods: PodView[],
  targetOf: (p: PodView) => RedisTarget,
  deps: StepDeps,
  exceptPod: string | undefined,
): Promise<{ roles: ObservedRole[]; problems: string[] }> {
  const roles: ObservedRole[] = [];
  const problems: string[] = [];
  for (const p of pods.filter((x) => x.ready && x.podIP !== undefined)) {
    const repl = parseInfoReplication(await deps.redis.info(targetOf(p), 'replication'));
    const masterPod = podForAddress(repl.masterHost, pods);
    roles.push({ pod: p.name, role: repl.role, ...(masterPod !== undefined ? { masterPod } : {}) });
    if (repl.role === 'replica' && repl.masterLinkStatus !== 'up' && p.name !== exceptPod)
      problems.push(`replica ${p.name} is not in sync with its primary (master_link_status down)`);
  }
  const masters = roles.filter((r) => r.role === 'master');
  for (const r of roles) {
    if (masters.length === 1 && r.role === 'replica' && r.masterPod !== masters[0]?.pod)
      problems.push(
        `replica ${r.pod} replicates ${r.masterPod ?? 'an unknown address'}, not the primary ${masters[0]?.pod ?? '?'}`,
      );
  }
  return { roles, problems };
}

async function sentinelTargets(redis: Redis, deps: StepDeps): Promise<RedisTarget[]> {
  const ref = sentinelRef(redis);
  if (ref === undefined) return [];
  const sentinel = await deps.kube.getRedisSentinel(ref.namespace, ref.name);
  if (sentinel === undefined) return [];
  const secret = await deps.kube.getSecret(ref.namespace, sentinelAuthSecretName(sentinel));
  const password = secret?.data['password'];
  const tls = await clientTls(sentinel, deps);
  const targets: RedisTarget[] = [];
  for (const name of sentinelPodNames(sentinel)) {
    const pod = await deps.kube.getPod(ref.namespace, name);
    if (pod?.ready === true && pod.podIP !== undefined)
      targets.push({ host: pod.podIP, port: SENTINEL_PORT, ...(password !== undefined ? { password } : {}), ...tls });
  }
  return targets;
}
