/**
 * Cluster health the way KubeDB's e2e `WaitUntilRedisClusterConfigured` judges it (kubedb/tests
 * e2e/framework/redis_cluster.go, https://github.com/kubedb/tests): all 16384 slots covered, as many slot-holding masters as
 * shards, every master with `replicas-1` replicas; plus every pod a member and `cluster_state:ok` everywhere.
 * Degraded (Critical) = some pod still reports `cluster_state:ok`, i.e. the cluster still serves. Pure.
 */
import { CLUSTER_SLOTS, isFailedNode, slotCount } from '../../../../shared/redis/replies.ts';
import { myself, referenceView, type ClusterShapeInput, type PodView } from './cluster-plan.ts';
import type { TopologyHealth } from './topology-health.ts';

function problems(views: PodView[], shape: ClusterShapeInput): string[] {
  const out: string[] = [];
  const down = views.filter((v) => !v.nodes).map((v) => v.pod);
  if (down.length) out.push(`not reachable: ${down.join(', ')}`);
  const ref = referenceView(views);
  if (!ref) return out;
  const nodes = ref.nodes ?? [];
  const masters = nodes.filter((n) => n.role === 'master' && !isFailedNode(n) && n.slots.length > 0);
  const covered = masters.reduce((sum, n) => sum + slotCount(n), 0);
  if (covered !== CLUSTER_SLOTS) out.push(`${covered} of ${CLUSTER_SLOTS} slots covered`);
  if (masters.length !== shape.shards) out.push(`${masters.length} masters for ${shape.shards} shards`);
  for (const m of masters) {
    const replicas = nodes.filter(
      (n) => n.role === 'replica' && n.masterId === m.nodeId && !isFailedNode(n) && n.linkState === 'connected',
    ).length;
    if (replicas !== shape.replicas - 1) out.push(`master ${m.ip} has ${replicas} of ${shape.replicas - 1} replicas`);
  }
  const strangers = views
    .filter((v) => v.nodes && !nodes.some((n) => n.nodeId === myself(v)?.nodeId && !isFailedNode(n)))
    .map((v) => v.pod);
  if (strangers.length) out.push(`not cluster members: ${strangers.join(', ')}`);
  const notOk = views.filter((v) => v.nodes && v.clusterState !== 'ok').map((v) => v.pod);
  if (notOk.length) out.push(`cluster_state not ok on ${notOk.join(', ')}`);
  return out;
}

export function clusterHealth(views: PodView[], shape: ClusterShapeInput): TopologyHealth {
  const found = problems(views, shape);
  if (found.length === 0)
    return { state: 'healthy', message: `${shape.shards} shards × ${shape.replicas} pods, all slots covered` };
  const serving = views.some((v) => v.clusterState === 'ok');
  return { state: serving ? 'degraded' : 'down', message: found.join('; ') };
}
