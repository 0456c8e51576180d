/**
 * What the database looks like right now, read on the wire: who is master, whether the topology is healthy. Roles
 * come from Redis itself (CLUSTER NODES, INFO replication, the sentinels), never from pod ordinals — after one
 * failover the master of a shard may be any of its pods.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { authSecretName, REDIS_PORT } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import {
  clusterShape, isFailedNode, parseClusterNodes, parseInfo, parseInfoReplication, redisMode, sentinelAuthSecretName,
  sentinelMasterName, sentinelPodNames, sentinelRef, shardOf, slotCount, CLUSTER_SLOTS, SENTINEL_PORT, type ObservedRole, type RedisMode,
} from '../../kubedb/topology.ts';
import type { PodView, RedisTarget, StepDeps } from '../ports.ts';
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

/** Credentials for the database's pods: the auth secret's username/password (`<name>-auth` unless spec.authSecret). */
export async function credentials(redis: Redis, deps: StepDeps): Promise<{ username?: string; password?: string }> {
  const ns = redis.metadata.namespace ?? '';
  const name = redis.spec.authSecret?.name ?? authSecretName(redis.metadata.name);
  const secret = await deps.kube.getSecret(ns, name);
  if (secret === undefined) throw new OpsRequestFailedError('AuthSecretNotFound', `auth secret ${ns}/${name} of Redis ${redis.metadata.name} not found`);
  const { username, password } = secret.data;
  return { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

export async function observeTopology(redis: Redis, deps: StepDeps): Promise<Topology> {
  const ns = redis.metadata.namespace ?? '';
  const pods = await deps.kube.listDatabasePods(ns, redis.metadata.name);
  const mode = redisMode(redis);
  const base = { mode, pods, nodeIdByPod: new Map<string, string>(), sentinels: [] as RedisTarget[] };
  const notReady = pods.filter((p) => !p.ready || p.deleting).map((p) => `pod ${p.name} is not Ready`);
  if (mode === 'Standalone') return { ...base, roles: pods.map((p) => ({ pod: p.name, role: 'master' as const })), problems: notReady };
  const auth = await credentials(redis, deps);
  const targetOf = (p: PodView): RedisTarget => ({ host: p.podIP ?? '', port: REDIS_PORT, ...auth });
  if (mode === 'Cluster') {
    const cluster = await observeCluster(redis, pods, targetOf, deps);
    return { ...base, ...cluster, problems: [...notReady, ...cluster.problems] };
  }
  return observeSentinel(redis, { ...base }, notReady, targetOf, deps);
}

async function observeCluster(redis: Redis, pods: PodView[], targetOf: (p: PodView) => RedisTarget, deps: StepDeps): Promise<{ roles: ObservedRole[]; problems: string[]; nodeIdByPod: Map<string, string> }> {
  const reporter = pods.find((p) => p.ready && p.podIP !== undefined);
  if (reporter === undefined) return { roles: [], problems: ['no Ready pod to ask for the cluster state'], nodeIdByPod: new Map() };
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
    roles.push({ pod, role: n.role, ...(shard !== undefined ? { shard } : {}), ...(masterPod !== undefined ? { masterPod } : {}) });
  }
  const problems = clusterProblems({ state: info['cluster_state'], nodes, expected: clusterShape(redis), slots: CLUSTER_SLOTS, isFailed: isFailedNode, slotCount });
  return { roles, problems, nodeIdByPod };
}

async function observeSentinel(redis: Redis, base: Omit<Topology, 'roles' | 'problems'>, notReady: string[], targetOf: (p: PodView) => RedisTarget, deps: StepDeps): Promise<Topology> {
  const problems = [...notReady];
  const roles: ObservedRole[] = [];
  const podByIp = new Map(base.pods.filter((p) => p.podIP !== undefined).map((p) => [p.podIP as string, p.name]));
  for (const p of base.pods.filter((x) => x.ready && x.podIP !== undefined)) {
    const repl = parseInfoReplication(await deps.redis.info(targetOf(p), 'replication'));
    const masterPod = repl.masterHost !== undefined ? podByIp.get(repl.masterHost) : undefined;
    roles.push({ pod: p.name, role: repl.role, ...(masterPod !== undefined ? { masterPod } : {}) });
    if (repl.role === 'replica' && repl.masterLinkStatus !== 'up') problems.push(`replica ${p.name} is not in sync with its primary (master_link_status down)`);
  }
  const masters = roles.filter((r) => r.role === 'master');
  if (masters.length !== 1) problems.push(`expected exactly one primary, found ${masters.length}`);
  const sentinels = await sentinelTargets(redis, deps);
  const primaryIp = base.pods.find((p) => p.name === masters[0]?.pod)?.podIP;
  for (const s of sentinels) {
    const addr = await deps.redis.sentinelPrimary(s, sentinelMasterName(redis));
    if (addr?.host !== primaryIp) problems.push(`sentinel ${s.host} names ${addr?.host ?? 'no'} primary, not ${primaryIp ?? '?'}`);
  }
  return { ...base, roles, problems, sentinels };
}

async function sentinelTargets(redis: Redis, deps: StepDeps): Promise<RedisTarget[]> {
  const ref = sentinelRef(redis);
  if (ref === undefined) return [];
  const sentinel = await deps.kube.getRedisSentinel(ref.namespace, ref.name);
  if (sentinel === undefined) return [];
  const secret = await deps.kube.getSecret(ref.namespace, sentinelAuthSecretName(sentinel));
  const password = secret?.data['password'];
  const targets: RedisTarget[] = [];
  for (const name of sentinelPodNames(sentinel)) {
    const pod = await deps.kube.getPod(ref.namespace, name);
    if (pod?.ready === true && pod.podIP !== undefined) targets.push({ host: pod.podIP, port: SENTINEL_PORT, ...(password !== undefined ? { password } : {}) });
  }
  return targets;
}
