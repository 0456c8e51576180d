/**
 * The database's configuration as it was, saved in a Secret owned by the ops request once the new configuration has
 * validated and before anything else is written (so bad input writes nothing at all). It serves twice: rollback
 * restores it when a pod cannot start with the new config, and a redelivered apply-config plans from it (not from the
 * already-updated Redis), so replaying the step gives the same plan byte for byte. Written and read only here.
 */
import { ConfigKey, managedConfigSecretName, OpsCondition } from '../kubedb/constants.ts';
import { isConditionTrue } from '../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../kubedb/types.ts';
import type { CurrentConfig } from '../config/plan-reconfigure.ts';
import { boundedName, labelValue } from '../kubernetes/names.ts';
import type { OwnerRef, StepDeps } from './ports.ts';
import type { StepContext } from './context.ts';
import { ANNOTATION_PREFIX } from './annotations.ts';

export const OPS_UID_ANNOTATION = `${ANNOTATION_PREFIX}/ops-request-uid`;

interface Snapshot {
  current: CurrentConfig;
  effectiveConfig: string;
}

/** `<ops>-rollback`, shortened with a hash when the ops request's name leaves no room (Secret names: at most 253). */
export const rollbackSecretName = (ops: RedisOpsRequest): string => boundedName(ops.metadata.name, '-rollback', 253);

/**
 * Labels and owner of the snapshot Secret. Label values are at most 63 characters while the names are up to 253,
 * so they go through labelValue (a real API server answers 422 otherwise). Nothing reads these labels back; they are
 * for `kubectl get secret -l ...`, and the ownerReference names the ops request in full.
 */
export function snapshotSecretMeta(
  ops: RedisOpsRequest,
  redis: Redis,
): { annotations: Record<string, string>; labels: Record<string, string>; owner: OwnerRef } {
  return {
    annotations: { [OPS_UID_ANNOTATION]: ops.metadata.uid ?? '' },
    labels: {
      'app.kubernetes.io/instance': labelValue(redis.metadata.name),
      'ops.kubedb.com/name': labelValue(ops.metadata.name),
    },
    owner: { apiVersion: ops.apiVersion, kind: ops.kind, name: ops.metadata.name, uid: ops.metadata.uid ?? '' },
  };
}

export interface LoadedSnapshot {
  snapshot: Snapshot;
  /** Already in the rollback Secret (an earlier run of this ops request saved it). */
  saved: boolean;
}

/** The snapshot an earlier run of this ops request saved, else the configuration as it is now (read only). */
export async function loadSnapshot(
  ctx: Pick<StepContext, 'ops' | 'deps' | 'namespace'>,
  redis: Redis,
  configKey: string,
  managedSecretName: string,
): Promise<LoadedSnapshot> {
  const { ops, deps } = ctx;
  const existing = await deps.kube.getSecret(ctx.namespace, rollbackSecretName(ops));
  if (existing !== undefined && existing.annotations[OPS_UID_ANNOTATION] === ops.metadata.uid) {
    return { snapshot: decode(existing.data), saved: true };
  }
  return { snapshot: await captureSnapshot(redis, configKey, managedSecretName, deps), saved: false };
}

/** The snapshot this ops request saved (for the rollback), if any. */
export async function savedSnapshot(ctx: StepContext): Promise<Snapshot | undefined> {
  const secret = await ctx.deps.kube.getSecret(ctx.namespace, rollbackSecretName(ctx.ops));
  return secret === undefined ? undefined : decode(secret.data);
}

/** Persists a snapshot loadSnapshot captured: after the new configuration validated, before anything else is written. */
export async function saveSnapshot(ctx: StepContext, redis: Redis, loaded: LoadedSnapshot): Promise<void> {
  if (loaded.saved) return;
  await ctx.deps.kube.putSecret(
    ctx.namespace,
    rollbackSecretName(ctx.ops),
    encode(loaded.snapshot),
    snapshotSecretMeta(ctx.ops, redis),
  );
}

async function captureSnapshot(
  redis: Redis,
  configKey: string,
  managedSecretName: string,
  deps: StepDeps,
): Promise<Snapshot> {
  const ns = redis.metadata.namespace ?? '';
  const configuration = redis.spec.configuration ?? {};
  const secretName = configuration.secretName ?? redis.spec.configSecret?.name;
  const userSecret = secretName === undefined ? undefined : await deps.kube.getSecret(ns, secretName);
  const managed = await deps.kube.getSecret(ns, managedSecretName);
  return {
    current: {
      ...(secretName !== undefined ? { secretName } : {}),
      ...(userSecret?.data[configKey] !== undefined ? { secretConf: userSecret.data[configKey] } : {}),
      ...(configuration.inline !== undefined ? { inline: configuration.inline } : {}),
    },
    effectiveConfig: managed?.data['default.conf'] ?? '',
  };
}

function encode(s: Snapshot): Record<string, string> {
  return { 'configuration.json': JSON.stringify(s.current), 'default.conf': s.effectiveConfig };
}

function decode(data: Record<string, string>): Snapshot {
  return {
    current: JSON.parse(data['configuration.json'] ?? '{}') as CurrentConfig,
    effectiveConfig: data['default.conf'] ?? '',
  };
}

/**
 * Put a snapshot's configuration back where pods read it at start: the operator-managed secret's default.conf and
 * the Redis's spec.configuration. The Redis is re-read so the merge patch removes exactly what the new config added.
 * Used by the restart rollback and by a failed live apply.
 */
/** Returns the Redis as read before the write, or undefined when it is gone. */
export async function restoreConfiguration(ctx: StepContext, snapshot: Snapshot): Promise<Redis | undefined> {
  const { deps, namespace } = ctx;
  const redis = await deps.kube.getRedis(namespace, ctx.ops.spec.databaseRef.name);
  if (redis === undefined) return undefined;
  await deps.kube.putSecret(
    namespace,
    managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? ''),
    { [ConfigKey.Default]: snapshot.effectiveConfig },
    {},
  );
  const { secretName, inline } = snapshot.current;
  await deps.kube.writeRedisConfiguration(redis, {
    ...(secretName !== undefined ? { secretName } : {}),
    ...(inline !== undefined ? { inline } : {}),
  });
  return redis;
}

/**
 * A rollback of the configuration (restart-pod's, or recover's past the deadline) keeps the request's ACL change
 * (UpdateAclSecret): every pod took it and was checked before the roll began, the restarted pods loaded the same
 * users from the ACL secret, and clients may use them already. Undoing it would be a second fan-out over every pod
 * while one is failing, for users that have nothing to do with the configuration. The Failed message says so.
 */
export const aclKeptNote = (ops: RedisOpsRequest): string =>
  isConditionTrue(ops.status?.conditions, OpsCondition.UpdateAclSecret)
    ? "; the request's ACL change is kept (applied and checked live on every pod before the restarts, and persisted: UpdateAclSecret)"
    : '';
