/**
 * A kubelet (and scheduler) for one local node that runs every pod as a real redis-server process.
 *
 * How the pod spec is interpreted:
 * - generic (any pod): binding to this node (pods/binding, falling back to a spec.nodeName patch for API servers
 *   without the binding subresource); secret / emptyDir / persistentVolumeClaim volumes and volumeMounts
 *   (volumes.ts); env with value, secretKeyRef, fieldRef and $(VAR) expansion (container-env.ts); status with
 *   podIP from 127.10.0.0/16, sticky per pod name and persisted in <stateDir>/pod-ips.json (ip-allocator.ts),
 *   conditions and containerStatuses (pod-status.ts); readiness from the container's readinessProbe timing
 *   (readiness-probe.ts; the probe is always an authenticated PING); graceful deletion.
 * - KubeDB-specific: the database container (named `redis`, else the first) runs KubeDB's start script for its mode
 *   (kubedb-start.ts: standalone, cluster, sentinel-mode data pod, sentinel) — whatever its image and command say.
 *   Other containers (exporter, coordinator) are not run.
 *
 * Deletion follows the API server contract: a pod with metadata.deletionTimestamp is stopped (SIGTERM, up to
 * min(deletionGracePeriodSeconds, maxGraceMs), SIGKILL), its IP released, then deleted with gracePeriodSeconds 0.
 */
import { join } from 'node:path';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { runController, source } from '../runtime/controller.ts';
import { isNotFound, keyOf, makeApis, type KubeApis } from '../runtime/kube.ts';
import { makeLogger, type Logger } from '../runtime/log.ts';
import type { SecretReader } from './container-env.ts';
import { PodIpAllocator } from './ip-allocator.ts';
import { PodSync } from './pod-sync.ts';
import { killStaleProcesses } from './stale-processes.ts';
import type { StartScriptOptions } from './start-context.ts';
import { DEFAULT_READINESS_TIMING, type ReadinessTiming } from './readiness-probe.ts';

export const DEFAULT_NODE_NAME = 'local-node-0';

export interface KubeletOptions {
  stateDir: string;
  nodeName?: string;
  log?: Logger;
  /** Crash-loop backoff; Kubernetes uses 10s doubling to 5min, far too slow for a laptop. */
  backoff?: { initialMs: number; maxMs: number };
  /** First-PONG polling and a scale for the pods' readiness probes (partial: the rest keeps its default). */
  readiness?: Partial<ReadinessTiming>;
  /** How closely to follow KubeDB's start scripts where that costs time (start-context.ts). */
  scripts?: StartScriptOptions;
  /** Cap on a pod's termination grace period. */
  maxGraceMs?: number;
  ipStartIndex?: number;
  /** Per-pod start delay modelling image pull and container creation (pod-runtime.ts); default 0. */
  podStartDelayMs?: number;
}

export interface Kubelet {
  stop(): Promise<void>;
  /** PIDs of the redis-server processes this kubelet is running now. */
  pids(): number[];
}

function secretReader(apis: KubeApis): SecretReader {
  return async (namespace, name) => {
    try {
      const secret = await apis.core.readNamespacedSecret({ name, namespace });
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
      return data;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

export async function startKubelet(kc: KubeConfig, opts: KubeletOptions): Promise<Kubelet> {
  const apis = makeApis(kc);
  const nodeName = opts.nodeName ?? DEFAULT_NODE_NAME;
  const log = opts.log ?? makeLogger(`kubelet/${nodeName}`);
  const maxGraceMs = opts.maxGraceMs ?? 10_000;
  await killStaleProcesses(opts.stateDir, log);
  const ips = await PodIpAllocator.load({
    ...(opts.ipStartIndex !== undefined ? { startIndex: opts.ipStartIndex } : {}),
    stateFile: join(opts.stateDir, 'pod-ips.json'),
    onReassigned: (pod, previous, next) =>
      log.warn('pod address could not be kept (taken by another process); it changes', { pod, previous, next }),
  });
  const pods = new PodSync({
    apis,
    nodeName,
    stateDir: opts.stateDir,
    log,
    ips,
    // The cluster DNS stand-in: a pod's address as the API shows it (status.podIP, written by this kubelet).
    directory: {
      podIP: (namespace: string, name: string): string | undefined => podCache(`${namespace}/${name}`)?.status?.podIP,
    },
    readSecret: secretReader(apis),
    maxGraceMs,
    backoff: opts.backoff ?? { initialMs: 500, maxMs: 10_000 },
    readiness: { ...DEFAULT_READINESS_TIMING, ...opts.readiness },
    scripts: opts.scripts ?? {},
    ...(opts.podStartDelayMs !== undefined ? { startDelayMs: opts.podStartDelayMs } : {}),
    requeue: (key) => controller.queue.add(key),
  });
  const podCache = (key: string): V1Pod | undefined => controller.watches[0]?.get(key);
  const controller = runController({
    name: 'kubelet',
    apis,
    log,
    concurrency: 16,
    reconcile: (key) => pods.sync(key, controller.watches[0]!.get(key)),
    sources: [
      source<V1Pod>({
        name: 'pods',
        path: '/api/v1/pods',
        list: () => apis.core.listPodForAllNamespaces(),
        keysFor: (pod) => [keyOf(pod.metadata)],
      }),
    ],
  });
  await controller.synced;

  return {
    pids: () => [...pods.runtimes.values()].map((rt) => rt.pid).filter((p): p is number => p !== undefined),
    async stop() {
      await controller.stop();
      await pods.stopAll(Math.min(2000, maxGraceMs));
    },
  };
}
