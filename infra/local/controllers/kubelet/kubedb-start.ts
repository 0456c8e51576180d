/**
 * Which KubeDB start script a pod's database container runs (redis-init-docker init_scripts/run.sh picks it by
 * $REDIS_MODE; sentinel pods run sentinel.sh), emulated whatever the image and command say:
 * - RedisSentinel pods (label app.kubernetes.io/name=redissentinels.kubedb.com): sentinel.sh (kubedb-sentinel-server.ts);
 * - REDIS_MODE=Cluster: cluster on-start.sh = the standalone start plus `--cluster-announce-ip <podIP>` (and the
 *   announce ports / preferred endpoint type the script passes). nodes.conf lives at `cluster-config-file
 *   /data/nodes.conf`, i.e. in the pod's persistent volume, so a restarted pod rejoins with its node id; the pod's
 *   sticky IP (ip-allocator.ts) keeps the address the other nodes recorded for it valid;
 * - REDIS_MODE=Sentinel: sentinel on-start.sh (kubedb-sentinel-mode.ts);
 * - otherwise the standalone on-start.sh (kubedb-redis-start.ts).
 */
import { CLUSTER_BUS_PORT, SENTINEL_RESOURCE_NAME } from '../names.ts';
import { planRedisStart, REDIS_PORT, type RedisStartPlan } from './kubedb-redis-start.ts';
import { planSentinelModeRedisStart } from './kubedb-sentinel-mode.ts';
import { planSentinelServerStart } from './kubedb-sentinel-server.ts';
import { baseStart, type StartContext } from './start-context.ts';

function clusterAnnounceArgs(podIP: string): string[] {
  return [
    '--cluster-announce-ip',
    podIP,
    '--cluster-announce-port',
    String(REDIS_PORT),
    '--cluster-announce-bus-port',
    String(CLUSTER_BUS_PORT),
    '--cluster-preferred-endpoint-type',
    'ip',
  ];
}

export async function planKubeDbStart(ctx: StartContext): Promise<RedisStartPlan> {
  if (ctx.pod.metadata?.labels?.['app.kubernetes.io/name'] === SENTINEL_RESOURCE_NAME)
    return planSentinelServerStart(ctx);
  switch (ctx.env['REDIS_MODE']) {
    case 'Cluster':
      return planRedisStart({ ...baseStart(ctx), modeArgs: clusterAnnounceArgs(ctx.podIP) });
    case 'Sentinel':
      return planSentinelModeRedisStart(ctx);
    default:
      return planRedisStart(baseStart(ctx));
  }
}
