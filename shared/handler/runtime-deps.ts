/**
 * Real adapters, built once per execution environment (module scope in each handler) and per cluster.
 *
 * The Redis client is passed in by the handlers whose steps talk to Redis (apply-config, restart-pod), not built
 * here: importing it here put ioredis (~170 KB) into every bundle, halt's and resume's included, which never use it.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KubeConfig } from '@kubernetes/client-node';
import { clusterAccessFromEnv } from '../adapters/kube/cluster-access-from-env.ts';
import { KubeAdapter } from '../adapters/kube/kube-adapter.ts';
import { SqsQueue } from '../adapters/queue/sqs-queue.ts';
import { publisherFromEnv } from '../adapters/events/index.ts';
import { createLogger, type Logger } from '../logging.ts';
import type { FunctionStep } from '../messages/step-message.ts';
import { MetricsBuffer } from '../observability/metrics.ts';
import type { RedisPort, StepDeps } from '../steps/ports.ts';
import { readFunctionEnv } from './env.ts';

/** A step that reached Redis although its handler gave runtimeDeps no Redis client: a wiring mistake. */
class RedisNotWiredError extends Error {
  override name = 'RedisNotWiredError';
}

function noRedis(step: FunctionStep | 'drift'): RedisPort {
  const fail = (): Promise<never> =>
    Promise.reject(
      new RedisNotWiredError(
        `the ${step} function has no Redis client: pass one to runtimeDeps in functions/${step}/handler.ts`,
      ),
    );
  return {
    configGet: fail,
    configSet: fail,
    info: fail,
    clusterNodes: fail,
    clusterInfo: fail,
    clusterFailover: fail,
    sentinelPrimary: fail,
    sentinelFailover: fail,
    sentinelFailoverInProgress: fail,
    pauseWrites: fail,
    resumeWrites: fail,
    replicaOf: fail,
    aclSetUser: fail,
    aclDelUser: fail,
    aclGetUser: fail,
    aclList: fail,
  };
}

interface RuntimeClients {
  /** The steps that talk to Redis pass `new RedisAdapter()`; the others get a port that fails loudly if used. */
  redis?: RedisPort;
}

export function runtimeDeps(
  /** The function: a step, or the scheduled drift check (which hands nothing to a queue). */
  step: FunctionStep | 'drift',
  clients: RuntimeClients = {},
): { depsFor: (clusterId: string) => Promise<StepDeps>; log: Logger; metrics: MetricsBuffer; metricsService: string } {
  const env = readFunctionEnv();
  const log = createLogger({ base: { fn: step } });
  // One buffer per execution environment: invocations run one at a time in it, and each drains it at its end.
  const metrics = new MetricsBuffer();
  const access = clusterAccessFromEnv(process.env);
  const queue = new SqsQueue(
    new SQSClient({}),
    {
      halt: env.QUEUE_URL_HALT,
      'apply-config': env.QUEUE_URL_APPLY_CONFIG,
      'restart-pod': env.QUEUE_URL_RESTART_POD,
      resume: env.QUEUE_URL_RESUME,
    },
    `urn:redis-reconfigure:function:${step}`,
  );
  const redis = clients.redis ?? noRedis(step);
  const events = publisherFromEnv();
  const kubeByCluster = new Map<string, { kc: KubeConfig; kube: KubeAdapter }>();
  const depsFor = async (clusterId: string): Promise<StepDeps> => {
    // Ask every time: the resolvers cache, the instance changes only when credentials rotate, and a deleted cluster
    // surfaces as UnknownClusterError.
    const kc = await access.kubeConfigFor(clusterId);
    let entry = kubeByCluster.get(clusterId);
    if (entry === undefined || entry.kc !== kc) {
      entry = { kc, kube: new KubeAdapter(kc) };
      kubeByCluster.set(clusterId, entry);
    }
    return {
      settings: { stallSeconds: env.STALL_SECONDS, safetyNetSeconds: env.SAFETY_NET_SECONDS },
      kube: entry.kube,
      redis,
      events,
      queue,
      now: () => new Date(),
      log: log.child({ clusterId }),
      metrics,
    };
  };
  return { depsFor, log, metrics, metricsService: env.POWERTOOLS_SERVICE_NAME };
}
