/**
 * The ACL part of a Reconfigure (docs/adr/0012-acl-reconfigure.md), planned before anything is touched: the ops
 * request's `auth` (syncACL, deleteUsers, secretRef) over the Redis's current ACL users — its rules (`spec.acl` or
 * `spec.configuration.acl`, whichever it keeps them in) and the operator's ACL secret `<redis>-acl-<uid[-6:]>`.
 * Every refusal is decided here, naming the user or the key and never a password: a `${key}` no secret holds, a rule
 * for (or the deletion of) the operator's own user, a malformed rule, a missing secretRef secret. A redelivered step
 * plans from the state saved before its first change (acl-snapshot.ts), so it plans the same thing again.
 */
import {
  ACL_SECRET_KEY,
  aclSecretName,
  AclReason,
  planAclChange,
  redisAclSpec,
  type AclChangePlan,
  type AclSecretSource,
  type RedisAclSpec,
} from '../../acl/index.ts';
import { OpsRequestFailedError } from '../../errors.ts';
import { aclChangeOf } from '../../kubedb/reconfigure-support.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { PlanReadContext } from './plan-request.ts';
import { operatorUserOf } from '../acl-request.ts';
import { loadAclSnapshot, type AclPrevious, type AclSnapshot } from './acl-snapshot.ts';

export interface AclStep {
  /** The database, as read before anything was written. */
  redis: Redis;
  plan: AclChangePlan;
  /** The Redis's ACL users before this ops request (what a failure puts back). */
  previous: AclPrevious;
  /** What the Redis's ACL field holds afterwards: the merged rules (placeholders kept) and the secretRef. */
  next: RedisAclSpec;
  /** The operator's ACL secret (key user_acl.conf). */
  secretName: string;
  /** The snapshot an earlier run of this ops request saved (captured pod states included), if any. */
  saved: AclSnapshot | undefined;
}

/** The Redis's ACL users as they are now: the field its rules live in (the current API when it has none yet). */
async function currentAcl(ctx: PlanReadContext, redis: Redis, secretName: string): Promise<AclPrevious> {
  const found = redisAclSpec(redis.spec);
  const secret = await ctx.deps.kube.getSecret(ctx.namespace, secretName);
  const file = secret?.data[ACL_SECRET_KEY];
  return {
    field: found?.field ?? 'spec.configuration.acl',
    spec: found?.spec ?? null,
    ...(file !== undefined ? { file } : {}),
  };
}

/**
 * Where `${key}` placeholders are looked up: the ops request's secretRef (which must exist), then the Redis's
 * previous one (KubeDB's guide: "uses ${k1} from new-acl-secret or the previous secret"), when it still exists.
 */
async function placeholderSources(
  ctx: PlanReadContext,
  requested: string | undefined,
  previous: string | undefined,
): Promise<AclSecretSource[]> {
  const ns = ctx.namespace;
  const sources: AclSecretSource[] = [];
  if (requested !== undefined) {
    const secret = await ctx.deps.kube.getSecret(ns, requested);
    if (secret === undefined) {
      throw new OpsRequestFailedError(
        AclReason.SecretNotFound,
        `ACL secret ${ns}/${requested} (auth.secretRef) not found; nothing was changed`,
      );
    }
    sources.push({ name: `${ns}/${requested}`, data: secret.data });
  }
  if (previous !== undefined && previous !== requested) {
    const secret = await ctx.deps.kube.getSecret(ns, previous);
    if (secret !== undefined) sources.push({ name: `${ns}/${previous}`, data: secret.data });
  }
  return sources;
}

const nonEmpty = (name: string | undefined): string | undefined =>
  name === undefined || name === '' ? undefined : name;

/**
 * The ops request's ACL change, checked and planned; undefined when it asks for none. Reads only, the Redis
 * included (apply-config's configuration part reads it on its own: this runs first, for ACL-only requests too), so
 * `redis-reconfigure plan` runs it as well.
 */
