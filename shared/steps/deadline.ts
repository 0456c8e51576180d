/**
 * The whole-operation deadline of an ops request (docs/adr/0014-deadline-and-deletion.md), pure. KubeDB bounds each
 * step by spec.timeout but not the run: a rolling restart of many pods, each just inside its step timeout, keeps the
 * database Paused for pods × spec.timeout. The deadline bounds how long the database stays Paused: it counts from
 * the pause (the DatabasePauseSucceeded condition), so waiting for another ops request's turn does not use it up.
 */
import { isPodReadyCondition, OpsCondition } from '../kubedb/constants.ts';
import { findCondition, isConditionTrue } from '../kubedb/conditions.ts';
import { parseGoDuration } from '../kubernetes/duration.ts';
import type { RedisOpsRequest } from '../kubedb/types.ts';
import { ANNOTATION_PREFIX } from './annotations.ts';
import { aclKeptNote } from './rollback-snapshot.ts';
import type { Due } from './progress.ts';
import { stepTimeoutMs } from './timing.ts';

/** `redis-reconfigure.io/deadline: 30m` (a Go duration, like spec.timeout), on the ops request. */
const DEADLINE_ANNOTATION = `${ANNOTATION_PREFIX}/deadline`;

/**
 * Without the annotation: an hour, or three step timeouts when spec.timeout is longer than 20 minutes. An hour is far
 * above a healthy run (KubeDB's examples take seconds; a 3×2 cluster a few minutes) and about the longest a team
 * accepts a database held off its provisioner; someone who raised spec.timeout expects a step that slow, so the
 * default leaves room for halt, apply-config and one such step.
 */
export const DEFAULT_DEADLINE_MS = 60 * 60_000;

interface Deadline {
  ms: number;
  /** How to name it in a message: the annotation's text, or the default and why. */
  text: string;
}

/** The deadline of an ops request; a RangeError names the annotation when its value is not a Go duration. */
export function deadlineOf(ops: RedisOpsRequest): Deadline {
  const raw = ops.metadata.annotations?.[DEADLINE_ANNOTATION];
  if (raw !== undefined) {
    let ms: number;
    try {
      ms = parseGoDuration(raw);
    } catch (err) {
      throw new RangeError(`annotation ${DEADLINE_ANNOTATION}: ${(err as Error).message}`, { cause: err });
    }
    if (ms <= 0) throw new RangeError(`annotation ${DEADLINE_ANNOTATION}: "${raw}" must be a positive duration`);
    return { ms, text: `${raw} (annotation ${DEADLINE_ANNOTATION})` };
  }
  const ms = Math.max(DEFAULT_DEADLINE_MS, 3 * stepTimeoutMs(ops));
  return { ms, text: `${formatMinutes(ms)} (the default; set annotation ${DEADLINE_ANNOTATION} to change it)` };
}

/** For halt's validation: the annotation's problem, if any (undefined when it is absent or valid). */
export function deadlineProblem(ops: RedisOpsRequest): string | undefined {
  try {
    deadlineOf(ops);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

type DeadlineVerdict =
  | { passed: false }
  | {
      passed: true;
      message: string;
      /** Pods restarted and verified with the new configuration before the deadline (they keep it in memory). */
      restartedOnNew: string[];
    };

/**
 * Has the run passed its deadline with work left? A run whose only step left is the successful resume is done and
 * is not failed for being late; one not yet paused has not started its clock.
 */
export function judgeDeadline(ops: RedisOpsRequest, due: Due, now: Date): DeadlineVerdict {
  if (due.step === 'none' || due.step === 'halt' || due.step === 'resume') return { passed: false };
  const paused = findCondition(ops.status?.conditions, OpsCondition.DatabasePauseSucceeded);
  const pausedAt = Date.parse(paused?.lastTransitionTime ?? '');
  if (paused?.status !== 'True' || !Number.isFinite(pausedAt)) return { passed: false };
  const deadline = deadlineOf(ops);
  const endsAt = pausedAt + deadline.ms;
  if (now.getTime() <= endsAt) return { passed: false };
  const plan = 'plan' in due ? due.plan : undefined;
  const restartedOnNew = (plan?.pods ?? []).filter((p) =>
    isConditionTrue(ops.status?.conditions, isPodReadyCondition(p)),
  );
  const at = due.step === 'restart-pod' ? `restart-pod (${due.phase} ${due.pod})` : due.step;
  return {
    passed: true,
    restartedOnNew,
    message: `the whole-operation deadline of ${deadline.text} passed at ${new Date(endsAt).toISOString()} while ${at} was due`,
  };
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes}m` : `${ms / 1000}s`;
}

/**
 * The Failed condition's message: the deadline, what was done about the configuration, and that the request's ACL
 * change, when it was made, is kept (as on restart-pod's rollback: docs/adr/0012-acl-reconfigure.md).
 */
export function deadlineFailureMessage(
  verdict: { message: string; restartedOnNew: readonly string[] },
  restored: boolean,
  ops: RedisOpsRequest,
): string {
  return configurationOutcome(verdict, restored) + aclKeptNote(ops);
}

function configurationOutcome(verdict: { message: string; restartedOnNew: readonly string[] }, restored: boolean) {
  if (!restored) return `${verdict.message}; nothing had been written yet, the configuration is unchanged`;
  const kept =
    verdict.restartedOnNew.length > 0
      ? ` (${verdict.restartedOnNew.join(', ')} already ran the new configuration and keep it until their next restart)`
      : '';
  return `${verdict.message}; the previous configuration was restored${kept}`;
}

/** When the run's deadline passes (the pause + the deadline), once it is paused; for `redis-reconfigure status`. */
export function deadlineAt(ops: RedisOpsRequest): Date | undefined {
  const paused = findCondition(ops.status?.conditions, OpsCondition.DatabasePauseSucceeded);
  const pausedAt = Date.parse(paused?.lastTransitionTime ?? '');
  if (paused?.status !== 'True' || !Number.isFinite(pausedAt)) return undefined;
  try {
    return new Date(pausedAt + deadlineOf(ops).ms);
  } catch {
    return undefined; // an invalid annotation: recover ends the run InvalidSpec, there is no deadline to show
  }
}
