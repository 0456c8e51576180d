/**
 * What the rollout asks each member cluster to run: ordinary RedisOpsRequests. The forward change carries the
 * rollout's configuration block; a rollback puts back the configuration recorded before the change, as KubeDB's own
 * semantics allow in one request: removeCustomConfig drops the secret and the inline config first, then configSecret
 * and applyConfig of the same request set them again (docs/config-semantics.md §5).
 */
import { fleetOpsRequestName } from './names.ts';
import type { FleetRolloutSpec } from './spec.ts';
import type { OpsRequestToCreate, RolloutRef, RolloutTarget } from './types.ts';

export function forwardOps(spec: FleetRolloutSpec, target: RolloutTarget): OpsRequestToCreate {
  const c = spec.configuration;
  return {
    cluster: target.cluster,
    namespace: target.namespace,
    name: target.opsRequest,
    database: target.name,
    purpose: 'apply',
    configuration: {
      ...(c.applyConfig !== undefined ? { applyConfig: c.applyConfig } : {}),
      ...(c.removeCustomConfig !== undefined ? { removeCustomConfig: c.removeCustomConfig } : {}),
      ...(c.restart !== undefined ? { restart: c.restart } : {}),
    },
  };
}

export function rollbackOpsName(ref: RolloutRef, target: RolloutTarget): string {
  return fleetOpsRequestName({
    rolloutUid: ref.uid,
    rollout: ref.name,
    cluster: target.cluster,
    namespace: target.namespace,
    database: target.name,
    purpose: 'rollback',
  });
}

export function rollbackOps(spec: FleetRolloutSpec, target: RolloutTarget, name: string): OpsRequestToCreate {
  const prev = target.previous ?? {};
  const inline = prev.inline ?? {};
  return {
    cluster: target.cluster,
    namespace: target.namespace,
    name,
    database: target.name,
    purpose: 'rollback',
    configuration: {
      removeCustomConfig: true,
      ...(prev.secretName !== undefined ? { configSecret: { name: prev.secretName } } : {}),
      ...(Object.keys(inline).length > 0 ? { applyConfig: inline } : {}),
      ...(spec.configuration.restart !== undefined ? { restart: spec.configuration.restart } : {}),
    },
  };
}
