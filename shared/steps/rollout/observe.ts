/**
 * The rollout's view of the fleet: every registered cluster, read through the cluster access port — its Redises and
 * the rollout's own ops requests. A cluster that cannot be read is `reachable: false` with the reason (its
 * databases then count as failures at their turn, shared/fleet/waves.ts), never an error of the whole look.
 */
import type { ObservedCluster, ObservedDatabase, ObservedOpsRequest } from '../../fleet/types.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { errorFields } from '../../logging.ts';
import type { RolloutDeps } from './ports.ts';

export async function observeClusters(deps: RolloutDeps, rolloutUid: string): Promise<ObservedCluster[]> {
  const registered = await deps.registry.list();
  return Promise.all(
    registered.map(async ({ id, labels }): Promise<ObservedCluster> => {
      try {
        const member = await deps.member(id);
        const [redises, opsRequests] = await Promise.all([
          member.listRedises(),
          member.listRolloutOpsRequests(rolloutUid),
        ]);
        return {
          id,
          labels,
          reachable: true,
          databases: redises.map(databaseView),
          opsRequests: opsRequests.map(opsView),
        };
      } catch (err) {
        deps.log.warn('cluster unreachable for the rollout', { clusterId: id, ...errorFields(err) });
        return { id, labels, reachable: false, error: `${(err as Error).name}: ${(err as Error).message}` };
      }
    }),
  );
}

function databaseView(redis: Redis): ObservedDatabase {
  const secretName = redis.spec.configuration?.secretName ?? redis.spec.configSecret?.name;
  const inline = redis.spec.configuration?.inline;
  return {
    namespace: redis.metadata.namespace ?? '',
    name: redis.metadata.name,
    labels: redis.metadata.labels ?? {},
    mode: redis.spec.mode ?? 'Standalone',
    version: redis.spec.version,
    ready: redis.status?.phase === 'Ready',
    configuration: {
      ...(secretName !== undefined ? { secretName } : {}),
      ...(inline !== undefined && Object.keys(inline).length > 0 ? { inline } : {}),
    },
  };
}

/** Phase, and why a failed one failed: its last False condition (the pipeline's precise reason), else the last. */
function opsView(ops: RedisOpsRequest): ObservedOpsRequest {
  const conditions = ops.status?.conditions ?? [];
  const why = conditions.findLast((c) => c.status === 'False') ?? conditions.at(-1);
  return {
    namespace: ops.metadata.namespace ?? '',
    name: ops.metadata.name,
    phase: ops.status?.phase ?? 'Pending',
    ...(why?.reason !== undefined ? { reason: why.reason } : {}),
    ...(why?.message !== undefined ? { message: why.message } : {}),
  };
}
