/**
 * recover: the forwarder announces every live ops request that is past halt here (docs/adr/0009-recovery-step.md);
 * decideRecovery says whether its due step stalled, and the due step's own starting message (dispatch.ts) is sent
 * again, or the run ends Failed (Timeout, or DeadlineExceeded past the whole-operation deadline) through resume.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { StepData } from '../../messages/step-message.ts';
import { messageFor } from '../dispatch.ts';
import { loadStepContext } from '../context.ts';
import type { StepDeps } from '../ports.ts';
import { endPastDeadline } from './deadline-run.ts';
import { resumeAfterDeletion } from './deleted-ops-request.ts';
import { decideRecovery } from './decide-recovery.ts';

export async function runRecover(data: StepData, deps: StepDeps): Promise<void> {
  const ctx = await loadStepContext(data, deps);
  // Gone (or replaced by a new object of the same name): a pause it still holds is released.
  if (ctx === undefined) return resumeAfterDeletion(data, deps);
  const decision = decideRecovery(ctx.ops, deps.now(), deps.settings);
  if (decision.kind === 'none') return;
  // Alarmed on (serverless.yml StalledOpsRequestsAlarm): a run that needed recovery is one that lost its way.
  deps.metrics.count('StalledOpsRequests', data.clusterId);
  if (decision.kind === 'fail') throw new OpsRequestFailedError(decision.reason, decision.message);
  if (decision.kind === 'deadline') return endPastDeadline(ctx, decision);
  deps.log.warn('ops request stalled; re-sending its due step', {
    subject: ctx.subject,
    due: decision.due.step,
    stalledMs: decision.stalledMs,
  });
  const message = messageFor(decision.due, data);
  await deps.queue.send(message.step, message.data);
}
