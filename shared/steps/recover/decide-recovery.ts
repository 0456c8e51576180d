/**
 * Recovery of a stalled run (docs/adr/0009-recovery-step.md), pure: a Progressing ops request whose due step made no
 * progress for `stallSeconds` lost its message chain (e.g. a message dead-lettered after repeated retryable errors),
 * so the due step gets its starting message again — steps are idempotent, so a re-sent message is always safe. A
 * step that stays stalled past spec.timeout ends the run instead, unless it judges its own deadline: restart-pod's
 * checks (and the rollback check) roll back or fail the run themselves when their deadline passes. Past the
 * whole-operation deadline (deadline.ts) the run ends whatever step it is in, stalled or not.
 */
import type { RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepSettings } from '../ports.ts';
import { currentStepStartedAt, dueStep, type Due } from '../progress.ts';
import { stepTimeoutMs } from '../timing.ts';
import { deadlineProblem, judgeDeadline } from '../deadline.ts';

/** The due steps recovery can re-send: halt is the forwarder's (every announcement of a halt-due run goes there). */
type Recoverable = Exclude<Due, { step: 'none' | 'halt' }>;

type RecoveryDecision =
  | { kind: 'none'; why: string }
  | { kind: 'resend'; due: Recoverable; stalledMs: number }
  | { kind: 'fail'; reason: 'Timeout' | 'InvalidSpec'; message: string }
  /** Restore the snapshot where there is one (rollback-snapshot.ts), then end the run Failed. */
  | { kind: 'deadline'; reason: 'DeadlineExceeded'; message: string; restartedOnNew: string[] };

export function decideRecovery(ops: RedisOpsRequest, now: Date, settings: StepSettings): RecoveryDecision {
  const due = dueStep(ops);
  if (due.step === 'none') return { kind: 'none', why: due.why };
  if (due.step === 'halt') return { kind: 'none', why: 'halt is due: the forwarder announces it to halt' };
  // halt refuses a bad deadline before pausing; this is one edited in mid-run, which would leave the run unbounded.
  const problem = deadlineProblem(ops);
  if (problem !== undefined) return { kind: 'fail', reason: 'InvalidSpec', message: problem };
  const deadline = judgeDeadline(ops, due, now);
  if (deadline.passed)
    return {
      kind: 'deadline',
      reason: 'DeadlineExceeded',
      message: deadline.message,
      restartedOnNew: deadline.restartedOnNew,
    };
  const startedAt = currentStepStartedAt(ops);
  const stalledMs = startedAt === undefined ? Infinity : now.getTime() - startedAt.getTime();
  if (stalledMs < settings.stallSeconds * 1000)
    return { kind: 'none', why: `${due.step} progressed ${Math.round(stalledMs / 1000)} s ago` };
  const judgesOwnDeadline = due.step === 'rolling-back' || (due.step === 'restart-pod' && due.phase === 'check');
  if (!judgesOwnDeadline && stalledMs > stepTimeoutMs(ops)) {
    return {
      kind: 'fail',
      reason: 'Timeout',
      message: `step ${due.step} made no progress within ${ops.spec.timeout ?? '10m'} (spec.timeout); see the function logs and the dead-letter queues for the cause`,
    };
  }
  return { kind: 'resend', due, stalledMs };
}
