/**
 * The pods a per-node change must reach, in the order it reaches them: replicas first (the first is the canary),
 * primaries last. CONFIG SET and ACL SETUSER are never replicated, so every pod must take the change; one that is not
 * Ready (or has no IP) ends the request before anything is touched, with the caller's reason and words.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { RedisTarget, StepDeps } from '../ports.ts';
import { redisTarget } from '../restart-pod/redis-target.ts';
import { observeTopology, type Topology } from './observe.ts';
import { planRestartOrder } from './restart-plan.ts';

export interface PodTarget {
  pod: string;
  target: RedisTarget;
}

/** How the caller says "not every pod can take it": `which` is "pods a, b are not Ready" or "no pod is Ready". */
type NotEveryPod = (which: string) => OpsRequestFailedError;

/** The order and the topology observed; reads only (the plan command shows this order too). */
export async function everyPodInOrder(
  redis: Redis,
  deps: StepDeps,
  notEveryPod: NotEveryPod,
): Promise<{ order: string[]; topology: Topology }> {
  const topology = await observeTopology(redis, deps);
  const order = planRestartOrder(topology.mode, topology.roles);
  const unreachable = topology.pods.filter((p) => !order.includes(p.name) || p.podIP === undefined).map((p) => p.name);
  if (order.length === 0 || unreachable.length > 0)
    throw notEveryPod(
      unreachable.length > 0 ? `pods ${unreachable.sort().join(', ')} are not Ready` : 'no pod is Ready',
    );
  return { order, topology };
}

/** The same pods with the address and credentials to reach each. */
export async function everyPodTarget(redis: Redis, deps: StepDeps, notEveryPod: NotEveryPod): Promise<PodTarget[]> {
  const { order, topology } = await everyPodInOrder(redis, deps, notEveryPod);
  const byName = new Map(topology.pods.map((p) => [p.name, p]));
  return Promise.all(
    order.map(async (pod) => ({ pod, target: await redisTarget(redis, byName.get(pod)?.podIP ?? '', deps) })),
  );
}
