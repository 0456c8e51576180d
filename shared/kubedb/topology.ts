/**
 * Topology of a KubeDB Redis as KubeDB defines it: the mode, the Cluster shape's v1 defaults, pod names, the
 * RedisSentinel a Sentinel-mode Redis points at and the master name sentinels know it by. Pure: no I/O. The replies
 * that say who is master now are parsed in shared/redis/replies.ts; the names only the local simulator needs live in
 * infra/local/controllers/names.ts.
 *
 * Names follow KubeDB's redis_helpers.go (https://github.com/kubedb/apimachinery, apis/kubedb/v1): Standalone
 * `<name>` / `<name>-0`; Sentinel `<name>` / `<name>-0..N-1` plus the RedisSentinel's own PetSet `<sentinel>`; Cluster
 * one PetSet per shard `<name>-shard<i>` with pods `<name>-shard<i>-<j>`. Pod ordinals name pods, never roles: after a
 * failover the master of a shard may be any of its pods, so roles must come from the parsed replies.
 */
import type { ObjectMeta, Redis } from './types.ts';

export type RedisMode = 'Standalone' | 'Cluster' | 'Sentinel';

/** kubedb constants.go RedisSentinelPort. */
export const SENTINEL_PORT = 26379;

/** `kubedb.com/v1` RedisSentinel, the fields this project reads. */
export interface RedisSentinel {
  apiVersion: 'kubedb.com/v1';
  kind: 'RedisSentinel';
  metadata: ObjectMeta;
  spec: { version: string; replicas?: number; authSecret?: { name: string }; [key: string]: unknown };
  status?: { phase?: string; observedGeneration?: number; conditions?: unknown[] };
}

export const redisMode = (redis: Redis): RedisMode => redis.spec.mode ?? 'Standalone';

/** v1 semantics: shards default 3; replicas = pods per shard INCLUDING the master, default 2. */
export function clusterShape(redis: Redis): { shards: number; replicas: number } {
  return { shards: redis.spec.cluster?.shards ?? 3, replicas: redis.spec.cluster?.replicas ?? 2 };
}

/** Shard index of a Cluster-mode pod name (`<name>-shard<i>-<j>`); undefined for other pods. */
export function shardOf(podName: string): number | undefined {
  const m = /-shard(\d+)-\d+$/.exec(podName);
  return m ? Number(m[1]) : undefined;
}

export function sentinelRef(redis: Redis): { name: string; namespace: string } | undefined {
  const ref = redis.spec.sentinelRef;
  if (!ref?.name) return undefined;
  return { name: ref.name, namespace: ref.namespace ?? redis.metadata.namespace ?? 'default' };
}

/**
 * The name sentinels know a Redis by (`SENTINEL MONITOR <name> ...`; KubeDB's on-start.sh calls it
 * $REDIS_CLUSTER_REGISTERED_NAME, value unverified): `<namespace>/<redis-name>`. One RedisSentinel may monitor several
 * Redises, so the name must be unique per database; `/` cannot occur in either part, so it is unambiguous
 * (a `-` separator would make `a-b/c` and `a/b-c` collide). Sentinel accepts `/` in master names (checked on 7.0).
 */
export const sentinelMasterName = (redis: Redis): string =>
  `${redis.metadata.namespace ?? 'default'}/${redis.metadata.name}`;

export const sentinelReplicas = (sentinel: RedisSentinel): number => sentinel.spec.replicas ?? 3;
export const sentinelPodNames = (sentinel: RedisSentinel): string[] =>
  Array.from({ length: sentinelReplicas(sentinel) }, (_, i) => `${sentinel.metadata.name}-${i}`);
export const sentinelAuthSecretName = (sentinel: RedisSentinel): string =>
  sentinel.spec.authSecret?.name ?? `${sentinel.metadata.name}-auth`;