export async function prepareAcl(ctx: PlanReadContext): Promise<AclStep | undefined> {
  const request = aclChangeOf(ctx.ops);
  if (request === undefined) return undefined;
  const name = ctx.ops.spec.databaseRef.name;
  const redis = await ctx.deps.kube.getRedis(ctx.namespace, name);
  if (redis === undefined) {
    throw new OpsRequestFailedError(
      'DatabaseNotFound',
      `spec.databaseRef ${ctx.namespace}/${name}, is invalid or not found`,
    );
  }
  const secretName = aclSecretName(redis.metadata.name, redis.metadata.uid ?? '');
  const saved = await loadAclSnapshot(ctx);
  const previous = saved?.previous ?? (await currentAcl(ctx, redis, secretName));
  const requestedRef = nonEmpty(request.secretRef?.name);
  const previousRef = nonEmpty(previous.spec?.secretRef?.name);
  const sources = await placeholderSources(ctx, requestedRef, previousRef);
  // The user the functions (and KubeDB) authenticate as: its password is the auth secret's, never an ACL rule's.
  const operatorUser = await operatorUserOf(redis, ctx.deps.kube);
  const plan = planAclChange({ rules: previous.spec?.rules ?? [], file: previous.file }, request, sources, {
    operatorUser,
  });
  return { redis, plan, previous, next: nextAcl(plan.rules, requestedRef ?? previousRef), secretName, saved };
}

const nextAcl = (rules: string[], secretRef: string | undefined): RedisAclSpec => ({
  rules,
  ...(secretRef !== undefined ? { secretRef: { name: secretRef } } : {}),
});

/** Does the change touch the pods (a secretRef-only request only re-points the Redis)? */
export const changesUsers = (plan: AclChangePlan): boolean => plan.set.length > 0 || plan.delete.length > 0;

const listed = (what: string, users: readonly string[]): string[] =>
  users.length > 0 ? [`${what} ${users.join(', ')}`] : [];

/** Which users changed, by name only: `added userName10; updated userName1; deleted userName2`. */
function aclSummary(plan: AclChangePlan): string {
  const parts = [...listed('added', plan.added), ...listed('updated', plan.updated), ...listed('deleted', plan.delete)];
  return parts.length > 0 ? parts.join('; ') : 'no user changed';
}

/** Where the users are persisted: the operator's ACL secret and the Redis's ACL field (what a restarted pod loads). */
export const aclPersistedIn = (step: AclStep): string =>
  `secret ${step.secretName} (${ACL_SECRET_KEY}) and ${step.previous.field}` +
  `${step.next.secretRef?.name !== undefined ? ` (secretRef ${step.next.secretRef.name})` : ''}`;

/** UpdateAclSecret's message: where the new users are persisted, which changed. */
export const updateAclSecretMessage = (step: AclStep): string =>
  `ACL users persisted in ${aclPersistedIn(step)}: ${aclSummary(step.plan)}` +
  (firstAclUsers(step)
    ? '; the Redis had no ACL users before: its pods load the secret at their next start once the provisioner has ' +
      'mounted it, after this request'
    : '');

/** The Redis's first ACL users: its pods do not mount the ACL secret yet (refuseFirstAclWithRestart). */
const firstAclUsers = (step: AclStep): boolean =>
  (step.previous.spec?.rules ?? []).length === 0 && (step.next.rules ?? []).length > 0;

/** AclAppliedLive's message: how the change reached the running pods. */
export const aclAppliedLiveMessage = (plan: AclChangePlan, pods: readonly string[]): string =>
  changesUsers(plan)
    ? `ACL SETUSER / ACL DELUSER on ${pods.length} pod(s), each checked with ACL GETUSER, no restart: ${aclSummary(plan)}`
    : 'no ACL user changed on the pods (only the secretRef changed)';

/** Why an ACL-only request restarts no pod (its RestartSkipped condition, and the plan command's summary). */
export const aclOnlyReason = (plan: AclChangePlan, pods: readonly string[]): string =>
  `ACL users changed live on ${pods.length} pod(s) (${aclSummary(plan)}); the request changes no configuration, so ` +
  'no pod restarts';

/**
 * A Redis with no ACL users before this request (no rules in its ACL field) has pods that do not mount the ACL
 * secret: the provisioner adds that volume to the pod template once the Redis has rules, and leaves a paused Redis
 * alone. The change is made live on every pod (the users exist at once), and a pod restarted after resume loads them
 * from the secret; but a pod restarted by this very request — a rolling configuration change — would start from the
 * old template, without them. Refused before anything is touched (apply-config and `plan` alike).
 */
export function refuseFirstAclWithRestart(step: AclStep | undefined, restarts: boolean, database: string): void {
  if (step === undefined || !restarts || !firstAclUsers(step)) return;
  throw new OpsRequestFailedError(
    AclReason.NotMounted,
    `Redis ${database} has no ACL users yet, so its pods do not mount the ACL secret ${step.secretName} until the ` +
      'provisioner adds it after this request; the rolling restart this request needs would start pods without ' +
      'the new users. Apply the ACL change alone first (live, no restart), then the configuration change; nothing ' +
      'was changed',
  );
}
