/**
 * The ACL change on the pods (docs/adr/0012-acl-reconfigure.md). ACL state is per node and never replicated — not
 * to replicas, not across shards — so every pod of every shard gets the ACL SETUSER / ACL DELUSER and is checked with
 * ACL GETUSER. The order is live apply's (ADR 0011), so no pod runs users that are not persisted and nothing is
 * persisted that no pod accepted:
 *   1. a canary pod (a replica where there is one): change, then ACL GETUSER shows what the rules must give;
 *   2. persist: the operator ACL secret's user_acl.conf (what a restarted pod loads) and the Redis's ACL rules;
 *   3. every other pod, replicas before primaries, each checked and compared with the canary (the commands string
 *      only the server computes).
 * The canary refusing → it gets its users back, nothing was persisted, Failed with Redis's words. A later pod
 * refusing or unreachable → every pod already changed gets its users back (restoreAclUsers from the captured ACL
 * LIST lines), the previous ACL secret and rules are persisted again, Failed (RolledBack).
 * Passwords never leave the secrets: the commands carry SHA-256 hashes, messages and logs name users and pods only.
 */
import {
  ACL_SECRET_KEY,
  AclReason,
  captureAclUsers,
  diffAclUsers,
  restoreAclUsers,
  unrestoredUsers,
  verifyAclPlan,
  type AclChangePlan,
  type AclUserReply,
  type AclUserSnapshot,
} from '../../acl/index.ts';
import { OpsRequestFailedError, UnavailableError } from '../../errors.ts';
import { offshootSelectors, OpsCondition } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { RedisTarget, StepDeps } from '../ports.ts';
import { everyPodInOrder, everyPodTarget } from '../topology/every-pod.ts';
import type { StepContext } from '../context.ts';
import { aclAppliedLiveMessage, changesUsers, updateAclSecretMessage, type AclStep } from './acl-plan.ts';
import { saveAclSnapshot } from './acl-snapshot.ts';
import { addConditions } from './step-io.ts';

interface PodTarget {
  pod: string;
  target: RedisTarget;
}

export interface AclApplied {
  ctx: StepContext;
  /** The pods changed, in order; the first is the canary. Empty when no user changed (a secretRef-only request). */
  pods: string[];
  /** Give every pod its users back and persist the previous ACL again; what could not be restored, in words. */
  undo: () => Promise<string[]>;
}

const aclNotEveryPod = (which: string) =>
  new OpsRequestFailedError(
    AclReason.ApplyFailed,
    `ACL users are per pod and every pod must take the change, but ${which}; nothing was changed`,
  );

/** The pods in the ACL change's order, replicas first (the first is the canary); every pod must be Ready. */
export const aclPodOrder = (redis: Redis, deps: StepDeps) => everyPodInOrder(redis, deps, aclNotEveryPod);

const aclTargets = (redis: Redis, deps: StepDeps) => everyPodTarget(redis, deps, aclNotEveryPod);

type Users = Map<string, AclUserReply | undefined>;

/** Change one pod and read the affected users back; the problem in words when it did not take the change. */
async function changePod(
  pod: PodTarget,
  plan: AclChangePlan,
  canary: Users | undefined,
  deps: StepDeps,
): Promise<{ users: Users } | { problem: string }> {
  try {
    for (const s of plan.set) await deps.redis.aclSetUser(pod.target, s.args);
    if (plan.delete.length > 0) await deps.redis.aclDelUser(pod.target, plan.delete);
    const users: Users = new Map();
    for (const user of plan.affectedUsers) users.set(user, await deps.redis.aclGetUser(pod.target, user));
    const problems = verifyAclPlan(plan, users);
    if (canary !== undefined) {
      for (const s of plan.set) problems.push(...diffAclUsers(s.user, canary.get(s.user), users.get(s.user)));
    }
    return problems.length === 0
      ? { users }
      : { problem: `accepted the change but ACL GETUSER shows: ${problems.join('; ')}` };
  } catch (err) {
    // AclCommandRefusedError (its message: the command, the user and Redis's redacted words) is an
    // OpsRequestFailedError; the adapter never puts a command's arguments in a message.
    if (err instanceof OpsRequestFailedError && err.reason === AclReason.Refused) return { problem: err.message };
    if (err instanceof UnavailableError) return { problem: `could not be reached: ${err.message}` };
    throw err;
  }
}

/** Give each pod its captured users back (last changed first); what could not be restored, in words. */
async function restorePods(
  pods: readonly PodTarget[],
  captures: Record<string, AclUserSnapshot[]>,
  deps: StepDeps,
): Promise<string[]> {
  const failed: string[] = [];
  for (const pod of [...pods].reverse()) {
    const snapshot = captures[pod.pod] ?? [];
    const restore = restoreAclUsers(snapshot);
    try {
      for (const s of restore.set) await deps.redis.aclSetUser(pod.target, s.args);
      if (restore.delete.length > 0) await deps.redis.aclDelUser(pod.target, restore.delete);
      const left = unrestoredUsers(snapshot, await deps.redis.aclList(pod.target));
      if (left.length > 0) failed.push(`${pod.pod} (users ${left.join(', ')} differ from before)`);
    } catch (err) {
      deps.log.error('restoring a pod to its previous ACL users failed', { pod: pod.pod, error: (err as Error).name });
      failed.push(`${pod.pod} (${(err as Error).message})`);
    }
  }
  return failed;
}

