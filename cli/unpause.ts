/**
 * A safe manual resume. The Redis's `Paused` status condition is the database lock of this engine (and keeps KubeDB's
 * provisioner away, docs/adr/0005); removing it while an ops request of that database is Progressing would let the
 * provisioner fight a restart in progress, so that is refused unless forced. The write carries the resourceVersion
 * read, so a concurrent change (an ops request pausing it again, the provisioner's status write) answers 409 and the
 * whole check is made again on a fresh read — Kubernetes' optimistic concurrency
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#conflicts).
 */
import { ConflictError } from '../shared/errors.ts';
import { DbCondition, OpsPhase } from '../shared/kubedb/constants.ts';
import { findCondition, removeCondition } from '../shared/kubedb/conditions.ts';
import type { Condition, Redis, RedisOpsRequest } from '../shared/kubedb/types.ts';
import { describeOps } from './status-view.ts';

export interface UnpausePort {
  getRedis(namespace: string, name: string): Promise<Redis | undefined>;
  listOpsRequests(namespace: string): Promise<RedisOpsRequest[]>;
  /** status.conditions := conditions, guarded by the Redis's resourceVersion (409 → ConflictError). */
  writeRedisConditions(redis: Redis, conditions: Condition[]): Promise<void>;
  recordRedisEvent(redis: Redis, event: { type: 'Normal' | 'Warning'; reason: string; message: string }): Promise<void>;
}

export type UnpauseResult =
  | { kind: 'not-found' }
  | { kind: 'not-paused' }
  | { kind: 'refused'; progressing: Array<{ name: string; waitingFor: string }> }
  | { kind: 'unpaused'; was: string; forced: Array<{ name: string; waitingFor: string }>; attempts: number };

/** How many fresh reads a run of 409s gets before giving up (client-go's retry.DefaultRetry has 5 steps). */
const UNPAUSE_ATTEMPTS = 5;
const UNPAUSED_EVENT_REASON = 'ResumeDatabase';

export class UnpauseConflictError extends Error {
  override name = 'UnpauseConflictError';
}

const progressingOf = (ops: RedisOpsRequest[], database: string, now: Date) =>
  ops
    .filter((o) => o.spec.databaseRef.name === database && o.status?.phase === OpsPhase.Progressing)
    .map((o) => ({ name: o.metadata.name, waitingFor: describeOps(o, now).waitingFor }));

export async function unpause(
  port: UnpausePort,
  target: { namespace: string; name: string; force: boolean },
  now: () => Date,
): Promise<UnpauseResult> {
  for (let attempt = 1; attempt <= UNPAUSE_ATTEMPTS; attempt++) {
    const redis = await port.getRedis(target.namespace, target.name);
    if (redis === undefined) return { kind: 'not-found' };
    const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
    if (paused?.status !== 'True') return { kind: 'not-paused' };
    const progressing = progressingOf(await port.listOpsRequests(target.namespace), target.name, now());
    if (progressing.length > 0 && !target.force) return { kind: 'refused', progressing };
    try {
      await port.writeRedisConditions(redis, removeCondition(redis.status?.conditions, DbCondition.Paused));
    } catch (err) {
      if (err instanceof ConflictError) continue; // someone wrote the Redis since our read: read and check again
      throw err;
    }
    const was = paused.message ?? paused.reason ?? '';
    const forced =
      progressing.length > 0 ? ` (forced while ${progressing.map((p) => p.name).join(', ')} Progressing)` : '';
    await port.recordRedisEvent(redis, {
      type: progressing.length > 0 ? 'Warning' : 'Normal',
      reason: UNPAUSED_EVENT_REASON,
      message: `Paused condition removed by redis-reconfigure unpause${forced}; it was: ${was}`,
    });
    return { kind: 'unpaused', was, forced: progressing, attempts: attempt };
  }
  throw new UnpauseConflictError(
    `Redis ${target.namespace}/${target.name} changed under every one of ${UNPAUSE_ATTEMPTS} attempts (409 Conflict); try again`,
  );
}
