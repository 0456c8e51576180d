/**
 * Topology of a KubeDB Redis: workload and pod names per mode, the sentinel master-name convention, and parsers of
 * the Redis replies that say who is master now (`CLUSTER NODES`, `INFO replication`). Pure: no I/O.
 *
 * Names follow kubedb-reconfigure.md §2.6 (apimachinery redis_helpers.go): Standalone `<name>` / `<name>-0`;
 * Sentinel `<name>` / `<name>-0..N-1` plus the RedisSentinel's own PetSet `<sentinel>`; Cluster one PetSet per
 * shard `<name>-shard<i>` with pods `<name>-shard<i>-<j>`. Pod ordinals name pods, never roles: after a failover
 * the master of a shard may be any of its pods, so roles must come from the parsers below.
 */
import type { ObjectMeta, Redis } from './types.ts';

export type RedisMode = 'Standalone' | 'Cluster' | 'Sentinel';

export const CLUSTER_SLOTS = 16384;
export const SENTINEL_PORT = 26379;
/** Redis Cluster bus port = data port + 10000 (kubedb constants.go RedisGossipPort). */
export const CLUSTER_BUS_PORT = 16379;

/** `RedisShardKey` (kubedb constants.go: RedisKey + "/shard"). Whether KubeDB puts it on pods, and with which value, is unverified. */
export const SHARD_LABEL = 'redis.kubedb.com/shard';
/** The PetSet a pod belongs to (a local label: KubeDB's exact key, if any, is unverified). Select by it, not by name prefixes. */
export const PETSET_NAME_LABEL = 'local.kubedb.dev/petset';
/** kubedb constants.go RedisSentinelContainerName. */
export const SENTINEL_CONTAINER = 'redissentinel';
export const SENTINEL_RESOURCE_NAME = 'redissentinels.kubedb.com';

/** `kubedb.com/v1` RedisSentinel, the fields the local stack reads. */
export interface RedisSentinel {
  apiVersion: 'kubedb.com/v1';
  kind: 'RedisSentinel';
  metadata: ObjectMeta;
  spec: { version: string; replicas?: number; authSecret?: { name: string }; [key: string]: unknown };
  status?: { phase?: string; observedGeneration?: number; conditions?: unknown[] };
}

export const redisMode = (redis: Redis): RedisMode => redis.spec.mode ?? 'Standalone';

/** v1 semantics (§2.2): shards default 3; replicas = pods per shard INCLUDING the master, default 2. */
export function clusterShape(redis: Redis): { shards: number; replicas: number } {
  return { shards: redis.spec.cluster?.shards ?? 3, replicas: redis.spec.cluster?.replicas ?? 2 };
}

/** Data pods of a Sentinel-mode Redis (spec.replicas, default 3); Standalone always 1. */
export function dataReplicas(redis: Redis): number {
  return redisMode(redis) === 'Sentinel' ? (redis.spec.replicas ?? 3) : 1;
}

export const shardPetSetName = (redisName: string, shard: number): string => `${redisName}-shard${shard}`;

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

/** Shard index of a Cluster-mode pod name (`<name>-shard<i>-<j>`); undefined for other pods. */
export function shardOf(podName: string): number | undefined {
  const m = /-shard(\d+)-\d+$/.exec(podName);
  return m ? Number(m[1]) : undefined;
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

/**
 * Quorum for `SENTINEL MONITOR`: a strict majority, floor(n/2)+1. KubeDB's on-start.sh computes (n+1)/2 in integer
 * arithmetic, which is the same for odd n (the usual 3 or 5) and one less for even n.
 */
export const sentinelQuorum = (sentinels: number): number => Math.floor(sentinels / 2) + 1;

/** What a pod is now, as observed on the wire (never inferred from its ordinal). */
export interface ObservedRole {
  pod: string;
  role: 'master' | 'replica';
  shard?: number;
  /** For a replica: the pod it replicates from, when known. */
  masterPod?: string;
}

/** One line of `CLUSTER NODES` (https://redis.io/docs/latest/commands/cluster-nodes/). */
export interface ClusterNode {
  nodeId: string;
  ip: string;
  port: number;
  busPort: number;
  role: 'master' | 'replica' | 'unknown';
  /** For a replica: the node id of its master. */
  masterId: string | undefined;
  /** Inclusive slot ranges served; importing/migrating markers (`[slot->-id]`) are left out. */
  slots: [number, number][];
  linkState: 'connected' | 'disconnected';
  configEpoch: number;
  /** myself, master, slave, fail?, fail, handshake, noaddr, nofailover, noflags. */
  flags: string[];
}

function parseAddress(addr: string): { ip: string; port: number; busPort: number } {
  const [hostPort = '', bus = '0'] = (addr.split(',')[0] ?? '').split('@');
  const colon = hostPort.lastIndexOf(':');
  return { ip: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) || 0, busPort: Number(bus) || 0 };
}

