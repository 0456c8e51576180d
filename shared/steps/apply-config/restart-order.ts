/**
 * Which pods to restart, in which order: from the roles observed now (shared/steps/topology) — replicas first,
 * primaries last. Standalone: its single pod.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { StepDeps } from '../ports.ts';
import { observeTopology } from '../topology/observe.ts';
import { planRestartOrder } from '../topology/restart-plan.ts';

export async function restartOrder(redis: Redis, deps: StepDeps): Promise<string[]> {
  const ns = redis.metadata.namespace ?? '';
  const topology = await observeTopology(redis, deps);
  const order = planRestartOrder(topology.mode, topology.roles);
  if (order.length === 0) {
    throw new OpsRequestFailedError(
      'NoPodsFound',
      `no pods found for Redis ${ns}/${redis.metadata.name}; nothing can be restarted`,
    );
  }
  // A pod not reachable now (not Ready) still needs the new config: restart it too, after the others.
  const unobserved = topology.pods
    .map((p) => p.name)
    .filter((p) => !order.includes(p))
    .sort();
  return [...order, ...unobserved];
}
