/**
 * Helpers for Cluster / Sentinel controller tests: talk to pods by their IP, read roles from the wire, evict pods.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { redisCall } from '../runtime/redis-client.ts';
import type { KubeApis } from '../runtime/kube.ts';
import {
  parseClusterNodes,
  parseInfoReplication,
  type ClusterNode,
  type ReplicationInfo,
} from '../../../../shared/redis/replies.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL, SENTINEL_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { getRedis, isReady, waitFor } from './harness.ts';

export const cmd = (
  ip: string,
  port: number,
  password: string | undefined,
  ...args: (string | number)[]
): Promise<unknown> => redisCall({ host: ip, port, password }, String(args[0]), ...args.slice(1));

export async function clusterNodes(ip: string, password: string): Promise<ClusterNode[]> {
  return parseClusterNodes(String(await cmd(ip, 6379, password, 'CLUSTER', 'NODES')));
}

export async function replication(ip: string, password: string): Promise<ReplicationInfo> {
  return parseInfoReplication(String(await cmd(ip, 6379, password, 'INFO', 'replication')));
}

export async function ipOf(apis: KubeApis, namespace: string, pod: string): Promise<string> {
  return (await apis.core.readNamespacedPod({ name: pod, namespace })).status?.podIP ?? '';
}

export async function evict(apis: KubeApis, namespace: string, name: string): Promise<string> {
  const before = await apis.core.readNamespacedPod({ name, namespace });
  await apis.core.createNamespacedPodEviction({
    name,
    namespace,
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
  });
  return before.metadata?.uid ?? '';
}

/** Wait until the pod was replaced (new uid) and the new one is Ready. */
export async function replaced(
  apis: KubeApis,
  namespace: string,
  name: string,
  oldUid: string,
  timeoutMs = 60_000,
): Promise<V1Pod> {
  return waitFor(
    `${namespace}/${name} recreated and Ready`,
    async () => {
      const pod = await apis.core.readNamespacedPod({ name, namespace });
      return pod.metadata?.uid !== oldUid && isReady(pod) && !pod.metadata?.deletionTimestamp ? pod : undefined;
    },
    timeoutMs,
    100,
  );
}

async function redisPhase(apis: KubeApis, namespace: string, name: string): Promise<string | undefined> {
  return (await getRedis(apis, namespace, name)).status?.phase;
}

export async function waitPhase(
  apis: KubeApis,
  namespace: string,
  name: string,
  phase: string,
  timeoutMs = 90_000,
): Promise<void> {
  try {
    await waitFor(
      `Redis ${namespace}/${name} ${phase}`,
      async () => ((await redisPhase(apis, namespace, name)) === phase ? true : undefined),
      timeoutMs,
      100,
    );
  } catch (err) {
    // Say why: the provisioner's own account of the topology is in the status conditions.
    const status = (await getRedis(apis, namespace, name)).status;
    throw new Error(`${(err as Error).message}; status: ${JSON.stringify(status)}`, { cause: err });
  }
}

export async function applyObject(apis: KubeApis, body: Record<string, unknown>): Promise<void> {
  const kind = body['kind'];
  const namespace = (body['metadata'] as { namespace?: string }).namespace ?? 'default';
  const plural = kind === 'RedisSentinel' ? SENTINEL_PLURAL : REDIS_PLURAL;
  await apis.custom.createNamespacedCustomObject({
    group: KUBEDB_GROUP,
    version: KUBEDB_VERSION,
    namespace,
    plural,
    body,
  });
}
