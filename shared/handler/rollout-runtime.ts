/**
 * The rollout function's real adapters, built once per execution environment: cluster access and the cluster
 * registry from the same variables (shared/adapters/kube/cluster-*-from-env.ts), one FleetKubeAdapter per cluster
 * (rebuilt when credentials rotate), its own queue (QUEUE_URL_ROLLOUT) and the events topic (EVENTS_TOPIC_ARN).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KubeConfig } from '@kubernetes/client-node';
import * as z from 'zod';
import { SnsRolloutPublisher } from '../adapters/events/rollout-publisher.ts';
import { clusterAccessFromEnv } from '../adapters/kube/cluster-access-from-env.ts';
import { clusterRegistryFromEnv } from '../adapters/kube/cluster-registry-from-env.ts';
import { FleetKubeAdapter } from '../adapters/kube/fleet-adapter.ts';
import { SqsRolloutQueue } from '../adapters/queue/rollout-queue.ts';
import { MisconfigurationError } from '../errors.ts';
import { createLogger, type Logger } from '../logging.ts';
import { describeIssues } from '../messages/parse.ts';
import type { RolloutDeps } from '../steps/rollout/ports.ts';

const envSchema = z.object({
  QUEUE_URL_ROLLOUT: z.string().url(),
  EVENTS_TOPIC_ARN: z.string().default(''),
  /**
   * Seconds between looks while the rollout's ops requests run: only the safety net (ADR 0015) — their outcome events
   * wake the rollout as each ends, so this bounds how late a wave is noticed only when an event is lost.
   */
  ROLLOUT_LOOK_SECONDS: z.coerce.number().int().min(1).max(900).default(300),
});

export function rolloutRuntime(env: NodeJS.ProcessEnv = process.env): { deps: RolloutDeps; log: Logger } {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new MisconfigurationError(`invalid rollout function environment: ${describeIssues(parsed.error)}`);
  const log = createLogger({ base: { fn: 'rollout' } });
  const access = clusterAccessFromEnv(env);
  const adapters = new Map<string, { kc: KubeConfig; adapter: FleetKubeAdapter }>();
  const adapterFor = async (clusterId: string): Promise<FleetKubeAdapter> => {
    const kc = await access.kubeConfigFor(clusterId);
    let entry = adapters.get(clusterId);
    if (entry === undefined || entry.kc !== kc) {
      entry = { kc, adapter: new FleetKubeAdapter(kc) };
      adapters.set(clusterId, entry);
    }
    return entry.adapter;
  };
  const deps: RolloutDeps = {
    hub: adapterFor,
    member: adapterFor,
    registry: clusterRegistryFromEnv(env),
    queue: new SqsRolloutQueue(
      new SQSClient({}),
      parsed.data.QUEUE_URL_ROLLOUT,
      'urn:redis-reconfigure:function:rollout',
    ),
    events: new SnsRolloutPublisher(parsed.data.EVENTS_TOPIC_ARN.trim()),
    now: () => new Date(),
    log,
    lookSeconds: parsed.data.ROLLOUT_LOOK_SECONDS,
  };
  return { deps, log };
}
