/**
 * The halt step's decision, pure: given the ops request, its database and the other ops requests of the namespace,
 * what should happen now. Mirrors KubeDB's webhook checks (validateRedisReconfigureOpsRequest, hasDatabaseRef) and
 * its OpsRequestController (one Progressing ops request per database; others wait, oldest first).
 */
import { DbCondition, DbPhase, isTerminalPhase, OpsPhase } from '../../kubedb/constants.ts';
import { findCondition } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import { aclChangeOf, asksForConfigChange } from '../../kubedb/reconfigure-support.ts';
import { deadlineProblem } from '../deadline.ts';

type HaltDecision =
  | { kind: 'fail'; reason: string; message: string }
  | { kind: 'wait'; reason: string; message: string }
  | { kind: 'pause' };

/** The message a Paused condition carries, naming its owner so only that ops request ever resumes the database. */
export const pausedBy = (ops: { metadata: Pick<RedisOpsRequest['metadata'], 'namespace' | 'name' | 'uid'> }): string =>
  `Paused by RedisOpsRequest ${ops.metadata.namespace}/${ops.metadata.name} (uid ${ops.metadata.uid ?? ''})`;

export const isPausedBy = (redis: Redis, ops: Parameters<typeof pausedBy>[0]): boolean => {
  const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
  return paused?.status === 'True' && paused.message === pausedBy(ops);
};

function validateReconfigureSpec(ops: RedisOpsRequest): string | undefined {
  const cfg = ops.spec.configuration;
  if (cfg === undefined || cfg === null) return '`spec.configuration` nil not supported in Reconfigure type';
  // KubeDB counts `auth` since "Redis ACL update stuck (#1658)"; an empty `auth: {}` asks for nothing here.
  if (!asksForConfigChange(ops) && aclChangeOf(ops) === undefined) {
    return 'at least one of `RemoveCustomConfig`, `ConfigSecret`, `ApplyConfig` or `Auth` must be specified';
  }
  if (cfg.configSecret !== undefined && (cfg.configSecret.name ?? '') === '') {
    return '`spec.configuration.configSecret.name` must not be empty';
  }
  return undefined;
}

const creationOrder = (a: RedisOpsRequest, b: RedisOpsRequest): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  a.metadata.name.localeCompare(b.metadata.name);

export function decideHalt(input: {
  ops: RedisOpsRequest;
  redis: Redis | undefined;
  siblings: RedisOpsRequest[];
}): HaltDecision {
  const { ops, redis } = input;
  const specError = validateReconfigureSpec(ops);
  if (specError !== undefined) return { kind: 'fail', reason: 'InvalidSpec', message: specError };
  const deadlineError = deadlineProblem(ops);
  if (deadlineError !== undefined) return { kind: 'fail', reason: 'InvalidSpec', message: deadlineError };
  const ns = ops.metadata.namespace ?? '';
  if (redis === undefined) {
    return {
      kind: 'fail',
      reason: 'DatabaseNotFound',
      message: `spec.databaseRef ${ns}/${ops.spec.databaseRef.name}, is invalid or not found`,
    };
  }
  if (redis.spec.halted === true) {
    return {
      kind: 'fail',
      reason: 'DatabaseHalted',
      message: `Redis ${ns}/${redis.metadata.name} is halted (spec.halted: true)`,
    };
  }
  return waitForTurn(ops, redis, input.siblings) ?? waitForDatabase(ops, redis) ?? { kind: 'pause' };
}

/**
 * KubeDB's rule: one Progressing ops request per database. Besides, Reconfigures of one database run in creation
 * order — except that one waiting for the database to be Ready (apply: IfReady) never holds back a newer
 * `apply: Always` one, which may be the very fix. Ops requests of other types only block while Progressing: this
 * engine does not run them, and KubeDB's own rule is about Progressing ones.
 */
function waitForTurn(ops: RedisOpsRequest, redis: Redis, siblings: RedisOpsRequest[]): HaltDecision | undefined {
  const ns = ops.metadata.namespace ?? '';
  const sameDb = siblings.filter(
    (o) => o.metadata.uid !== ops.metadata.uid && o.spec.databaseRef.name === ops.spec.databaseRef.name,
  );
  const running = sameDb.find((o) => o.status?.phase === OpsPhase.Progressing);
  if (running !== undefined) {
    return {
      kind: 'wait',
      reason: 'WaitingForOtherOpsRequest',
      message: `waiting for RedisOpsRequest ${ns}/${running.metadata.name} to finish`,
    };
  }
  const older = sameDb
    .filter(
      (o) =>
        o.spec.type === 'Reconfigure' &&
        !isTerminalPhase(o.status?.phase) &&
        creationOrder(o, ops) < 0 &&
        !yieldsTo(o, ops, redis),
    )
    .sort(creationOrder)[0];
  if (older !== undefined) {
    return {
      kind: 'wait',
      reason: 'WaitingForOtherOpsRequest',
      message: `waiting for the older RedisOpsRequest ${ns}/${older.metadata.name} to run first`,
    };
  }
  const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
  if (paused?.status === 'True' && !isPausedBy(redis, ops) && ownerIsLive(paused.message, siblings)) {
    return {
      kind: 'wait',
      reason: 'WaitingForOtherOpsRequest',
      message: `Redis ${ns}/${redis.metadata.name} is paused: ${paused.message ?? ''}`,
    };
  }
  return undefined;
}

/** An older request waiting for a Ready database lets a newer `apply: Always` one go first. */
const yieldsTo = (older: RedisOpsRequest, newer: RedisOpsRequest, redis: Redis): boolean =>
  newer.spec.apply === 'Always' &&
  (older.spec.apply ?? 'IfReady') === 'IfReady' &&
  redis.status?.phase !== DbPhase.Ready;

/**
 * Is the ops request that paused the database still around and unfinished? One deleted mid-run (or ended without
 * releasing) leaves a stale pause behind, which the next ops request takes over instead of waiting forever. A pause
 * this engine did not write (no uid in its message) is respected.
 */
function ownerIsLive(pauseMessage: string | undefined, siblings: RedisOpsRequest[]): boolean {
  const uid = /\(uid ([^)]+)\)$/.exec(pauseMessage ?? '')?.[1];
  if (uid === undefined) return true;
  const owner = siblings.find((o) => o.metadata.uid === uid);
  return owner !== undefined && !isTerminalPhase(owner.status?.phase);
}

/** apply: IfReady (the default) waits for a Ready database; Always goes ahead. A redelivery after pausing goes on. */
function waitForDatabase(ops: RedisOpsRequest, redis: Redis): HaltDecision | undefined {
  if ((ops.spec.apply ?? 'IfReady') !== 'IfReady' || redis.status?.phase === DbPhase.Ready || isPausedBy(redis, ops))
    return undefined;
  const ns = ops.metadata.namespace ?? '';
  return {
    kind: 'wait',
    reason: 'WaitingForDatabaseReady',
    message: `apply: IfReady and Redis ${ns}/${redis.metadata.name} is ${redis.status?.phase ?? 'not Ready'}`,
  };
}
