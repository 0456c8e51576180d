/**
 * The KubeDB-like coordinator step for Cluster mode, run by the provisioner: observe every pod over the network
 * (`CLUSTER NODES`, `CLUSTER INFO`), apply one round of cluster-plan.ts, and report health. It is a Redis client only;
 * it never touches processes. Each action is idempotent on the Redis side (MEET of a known node, REPLICATE of the
 * current master, ADDSLOTSRANGE only for unowned slots), and the next round re-observes before deciding again.
 */
import { parseClusterNodes, parseInfo } from '../../../../shared/redis/replies.ts';
import { shardOf } from '../../../../shared/kubedb/topology.ts';
import { ordinalOf } from '../names.ts';
import type { Logger } from '../runtime/log.ts';
import { redisCall, RedisUnreachableError, withRedis, type RedisAccess } from '../runtime/redis-client.ts';
import { clusterHealth } from './cluster-health.ts';
import { planCluster, type ClusterAction, type ClusterShapeInput, type PodView } from './cluster-plan.ts';
import type { TopologyHealth } from './topology-health.ts';

export interface PodAddress {
  pod: string;
  /** Undefined while the pod has no address (not created / not started). */
  ip: string | undefined;
}

async function observe(p: PodAddress, access: RedisAccess): Promise<PodView> {
  const base = { pod: p.pod, shard: shardOf(p.pod) ?? -1, ordinal: ordinalOf(p.pod) ?? -1, ip: p.ip ?? '' };
  if (!p.ip) return base;
  try {
    return await withRedis(
      { host: p.ip, port: 6379, ...access },
      async (c) => {
        const nodes = parseClusterNodes(String(await c.call('CLUSTER', 'NODES')));
        const info = parseInfo(String(await c.call('CLUSTER', 'INFO')));
        return { ...base, nodes, ...(info['cluster_state'] ? { clusterState: info['cluster_state'] } : {}) };
      },
      1000,
    );
  } catch (err) {
    if (err instanceof RedisUnreachableError) return base;
    throw err;
  }
}

function command(a: ClusterAction): (string | number)[] {
  switch (a.kind) {
    case 'meet':
      return ['CLUSTER', 'MEET', a.ip, a.port];
    case 'addSlots':
      return ['CLUSTER', 'ADDSLOTSRANGE', ...a.ranges.flat()];
    case 'replicate':
      return ['CLUSTER', 'REPLICATE', a.masterId];
    case 'forget':
      return ['CLUSTER', 'FORGET', a.nodeId];
  }
}

interface ClusterRound {
  health: TopologyHealth;
  /** Commands sent this round (empty when the cluster needed nothing). */
  actions: ClusterAction[];
  waiting?: string;
}

export async function coordinateCluster(
  pods: PodAddress[],
  shape: ClusterShapeInput,
  /** Password and, for a TLS-only cluster, the client certificate (CLUSTER MEET etc. go over TLS too). */
  access: RedisAccess,
  log: Logger,
): Promise<ClusterRound> {
  const views = await Promise.all(pods.map((p) => observe(p, access)));
  const plan = planCluster(views, shape);
  const byPod = new Map(views.map((v) => [v.pod, v.ip]));
  for (const action of plan.actions) {
    const [cmd, ...args] = command(action);
    try {
      await redisCall({ host: byPod.get(action.on)!, port: 6379, ...access }, String(cmd), ...args);
      log.info('cluster coordinator', { on: action.on, command: command(action).join(' ') });
    } catch (err) {
      // Not fatal: the next round re-observes (e.g. FORGET refused for a replica's own master until it moves).
      log.warn('cluster coordinator: command failed', {
        on: action.on,
        command: command(action).slice(0, 3).join(' '),
        err,
      });
    }
  }
  return {
    health: clusterHealth(views, shape),
    actions: plan.actions,
    ...(plan.waiting ? { waiting: plan.waiting } : {}),
  };
}
