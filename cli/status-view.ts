/**
 * What an ops request in flight waits for, derived as the functions derive it: `dueStep` (shared/steps/progress.ts)
 * on its status and annotations, plus the halt wait chain's `redis-reconfigure.io/halt-next-check` marker and the
 * `WaitingForOtherOpsRequest` condition's reason and message. Pure.
 */
import { DbCondition, isTerminalPhase, OpsCondition, OpsPhase } from '../shared/kubedb/constants.ts';
import { findCondition } from '../shared/kubedb/conditions.ts';
import type { Condition, Redis, RedisOpsRequest } from '../shared/kubedb/types.ts';
import { currentStepStartedAt, dueStep, type Due } from '../shared/steps/progress.ts';
import { HALT_WAIT_ANNOTATION } from '../shared/steps/halt/wait-chain.ts';
import { deadlineAt } from '../shared/steps/deadline.ts';
import { humanDuration } from './output.ts';

export interface OpsView {
  namespace: string;
  name: string;
  uid: string;
  database: string;
  type: string;
  /** `Pending` when the status has no phase yet (nothing has picked it up). */
  phase: string;
  /** The step the functions will run next (dueStep), or `none`. */
  step: string;
  pod: string | undefined;
  waitingFor: string;
  /** The newest condition transition (each step starts by writing a condition); undefined before the first. */
  lastTransitionTime: string | undefined;
  lastCondition: Pick<Condition, 'type' | 'status' | 'reason' | 'message'> | undefined;
  /** When halt looks again, for a Pending one (its wait chain's next message). */
  nextCheck: string | undefined;
  /** When the whole-operation deadline passes (shared/steps/deadline.ts); undefined before the pause. */
  deadline: string | undefined;
  deleting: boolean;
}

export const isInFlight = (ops: RedisOpsRequest): boolean => !isTerminalPhase(ops.status?.phase);

/** `<attempt>@<ISO time>`, as shared/steps/halt/wait-chain.ts writes it. */
function nextCheckOf(ops: RedisOpsRequest): string | undefined {
  const marker = ops.metadata.annotations?.[HALT_WAIT_ANNOTATION];
  const due = /^\d+@(.+)$/.exec(marker ?? '')?.[1];
  return due !== undefined && Number.isFinite(Date.parse(due)) ? due : undefined;
}

function pendingWait(ops: RedisOpsRequest, nextCheck: string | undefined, now: Date): string {
  const waiting = findCondition(ops.status?.conditions, OpsCondition.WaitingForOtherOpsRequest);
  const when =
    nextCheck === undefined
      ? ''
      : Date.parse(nextCheck) >= now.getTime()
        ? `; next check in ${humanDuration(Date.parse(nextCheck) - now.getTime())}`
        : `; next check overdue by ${humanDuration(now.getTime() - Date.parse(nextCheck))}`;
  if (waiting?.status === 'True') {
    const what =
      waiting.reason === 'WaitingForDatabaseReady' ? 'the database to be Ready (apply: IfReady)' : 'its turn';
    return `halt: ${what}: ${waiting.message ?? waiting.reason ?? ''}${when}`;
  }
  if (ops.status === undefined || (ops.status.conditions ?? []).length === 0)
    return `halt: not picked up yet (the forwarder announces it)${when}`;
  return `halt: to start${when}`;
}

function progressingWait(due: Due): string {
  switch (due.step) {
    case 'none':
      return due.why;
    case 'halt':
      return 'halt: pausing the database';
    case 'apply-config':
      return 'apply-config: validating and writing the new configuration';
    case 'restart-pod': {
      const n = `${due.plan.pods.indexOf(due.pod) + 1}/${due.plan.pods.length}`;
      return due.phase === 'evict'
        ? `restart-pod: evicting pod ${due.pod} (${n})`
        : `restart-pod: pod ${due.pod} Ready with the new values (CONFIG GET) (${n})`;
    }
    case 'rolling-back':
      return 'restart-pod: rolled-back pods healthy with the previous values';
    case 'resume':
      return 'resume: un-pausing the database and ending Successful';
  }
}

