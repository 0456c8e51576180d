/** Builders of KubeDB objects for tests (no I/O): an ops request, its Redis, a True condition. */
import type { Redis, RedisOpsRequest } from '../../shared/kubedb/types.ts';
import type { RestartPlan } from '../../shared/steps/annotations.ts';

export function opsRequest(
  overrides: {
    name?: string;
    uid?: string;
    created?: string;
    phase?: string;
    spec?: Partial<RedisOpsRequest['spec']>;
    conditions?: NonNullable<RedisOpsRequest['status']>['conditions'];
    annotations?: Record<string, string>;
  } = {},
): RedisOpsRequest {
  return {
    apiVersion: 'ops.kubedb.com/v1alpha1',
    kind: 'RedisOpsRequest',
    metadata: {
      name: overrides.name ?? 'rdops-reconfigure',
      namespace: 'demo',
      uid: overrides.uid ?? `uid-${overrides.name ?? 'rdops-reconfigure'}`,
      generation: 1,
      resourceVersion: '10',
      creationTimestamp: overrides.created ?? '2026-01-01T00:00:00Z',
      ...(overrides.annotations !== undefined ? { annotations: overrides.annotations } : {}),
    },
    spec: {
      type: 'Reconfigure',
      databaseRef: { name: 'sample-redis' },
      configuration: { configSecret: { name: 'new-custom-config' } },
      ...overrides.spec,
    },
    ...(overrides.phase !== undefined || overrides.conditions !== undefined
      ? {
          status: {
            ...(overrides.phase !== undefined ? { phase: overrides.phase } : {}),
            conditions: overrides.conditions ?? [],
          },
        }
      : {}),
  };
}

export function redis(
  overrides: {
    phase?: string;
    conditions?: NonNullable<Redis['status']>['conditions'];
    halted?: boolean;
    /** Merged over the default spec (version 8.2.2). */
    spec?: Partial<Redis['spec']>;
  } = {},
): Redis {
  return {
    apiVersion: 'kubedb.com/v1',
    kind: 'Redis',
    metadata: { name: 'sample-redis', namespace: 'demo', uid: 'redis-uid-123456', resourceVersion: '5', generation: 1 },
    spec: {
      version: '8.2.2',
      ...(overrides.halted !== undefined ? { halted: overrides.halted } : {}),
      ...overrides.spec,
    },
    status: { phase: overrides.phase ?? 'Ready', conditions: overrides.conditions ?? [] },
  };
}

export const trueCondition = (type: string, at = '2026-01-01T00:00:00Z') => ({
  type,
  status: 'True' as const,
  reason: type,
  message: type,
  lastTransitionTime: at,
});

/** A restart plan as apply-config writes it for a maxclients change (`from` → `to`) restarting `pods` in order. */
export const restartPlan = (
  pods: string[],
  values: { from: string; to: string } = { from: '500', to: '2000' },
): RestartPlan => ({
  version: 1,
  restart: true,
  restartReason: 'the effective configuration changed: maxclients',
  pods,
  expected: [{ parameter: 'maxclients', expected: values.to }],
  previous: [{ parameter: 'maxclients', expected: values.from }],
  configHash: 'h',
});
