/**
 * Real adapters, built once per execution environment (module scope in each handler) and per cluster.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KubeConfig } from '@kubernetes/client-node';
import { clusterAccessFromEnv } from '../adapters/kube/cluster-access-from-env.ts';
import { KubeAdapter } from '../adapters/kube/kube-adapter.ts';
import { RedisAdapter } from '../adapters/redis/redis-adapter.ts';
import { SqsQueue } from '../adapters/queue/sqs-queue.ts';
import { publisherFromEnv } from '../adapters/events/index.ts';
import { createLogger, type Logger } from '../logging.ts';
import type { FunctionStep } from '../messages/step-message.ts';
import type { StepDeps } from '../steps/ports.ts';
import { readFunctionEnv } from './env.ts';

export function runtimeDeps(step: FunctionStep): { depsFor: (clusterId: string) => Promise<StepDeps>; log: Logger } {
  const env = readFunctionEnv();
  const log = createLogger({ base: { fn: step } });
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
  const redis = new RedisAdapter();
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
      settings: { stallSeconds: env.STALL_SECONDS },
      kube: entry.kube,
      redis,
      events,
      queue,
      now: () => new Date(),
      log: log.child({ clusterId }),
    };
  };
  return { depsFor, log };
}