const ownerOf = (redis: Redis) => ({
  apiVersion: redis.apiVersion,
  kind: redis.kind,
  name: redis.metadata.name,
  uid: redis.metadata.uid ?? '',
});

async function persist(ctx: StepContext, redis: Redis, step: AclStep): Promise<void> {
  const { deps, namespace } = ctx;
  await deps.kube.putSecret(
    namespace,
    step.secretName,
    { [ACL_SECRET_KEY]: step.plan.file },
    { labels: offshootSelectors(redis.metadata.name), owner: ownerOf(redis) },
  );
  await deps.kube.writeRedisAcl(redis, step.previous.field, step.next);
}

async function unpersist(ctx: StepContext, step: AclStep): Promise<void> {
  const { deps, namespace } = ctx;
  await deps.kube.putSecret(namespace, step.secretName, { [ACL_SECRET_KEY]: step.previous.file ?? '' }, {});
  const redis = await deps.kube.getRedis(namespace, ctx.ops.spec.databaseRef.name);
  if (redis !== undefined) await deps.kube.writeRedisAcl(redis, step.previous.field, step.previous.spec);
}

/** The affected users of every pod before the change: from the saved snapshot, else read now (ACL LIST). */
async function captures(
  pods: readonly PodTarget[],
  step: AclStep,
  deps: StepDeps,
): Promise<Record<string, AclUserSnapshot[]>> {
  const out: Record<string, AclUserSnapshot[]> = { ...(step.saved?.pods ?? {}) };
  for (const pod of pods) {
    if (out[pod.pod] !== undefined) continue;
    out[pod.pod] = captureAclUsers(await deps.redis.aclList(pod.target), step.plan.affectedUsers);
  }
  return out;
}

/**
 * Canary → persist → every other pod, with the conditions KubeDB writes (UpdateAclSecret) and ours
 * (AclAppliedLive) and their events. Throws OpsRequestFailedError (the pods and the persisted ACL restored).
 */
export async function applyAcl(ctx: StepContext, step: AclStep): Promise<AclApplied> {
  const { deps } = ctx;
  const { redis } = step;
  const pods = changesUsers(step.plan) ? await aclTargets(redis, deps) : [];
  const before = await captures(pods, step, deps);
  if (step.saved === undefined) await saveAclSnapshot(ctx, redis, { previous: step.previous, pods: before });
  const done: PodTarget[] = [];
  let canary: Users | undefined;
  for (const [index, pod] of pods.entries()) {
    const outcome = await changePod(pod, step.plan, canary, deps);
    if ('problem' in outcome) {
      // A refusal midway (one SETUSER of several) may have changed the pod: it is restored with the others.
      const notRestored = await restorePods([...done, pod], before, deps);
      if (index > 0) await unpersist(ctx, step);
      throw failure(pod.pod, outcome.problem, index === 0, done, notRestored);
    }
    done.push(pod);
    deps.log.info('ACL change applied', { pod: pod.pod, canary: index === 0 });
    if (index === 0) canary = outcome.users;
    if (index === 0) await persist(ctx, redis, step);
  }
  if (pods.length === 0) await persist(ctx, redis, step);
  const names = pods.map((p) => p.pod);
  const persisted = updateAclSecretMessage(step);
  const live = aclAppliedLiveMessage(step.plan, names);
  const next = await addConditions(ctx, [
    { type: OpsCondition.UpdateAclSecret, message: persisted },
    { type: OpsCondition.AclAppliedLive, message: live },
  ]);
  await deps.kube.recordEvent(next.ops, { type: 'Normal', reason: OpsCondition.UpdateAclSecret, message: persisted });
  await deps.kube.recordEvent(next.ops, { type: 'Normal', reason: OpsCondition.AclAppliedLive, message: live });
  return {
    ctx: next,
    pods: names,
    undo: async () => {
      const notRestored = await restorePods(pods, before, deps);
      await unpersist(ctx, step);
      return notRestored;
    },
  };
}

function failure(
  pod: string,
  problem: string,
  canary: boolean,
  done: readonly PodTarget[],
  notRestored: readonly string[],
): OpsRequestFailedError {
  const unrestored = notRestored.length > 0 ? `; could NOT restore ${notRestored.join(', ')}` : '';
  if (canary) {
    return new OpsRequestFailedError(
      AclReason.Refused,
      `pod ${pod} (the canary): ${problem}; nothing was persisted and the pod's users were given back${unrestored}`,
    );
  }
  return new OpsRequestFailedError(
    'RolledBack',
    `pod ${pod}: ${problem}; the pods already changed (${done.map((p) => p.pod).join(', ')}) got their users back ` +
      `and the previous ACL secret and rules were restored${unrestored}`,
  );
}
