/**
 * A local cluster for controller tests: the real-protocol API server over HTTPS, the three controllers as API
 * clients, real redis-server pods. Everything lives in one temp dir and is torn down by `stop()`.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { Redis as RedisClient } from 'ioredis';
import { startKubeApiServer, type KubeApiServer } from '../../kube-apiserver/index.ts';
import {
  applyDefaultRedisVersions,
  loadKubeConfig,
  startControllers,
  type Controllers,
  type KubeletOptions,
} from '../index.ts';
import { makeApis, mergePatch, type KubeApis } from '../runtime/kube.ts';
import { runsFrom } from '../kubelet/stale-processes.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';

export interface LocalCluster {
  api: KubeApiServer;
  kc: KubeConfig;
  apis: KubeApis;
  /** Replaceable: a test may stop the controllers and start new ones on the same node state. */
  controllers: Controllers;
  dir: string;
  nodeStateDir: string;
  stop(): Promise<void>;
}

export const KUBELET_TEST_OPTIONS = { backoff: { initialMs: 200, maxMs: 2000 } };

/** `kubelet` options are added to KUBELET_TEST_OPTIONS (e.g. a readiness probe time scale). */
export async function startLocalCluster(kubelet: Omit<KubeletOptions, 'stateDir'> = {}): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'controllers-it-'));
  const api = await startKubeApiServer({ stateDir: join(dir, 'api') });
  const kc = loadKubeConfig({ yaml: api.kubeconfig() });
  const controllers = await startControllers(kc, {
    stateDir: join(dir, 'node'),
    kubelet: { ...KUBELET_TEST_OPTIONS, ...kubelet },
  });
  await applyDefaultRedisVersions(kc);
  const cluster: LocalCluster = {
    api,
    kc,
    apis: makeApis(kc),
    controllers,
    dir,
    nodeStateDir: join(dir, 'node'),
    async stop() {
      await this.controllers.stop();
      const survivors = await processesMentioning(dir);
      await api.stop();
      if (survivors.length > 0) throw new Error(`processes left running after stop(): ${survivors.join(', ')}`);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/**
 * PIDs of processes that run from `dir` (Linux /proc): catches any redis-server the kubelet left behind. By working
 * directory as well as command line: redis-server replaces its command line with a proc title that names no path.
 */
async function processesMentioning(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (await runsFrom(Number(entry), dir)) pids.push(Number(entry));
  }
  return pids;
}

/** Poll until `probe` returns a value (not undefined), or fail with the last observation after the deadline. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** Assert that `check` keeps passing for `ms` (proving a negative: "the controller leaves it alone"). */
export async function holdsFor(ms: number, check: () => Promise<void>, intervalMs = 50): Promise<void> {
  const end = Date.now() + ms;
  do {
    await check();
    await new Promise((r) => setTimeout(r, intervalMs));
  } while (Date.now() < end);
  await check();
}

export const redisRef = (namespace: string, name: string) => ({
  group: KUBEDB_GROUP,
  version: KUBEDB_VERSION,
  plural: REDIS_PLURAL,
  namespace,
  name,
});

export async function getRedis(apis: KubeApis, namespace: string, name: string): Promise<Redis> {
  return (await apis.custom.getNamespacedCustomObject(redisRef(namespace, name))) as Redis;
}

export async function readSecretKey(
  apis: KubeApis,
  namespace: string,
  name: string,
  key: string,
): Promise<string | undefined> {
  const s = await apis.core.readNamespacedSecret({ name, namespace });
  const v = s.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

export async function putSecret(
  apis: KubeApis,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  const body = { metadata: { name, namespace }, stringData: data };
  try {
    await apis.core.createNamespacedSecret({ namespace, body });
  } catch {
    await apis.core.patchNamespacedSecret(
      {
        name,
        namespace,
        body: {
          data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        },
      },
      mergePatch,
    );
  }
}

export const isReady = (pod: V1Pod | undefined): boolean =>
  Boolean(pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

export async function readyPod(apis: KubeApis, namespace: string, name: string, notUid?: string): Promise<V1Pod> {
  return waitFor(`pod ${namespace}/${name} Ready`, async () => {
    const pod = await apis.core.readNamespacedPod({ name, namespace });
    return isReady(pod) && pod.metadata?.uid !== notUid && !pod.metadata?.deletionTimestamp ? pod : undefined;
  });
}

export async function configGet(pod: V1Pod, password: string, directive: string): Promise<string> {
  const client = new RedisClient({
    host: pod.status?.podIP ?? '',
    port: 6379,
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await client.connect();
    const [, value] = (await client.config('GET', directive)) as [string, string];
    return value;
  } finally {
    client.disconnect();
  }
}

/** Whether a process still exists (signal 0 only checks). */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
