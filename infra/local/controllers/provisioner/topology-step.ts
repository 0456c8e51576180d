/**
 * The provisioner's coordinator step for multi-pod topologies, after the workloads exist: Cluster mode forms /
 * repairs the cluster and judges its health (coordinator/cluster-coordinator.ts); Sentinel mode judges primary,
 * replicas and sentinel agreement (coordinator/sentinel-health.ts; the pods' start scripts do the rest, as in
 * KubeDB). Addresses come from the pods' status (the API), passwords from the auth secrets; talking to pods is
 * over the network only. Standalone has no topology (undefined).
 */
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import {
  clusterShape,
  podNames,
  redisMode,
  sentinelMasterName,
  sentinelPodNames,
  type RedisSentinel,
} from '../../../../shared/kubedb/topology.ts';
import { coordinateCluster, type PodAddress } from '../coordinator/cluster-coordinator.ts';
import { observeSentinelTopology } from '../coordinator/sentinel-health.ts';
import type { TopologyHealth } from '../coordinator/topology-health.ts';
import type { Logger } from '../runtime/log.ts';

export interface TopologyInputs {
  pod(namespace: string, name: string): V1Pod | undefined;
  secret(namespace: string, name: string): V1Secret | undefined;
}

export const secretPassword = (s: V1Secret | undefined): string | undefined => {
  const v = s?.data?.['password'];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

function addresses(inputs: TopologyInputs, namespace: string, names: string[]): PodAddress[] {
  return names.map((pod) => {
    const p = inputs.pod(namespace, pod);
    return { pod, ip: p && !p.metadata?.deletionTimestamp ? p.status?.podIP : undefined };
  });
}

export async function topologyStep(
  redis: Redis,
  ctx: {
    inputs: TopologyInputs;
    authSecret: string;
    sentinel?: { object: RedisSentinel; authSecret: string };
    log: Logger;
  },
): Promise<TopologyHealth | undefined> {
  const ns = redis.metadata.namespace ?? 'default';
  const password = secretPassword(ctx.inputs.secret(ns, ctx.authSecret));
  const mode = redisMode(redis);
  if (mode === 'Cluster') {
    const round = await coordinateCluster(
      addresses(ctx.inputs, ns, podNames(redis)),
      clusterShape(redis),
      password,
      ctx.log,
    );
    return round.health;
  }
  if (mode === 'Sentinel' && ctx.sentinel) {
    const s = ctx.sentinel.object;
    const sns = s.metadata.namespace ?? ns;
    const observed = await observeSentinelTopology({
      dataPods: addresses(ctx.inputs, ns, podNames(redis)),
      sentinels: addresses(ctx.inputs, sns, sentinelPodNames(s)),
      masterName: sentinelMasterName(redis),
      password,
      sentinelPassword: secretPassword(ctx.inputs.secret(sns, ctx.sentinel.authSecret)),
    });
    return observed.health;
  }
  return undefined;
}
