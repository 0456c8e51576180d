/**
 * The ACL state before an ops request changed it, saved once — after the change validated, before the first pod is
 * touched — in a Secret owned by the ops request (`<ops>-acl-rollback`), like the config's rollback snapshot:
 * - the Redis's ACL field as it was and the previous user_acl.conf: what a failure persists again, and what a
 *   redelivered apply-config plans from (the Redis and the ACL secret may already hold the new users);
 * - every pod's ACL LIST lines of the affected users (shared/acl/restore.ts): what a failure gives each pod back —
 *   captured before any change, so a replay restores the state before the first run, not after it.
 * Those lines hold SHA-256 password hashes (never passwords): a Secret is where they may be, never a message.
 */
import type { AclUserSnapshot, RedisAclSpec } from '../../acl/index.ts';
import { boundedName } from '../../kubernetes/names.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepContext } from '../context.ts';
import type { PlanReadContext } from './plan-request.ts';
import { OPS_UID_ANNOTATION, snapshotSecretMeta } from '../rollback-snapshot.ts';

export interface AclPrevious {
  field: 'spec.acl' | 'spec.configuration.acl';
  /** The field's value; null when the Redis had no ACL users. */
  spec: RedisAclSpec | null;
  /** The operator ACL secret's user_acl.conf; absent when there was no such secret. */
  file?: string;
}

export interface AclSnapshot {
  previous: AclPrevious;
  /** Per pod, the affected users as ACL LIST showed them before the change. */
  pods: Record<string, AclUserSnapshot[]>;
}

const aclRollbackSecretName = (ops: RedisOpsRequest): string => boundedName(ops.metadata.name, '-acl-rollback', 253);

const PREVIOUS_KEY = 'previous.json';
const PODS_KEY = 'pods.json';

/** The snapshot this ops request saved (same uid), else undefined. */
export async function loadAclSnapshot(ctx: PlanReadContext): Promise<AclSnapshot | undefined> {
  const secret = await ctx.deps.kube.getSecret(ctx.namespace, aclRollbackSecretName(ctx.ops));
  if (secret === undefined || secret.annotations[OPS_UID_ANNOTATION] !== ctx.ops.metadata.uid) return undefined;
  return {
    previous: JSON.parse(secret.data[PREVIOUS_KEY] ?? '{}') as AclPrevious,
    pods: JSON.parse(secret.data[PODS_KEY] ?? '{}') as Record<string, AclUserSnapshot[]>,
  };
}

export async function saveAclSnapshot(ctx: StepContext, redis: Redis, snapshot: AclSnapshot): Promise<void> {
  await ctx.deps.kube.putSecret(
    ctx.namespace,
    aclRollbackSecretName(ctx.ops),
    { [PREVIOUS_KEY]: JSON.stringify(snapshot.previous), [PODS_KEY]: JSON.stringify(snapshot.pods) },
    snapshotSecretMeta(ctx.ops, redis),
  );
}
