/** apply-config's writes shared by its config and ACL parts: conditions on the ops request, and the next message. */
import type { StepData } from '../../messages/step-message.ts';
import type { RestartPlan } from '../annotations.ts';
import { withOps, type StepContext } from '../context.ts';
import { messageFor } from '../dispatch.ts';
import { updateOpsStatus, withConditions } from '../ops-status.ts';
import type { StepDeps } from '../ports.ts';

export async function addConditions(
  ctx: StepContext,
  conditions: Array<{ type: string; message: string }>,
): Promise<StepContext> {
  const written = await updateOpsStatus(ctx, (status, current) =>
    withConditions(status, conditions, current.metadata.generation, ctx.deps.now()),
  );
  return withOps(ctx, written);
}

/** The next step: the first pod's restart, or resume when nothing restarts (live, ACL only, or no change). */
export async function handOver(restartPlan: RestartPlan, data: StepData, deps: StepDeps): Promise<void> {
  const first = restartPlan.pods[0];
  const next = messageFor(
    restartPlan.restart && first !== undefined
      ? { step: 'restart-pod', pod: first, phase: 'evict' }
      : { step: 'resume', outcome: 'Successful' },
    data,
  );
  await deps.queue.send(next.step, next.data);
}