function parseSlots(tokens: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const t of tokens) {
    if (t.startsWith('[')) continue;
    const [a, b] = t.split('-');
    const start = Number(a);
    const end = b === undefined ? start : Number(b);
    if (Number.isInteger(start) && Number.isInteger(end)) out.push([start, end]);
  }
  return out;
}

export function parseClusterNodes(text: string): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length < 8) continue;
    const flags = (t[2] ?? '').split(',');
    const master = t[3] ?? '-';
    nodes.push({
      nodeId: t[0]!,
      ...parseAddress(t[1]!),
      role: flags.includes('master') ? 'master' : flags.includes('slave') ? 'replica' : 'unknown',
      masterId: master === '-' ? undefined : master,
      slots: parseSlots(t.slice(8)),
      linkState: t[7] === 'connected' ? 'connected' : 'disconnected',
      configEpoch: Number(t[6]) || 0,
      flags,
    });
  }
  return nodes;
}

/** A node that is failed or unreachable as far as the reporting node knows. */
export const isFailedNode = (n: ClusterNode): boolean =>
  n.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'noaddr' || f === 'handshake');

export const slotCount = (n: ClusterNode): number => n.slots.reduce((sum, [a, b]) => sum + (b - a + 1), 0);

/** `INFO` sections as key → value (lines `key:value`; `#` headers and blanks skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export interface ReplicaEntry {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

export interface ReplicationInfo {
  role: 'master' | 'replica';
  /** Replica only. */
  masterHost?: string;
  masterPort?: number;
  masterLinkStatus?: 'up' | 'down';
  /** Master only: the replicas attached now (`slaveN:` lines). */
  replicas: ReplicaEntry[];
  masterReplOffset: number;
}

function parseReplicaEntry(value: string): ReplicaEntry {
  const kv = Object.fromEntries(value.split(',').map((p) => p.split('=') as [string, string]));
  return {
    ip: kv['ip'] ?? '',
    port: Number(kv['port']) || 0,
    state: kv['state'] ?? '',
    offset: Number(kv['offset']) || 0,
    lag: Number(kv['lag']) || 0,
  };
}

/** `INFO replication` → role (Redis says `slave`, we say `replica`), master address and link, attached replicas. */
export function parseInfoReplication(text: string): ReplicationInfo {
  const info = parseInfo(text);
  const replicas = Object.keys(info)
    .filter((k) => /^slave\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((k) => parseReplicaEntry(info[k]!));
  const base = { replicas, masterReplOffset: Number(info['master_repl_offset']) || 0 };
  if (info['role'] !== 'slave') return { role: 'master', ...base };
  return {
    role: 'replica',
    ...base,
    ...(info['master_host'] ? { masterHost: info['master_host'] } : {}),
    ...(info['master_port'] ? { masterPort: Number(info['master_port']) } : {}),
    masterLinkStatus: info['master_link_status'] === 'up' ? 'up' : 'down',
  };
}

/** Sentinel replies such as `SENTINEL MASTER` / `SENTINEL REPLICAS` entries are flat [k1, v1, k2, v2, ...] arrays. */
export function pairsToRecord(flat: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}
