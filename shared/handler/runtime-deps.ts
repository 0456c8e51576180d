/**
 * Real adapters, built once per execution environment (module scope in each handler) and per cluster.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { KubeconfigDirAccess } from '../adapters/kube/cluster-access.ts';
import { KubeAdapter } from '../adapters/kube/kube-adapter.ts';
import { RedisAdapter } from '../adapters/redis/redis-adapter.ts';
import { SqsQueue } from '../adapters/queue/sqs-queue.ts';
import { publisherFromEnv } from '../adapters/events/index.ts';
import { jsonLogger } from '../logging.ts';
import type { Step } from '../messages/step-message.ts';
import type { Logger, StepDeps } from '../steps/ports.ts';
import { readFunctionEnv } from './env.ts';

export function runtimeDeps(step: Step): { depsFor: (clusterId: string) => Promise<StepDeps>; log: Logger } {
  const env = readFunctionEnv();
  const log = jsonLogger({ fn: step });
  const access = new KubeconfigDirAccess(env.KUBECONFIG_DIR);
  const queue = new SqsQueue(
    new SQSClient({}),
    { halt: env.QUEUE_URL_HALT, 'apply-config': env.QUEUE_URL_APPLY_CONFIG, 'restart-pod': env.QUEUE_URL_RESTART_POD, resume: env.QUEUE_URL_RESUME },
    `urn:redis-reconfigure:function:${step}`,
  );
  const redis = new RedisAdapter();
  const events = publisherFromEnv();
  const kubeByCluster = new Map<string, KubeAdapter>();
  const depsFor = async (clusterId: string): Promise<StepDeps> => {
    let kube = kubeByCluster.get(clusterId);
    if (kube === undefined) {
      kube = new KubeAdapter(await access.kubeConfigFor(clusterId));
      kubeByCluster.set(clusterId, kube);
    }
    return { settings: { stallSeconds: env.STALL_SECONDS }, kube, redis, events, queue, now: () => new Date(), log: jsonLogger({ fn: step, clusterId }) };
  };
  return { depsFor, log };
}
