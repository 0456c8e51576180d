/**
 * Names only the local simulator uses: how its provisioner lays out PetSets and pods, the labels it selects by, how
 * its start scripts form a cluster and a sentinel quorum. They live here, not in shared/kubedb, so that the product
 * and its test double do not share one naming model: a mistake here cannot make the product agree with it by
 * construction. What KubeDB itself defines (modes, shapes, sentinel names) stays in shared/kubedb/topology.ts.
 */
import { clusterShape, redisMode } from '../../../shared/kubedb/topology.ts';
import type { Redis } from '../../../shared/kubedb/types.ts';
import { CLUSTER_SLOTS } from '../../../shared/redis/replies.ts';

/** Redis Cluster bus port = data port + 10000 (kubedb constants.go RedisGossipPort). */
export const CLUSTER_BUS_PORT = 16379;

/** `RedisShardKey` (kubedb constants.go: RedisKey + "/shard"). Whether KubeDB puts it on pods, and with which value, is unverified. */
export const SHARD_LABEL = 'redis.kubedb.com/shard';
/** The PetSet a pod belongs to (a local label: KubeDB's exact key, if any, is unverified). Select by it, not by name prefixes. */
export const PETSET_NAME_LABEL = 'local.kubedb.dev/petset';
/** kubedb constants.go RedisSentinelContainerName. */
export const SENTINEL_CONTAINER = 'redissentinel';
export const SENTINEL_RESOURCE_NAME = 'redissentinels.kubedb.com';

/** Data pods of a Sentinel-mode Redis (spec.replicas, default 3); Standalone always 1. */
export function dataReplicas(redis: Redis): number {
  return redisMode(redis) === 'Sentinel' ? (redis.spec.replicas ?? 3) : 1;
}

const shardPetSetName = (redisName: string, shard: number): string => `${redisName}-shard${shard}`;

export function petSetNames(redis: Redis): string[] {
  const name = redis.metadata.name;
  if (redisMode(redis) !== 'Cluster') return [name];
  return Array.from({ length: clusterShape(redis).shards }, (_, i) => shardPetSetName(name, i));
}

/** Every pod the Redis should have, shard-major in Cluster mode (`x-shard0-0`, `x-shard0-1`, `x-shard1-0`, ...). */
export function podNames(redis: Redis): string[] {
  if (redisMode(redis) === 'Cluster') {
    const { replicas } = clusterShape(redis);
    return petSetNames(redis).flatMap((ps) => Array.from({ length: replicas }, (_, j) => `${ps}-${j}`));
  }
  return Array.from({ length: dataReplicas(redis) }, (_, j) => `${redis.metadata.name}-${j}`);
}

/** PetSet ordinal of a pod name (`...-<j>`). */
export function ordinalOf(podName: string): number | undefined {
  const m = /-(\d+)$/.exec(podName);
  return m ? Number(m[1]) : undefined;
}

/** The slot range of shard i when slots are spread evenly over `shards` masters at formation. */
export function shardSlotRange(shard: number, shards: number): [number, number] {
  return [Math.floor((shard * CLUSTER_SLOTS) / shards), Math.floor(((shard + 1) * CLUSTER_SLOTS) / shards) - 1];
}

/**
 * Quorum for `SENTINEL MONITOR`: a strict majority, floor(n/2)+1. KubeDB's on-start.sh computes (n+1)/2 in integer
 * arithmetic, which is the same for odd n (the usual 3 or 5) and one less for even n.
 */
export const sentinelQuorum = (sentinels: number): number => Math.floor(sentinels / 2) + 1;
