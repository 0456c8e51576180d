/**
 * What resume does with a message, pure: hand the database back (only when this ops request paused it) and finish
 * the run Successful or Failed. A failure always finishes the run; a success only when the status agrees that every
 * step is done — until then the run goes on and the database stays paused, so a duplicated or early success message
 * cannot hand it back mid-restart. A finished run is left as it is (its database is un-paused again if it still
 * carries this run's Paused, which only a crash between the two writes leaves behind).
 */
import { isTerminalPhase, OpsCondition, OpsMessage } from '../../kubedb/constants.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import { isPausedBy } from '../halt/decide-halt.ts';
import { dueStep } from '../progress.ts';

type ResumeDecision =
  | { kind: 'wait'; why: string }
  | {
      kind: 'resume';
      /** Remove this ops request's Paused condition from the Redis first. */
      unpause: boolean;
      /** How to finish the ops request; undefined when it is finished already. */
      finish?: { phase: 'Successful' | 'Failed'; reason: string; message: string };
    };

export function decideResume(
  ops: RedisOpsRequest,
  redis: Redis | undefined,
  outcome: StepData['outcome'],
): ResumeDecision {
  const finished = isTerminalPhase(ops.status?.phase);
  const succeeded = outcome === undefined || outcome.status === 'Successful';
  if (succeeded && !finished && dueStep(ops).step !== 'resume')
    return { kind: 'wait', why: `a success message, but ${dueStep(ops).step} is still due` };
  const unpause = redis !== undefined && isPausedBy(redis, ops);
  if (finished) return { kind: 'resume', unpause };
  const finish = succeeded
    ? { phase: 'Successful' as const, reason: OpsCondition.Successful, message: OpsMessage.Successful }
    : { phase: 'Failed' as const, reason: outcome.reason, message: outcome.message };
  return { kind: 'resume', unpause, finish };
}
