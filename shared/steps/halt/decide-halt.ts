/**
 * The halt step's decision, pure: given the ops request, its database and the other ops requests of the namespace,
 * what should happen now. Mirrors KubeDB's webhook checks (validateRedisReconfigureOpsRequest, hasDatabaseRef) and
 * its OpsRequestController (one Progressing ops request per database; others wait, oldest first).
 */
import { DbCondition, DbPhase, isTerminalPhase, OpsPhase } from '../../kubedb/constants.ts';
import { findCondition } from '../../kubedb/conditions.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';

export type HaltDecision =
  | { kind: 'fail'; reason: string; message: string }
  | { kind: 'wait'; reason: string; message: string }
  | { kind: 'pause' };

/** The message a Paused condition carries, naming its owner so only that ops request ever resumes the database. */
export const pausedBy = (ops: RedisOpsRequest): string =>
  `Paused by RedisOpsRequest ${ops.metadata.namespace}/${ops.metadata.name} (uid ${ops.metadata.uid ?? ''})`;

export const isPausedBy = (redis: Redis, ops: RedisOpsRequest): boolean => {
  const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
  return paused?.status === 'True' && paused.message === pausedBy(ops);
};

export function validateReconfigureSpec(ops: RedisOpsRequest): string | undefined {
  const cfg = ops.spec.configuration;
  if (cfg === undefined || cfg === null) return '`spec.configuration` nil not supported in Reconfigure type';
  const hasApply = cfg.applyConfig !== undefined && Object.keys(cfg.applyConfig).length > 0;
  if (cfg.removeCustomConfig !== true && cfg.configSecret === undefined && !hasApply) {
    return 'at least one of `RemoveCustomConfig`, `ConfigSecret` or `ApplyConfig` must be specified';
  }
  if (cfg.configSecret !== undefined && (cfg.configSecret.name ?? '') === '') {
    return '`spec.configuration.configSecret.name` must not be empty';
  }
  return undefined;
}

const creationOrder = (a: RedisOpsRequest, b: RedisOpsRequest): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  a.metadata.name.localeCompare(b.metadata.name);

export function decideHalt(input: { ops: RedisOpsRequest; redis: Redis | undefined; siblings: RedisOpsRequest[] }): HaltDecision {
  const { ops, redis } = input;
  const specError = validateReconfigureSpec(ops);
  if (specError !== undefined) return { kind: 'fail', reason: 'InvalidSpec', message: specError };
  const ns = ops.metadata.namespace ?? '';
  if (redis === undefined) {
    return { kind: 'fail', reason: 'DatabaseNotFound', message: `spec.databaseRef ${ns}/${ops.spec.databaseRef.name}, is invalid or not found` };
  }
  if (redis.spec.halted === true) {
    return { kind: 'fail', reason: 'DatabaseHalted', message: `Redis ${ns}/${redis.metadata.name} is halted (spec.halted: true)` };
  }
  return waitForTurn(ops, redis, input.siblings) ?? waitForDatabase(ops, redis) ?? { kind: 'pause' };
}

/** KubeDB's rule: one Progressing ops request per database; the others wait, oldest first. */
function waitForTurn(ops: RedisOpsRequest, redis: Redis, siblings: RedisOpsRequest[]): HaltDecision | undefined {
  const ns = ops.metadata.namespace ?? '';
  const sameDb = siblings.filter((o) => o.metadata.uid !== ops.metadata.uid && o.spec.databaseRef.name === ops.spec.databaseRef.name);
  const running = sameDb.find((o) => o.status?.phase === OpsPhase.Progressing);
  if (running !== undefined) {
    return { kind: 'wait', reason: 'WaitingForOtherOpsRequest', message: `waiting for RedisOpsRequest ${ns}/${running.metadata.name} to finish` };
  }
  const older = sameDb.filter((o) => !isTerminalPhase(o.status?.phase) && creationOrder(o, ops) < 0).sort(creationOrder)[0];
  if (older !== undefined) {
    return { kind: 'wait', reason: 'WaitingForOtherOpsRequest', message: `waiting for the older RedisOpsRequest ${ns}/${older.metadata.name} to run first` };
  }
  const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
  if (paused?.status === 'True' && !isPausedBy(redis, ops)) {
    return { kind: 'wait', reason: 'WaitingForOtherOpsRequest', message: `Redis ${ns}/${redis.metadata.name} is paused: ${paused.message ?? ''}` };
  }
  return undefined;
}

/** apply: IfReady (the default) waits for a Ready database; Always goes ahead. A redelivery after pausing goes on. */
function waitForDatabase(ops: RedisOpsRequest, redis: Redis): HaltDecision | undefined {
  if ((ops.spec.apply ?? 'IfReady') !== 'IfReady' || redis.status?.phase === DbPhase.Ready || isPausedBy(redis, ops)) return undefined;
  const ns = ops.metadata.namespace ?? '';
  return { kind: 'wait', reason: 'WaitingForDatabaseReady', message: `apply: IfReady and Redis ${ns}/${redis.metadata.name} is ${redis.status?.phase ?? 'not Ready'}` };
}