/** dueStep, or the reason it cannot answer (an unreadable plan annotation is itself what the run waits on). */
function safeDue(ops: RedisOpsRequest): Due {
  try {
    return dueStep(ops);
  } catch (err) {
    return { step: 'none', why: `unreadable restart plan annotation: ${(err as Error).message}` };
  }
}

const newestCondition = (conditions: readonly Condition[]): Condition | undefined =>
  [...conditions].sort((a, b) => Date.parse(b.lastTransitionTime) - Date.parse(a.lastTransitionTime))[0];

/** A Progressing run's deadline (a Pending one has not started its clock). */
const runDeadline = (ops: RedisOpsRequest): string | undefined =>
  ops.status?.phase === OpsPhase.Progressing ? deadlineAt(ops)?.toISOString() : undefined;

export function describeOps(ops: RedisOpsRequest, now: Date): OpsView {
  const phase = ops.status?.phase ?? OpsPhase.Pending;
  const due = safeDue(ops);
  const nextCheck = nextCheckOf(ops);
  let waitingFor =
    ops.spec.type !== 'Reconfigure'
      ? `not handled by redis-reconfigure (type ${ops.spec.type})`
      : phase === OpsPhase.Progressing
        ? progressingWait(due)
        : pendingWait(ops, nextCheck, now);
  const deleting = ops.metadata.deletionTimestamp !== undefined;
  if (deleting) waitingFor = `being deleted; ${waitingFor}`;
  const last = newestCondition(ops.status?.conditions ?? []);
  return {
    namespace: ops.metadata.namespace ?? '',
    name: ops.metadata.name,
    uid: ops.metadata.uid ?? '',
    database: ops.spec.databaseRef.name,
    type: ops.spec.type,
    phase,
    step: due.step,
    pod: due.step === 'restart-pod' ? due.pod : undefined,
    waitingFor,
    lastTransitionTime: currentStepStartedAt(ops)?.toISOString(),
    lastCondition:
      last === undefined
        ? undefined
        : { type: last.type, status: last.status, reason: last.reason, message: last.message },
    nextCheck: phase === OpsPhase.Progressing ? undefined : nextCheck,
    deadline: runDeadline(ops),
    deleting,
  };
}

export interface PauseView {
  namespace: string;
  database: string;
  /** The Paused condition's message (who paused it). */
  pausedBy: string;
  since: string;
  /** The ops request named in the message, when it names one this engine wrote (`… (uid <uid>)`). */
  owner: { namespace: string; name: string; uid: string } | undefined;
}

/** `Paused by RedisOpsRequest <ns>/<name> (uid <uid>)` — shared/steps/halt/decide-halt.ts `pausedBy`. */
function pauseOwner(message: string | undefined): PauseView['owner'] {
  const m = /^Paused by RedisOpsRequest ([^/\s]+)\/(\S+) \(uid ([^)]+)\)$/.exec(message ?? '');
  return m === null ? undefined : { namespace: m[1] ?? '', name: m[2] ?? '', uid: m[3] ?? '' };
}

export function pauseOf(redis: Redis): PauseView | undefined {
  const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
  if (paused?.status !== 'True') return undefined;
  return {
    namespace: redis.metadata.namespace ?? '',
    database: redis.metadata.name,
    pausedBy: paused.message ?? paused.reason ?? '',
    since: paused.lastTransitionTime,
    owner: pauseOwner(paused.message),
  };
}

/**
 * A pause nothing will release: its ops request is gone (deleted mid-run), finished, or was re-created under another
 * uid. A pause that names no ops request of this engine is not judged (someone else's; `unpause` can still lift it).
 */
export function isStranded(pause: PauseView, opsRequests: readonly RedisOpsRequest[]): boolean {
  if (pause.owner === undefined) return false;
  const owner = opsRequests.find((o) => o.metadata.uid === pause.owner?.uid);
  return owner === undefined || !isInFlight(owner);
}
