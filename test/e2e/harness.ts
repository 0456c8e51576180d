/**
 * Shared pieces of the end-to-end suites: the whole local stack (real API server over HTTPS, real redis-server
 * pods, fauxqs, the Lambda runner on the built bundles, the forwarder process), and what a user would look at.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node';
import type { Redis, RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { applyObjects } from '../../infra/local/manifests.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';
import { configGetOnPod } from '../../infra/local/redis-query.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack.ts';
import { waitFor } from '../../infra/local/wait.ts';

/** The local stack in a fresh temp state dir (function logs in `<stateDir>/logs/<function>.log`). */
export async function startTestStack(
  opts: Partial<LocalStackOptions> = {},
): Promise<LocalStack & { stateDir: string; cleanup(): Promise<void> }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-e2e-'));
  const stack = await startLocalStack({ stateDir, resyncSeconds: 5, stallSeconds: 10, ...opts });
  return {
    ...stack,
    stateDir,
    cleanup: async () => {
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export async function createDatabase(
  kc: KubeConfig,
  ns: string,
  name: string,
  conf: string | undefined,
  extraSpec: Record<string, unknown> = {},
): Promise<void> {
  const objects: Array<Record<string, unknown>> = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }];
  if (conf !== undefined) objects.push(configSecret(ns, `${name}-user-config`, conf));
  objects.push({
    apiVersion: 'kubedb.com/v1',
    kind: 'Redis',
    metadata: { name, namespace: ns },
    spec: {
      version: '8.2.2',
      storageType: 'Durable',
      storage: {
        storageClassName: 'standard',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
      ...(conf !== undefined ? { configuration: { secretName: `${name}-user-config` } } : {}),
      ...extraSpec,
    },
  });
  await applyObjects(kc, objects);
}

export const configSecret = (ns: string, name: string, conf: string, key = 'redis.conf') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns },
  type: 'Opaque',
  data: { [key]: Buffer.from(conf).toString('base64') },
});

export const reconfigure = (
  ns: string,
  name: string,
  db: string,
  configuration: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  apiVersion: 'ops.kubedb.com/v1alpha1',
  kind: 'RedisOpsRequest',
  metadata: { name, namespace: ns },
  spec: { type: 'Reconfigure', databaseRef: { name: db }, configuration, ...extra },
});

export async function getRedis(kc: KubeConfig, ns: string, name: string): Promise<Redis> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'kubedb.com',
    version: 'v1',
    plural: 'redises',
    namespace: ns,
    name,
  })) as Redis;
}

export async function getOps(kc: KubeConfig, ns: string, name: string): Promise<RedisOpsRequest> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'ops.kubedb.com',
    version: 'v1alpha1',
    plural: 'redisopsrequests',
    namespace: ns,
    name,
  })) as RedisOpsRequest;
}

export async function waitDatabaseReady(kc: KubeConfig, ns: string, name: string): Promise<void> {
  await waitFor(
    `Redis ${ns}/${name} Ready`,
    async () => ((await getRedis(kc, ns, name)).status?.phase === 'Ready' ? true : undefined),
    { timeoutMs: 60_000 },
  );
}

export async function runOpsRequest(
  kc: KubeConfig,
  ops: ReturnType<typeof reconfigure>,
  timeoutMs = 120_000,
): Promise<RedisOpsRequest> {
  await applyObjects(kc, [ops] as never);
  return followOpsRequest(kc, ops.metadata.namespace, ops.metadata.name, () => undefined, { timeoutMs });
}

export const maxclients = (kc: KubeConfig, ns: string, db: string): Promise<string | undefined> =>
  configGetOnPod(kc, ns, `${db}-0`, db, 'maxclients');

export const isPaused = (redis: Redis): boolean =>
  (redis.status?.conditions ?? []).some((c) => c.type === 'Paused' && c.status === 'True');

export const conditionTypes = (ops: RedisOpsRequest): string[] => (ops.status?.conditions ?? []).map((c) => c.type);

export async function podUid(kc: KubeConfig, ns: string, pod: string): Promise<string | undefined> {
  return (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: ns, name: pod })).metadata?.uid;
}

/** Every distinct uid a pod name had while the watch ran: 2 means exactly one restart. */
export async function watchPodUids(
  kc: KubeConfig,
  ns: string,
  pod: string,
): Promise<{ uids: Set<string>; stop(): void }> {
  const uids = new Set<string>();
  const req = await new Watch(kc).watch(
    `/api/v1/namespaces/${ns}/pods`,
    {},
    (_type: string, obj: V1Pod) => {
      if (obj.metadata?.name === pod && obj.metadata.uid !== undefined) uids.add(obj.metadata.uid);
    },
    () => undefined,
  );
  return { uids, stop: () => req.abort() };
}
