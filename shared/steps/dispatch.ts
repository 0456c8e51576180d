/**
 * The one mapping from "what is due" to "the message that starts it" (docs/adr/0009-recovery-step.md). Every hand-off
 * (halt → apply-config, apply-config → restart-pod or resume, restart-pod → next pod or resume, a failure → resume)
 * and the recover step build their message here, so a step is always started by the same message whoever sends it.
 *
 * Pure. The returned `step` keeps the literal type of the due step given, so `queue.send(m.step, m.data)` names
 * exactly the queues its call site can reach (the packaging test derives each function's IAM grants from that).
 */
import { OpsCondition, OpsMessage } from '../kubedb/constants.ts';
import type { Step, StepData, StepDataInput } from '../messages/step-message.ts';

/** What can be started: the non-`none` results of `dueStep` (progress.ts), and a failed run's resume. */
export type Startable =
  | { step: 'halt' }
  | { step: 'apply-config' }
  | { step: 'restart-pod'; pod: string; phase: 'evict' | 'check' }
  /** A rollback is checked by restart-pod (it looks at every restored pod, whichever the message names). */
  | { step: 'rolling-back'; plan: { pods: readonly string[] } }
  | { step: 'resume'; outcome: 'Successful' }
  | { step: 'resume'; outcome: 'Failed'; reason: string; message: string };

/** The queue a startable step's message goes to. */
type TargetOf<S extends Startable> = S extends { step: 'rolling-back' } ? 'restart-pod' : S['step'] & Step;

interface StepMessageOut<T extends Step> {
  step: T;
  data: StepDataInput & { step: T };
}

/**
 * The message that starts `due` for the ops request `data` names: the references of `data` (cluster, namespace, ops
 * request, trace id) and what the step needs, attempt 0 (a new chain). Nothing else of `data` is carried over, so a
 * restart-pod message never leaks its pod into resume, nor a recover message its step into anything.
 */
export function messageFor<S extends Startable>(due: S, data: StepData): StepMessageOut<TargetOf<S>> {
  const base = {
    version: data.version,
    clusterId: data.clusterId,
    namespace: data.namespace,
    opsRequest: data.opsRequest,
    traceId: data.traceId,
    attempt: 0,
  };
  const d: Startable = due;
  const built = ((): StepMessageOut<Step> => {
    switch (d.step) {
      case 'halt':
      case 'apply-config':
        return { step: d.step, data: { ...base, step: d.step } };
      case 'restart-pod':
        return { step: 'restart-pod', data: { ...base, step: 'restart-pod', pod: d.pod, phase: d.phase } };
      case 'rolling-back':
        return {
          step: 'restart-pod',
          data: { ...base, step: 'restart-pod', pod: d.plan.pods[0] ?? data.pod ?? '', phase: 'check' },
        };
      case 'resume':
        return { step: 'resume', data: { ...base, step: 'resume', outcome: outcomeOf(d) } };
    }
  })();
  return built as StepMessageOut<TargetOf<S>>;
}

function outcomeOf(d: Extract<Startable, { step: 'resume' }>): NonNullable<StepDataInput['outcome']> {
  return d.outcome === 'Successful'
    ? { status: 'Successful', reason: OpsCondition.Successful, message: OpsMessage.Successful }
    : { status: 'Failed', reason: d.reason, message: d.message };
}
