/**
 * A run past its whole-operation deadline (../deadline.ts) ends Failed, rolled back where that is safe: the
 * snapshot apply-config took before writing anything is put back (restoreConfiguration, the one home of that write),
 * so every pod that starts from now on — a pod still not Ready included — reads the previous configuration. No pod is
 * restarted here (that would be more waiting past the deadline); pods verified earlier keep the new values in memory
 * until their next restart, and the message names them; the request's ACL change, if it was made, is kept and the
 * message says so (aclKeptNote). The database is resumed by resume, as on every failure path.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { StepContext } from '../context.ts';
import { deadlineFailureMessage } from '../deadline.ts';
import { restoreConfiguration, savedSnapshot } from '../rollback-snapshot.ts';

export async function endPastDeadline(
  ctx: StepContext,
  verdict: { message: string; restartedOnNew: readonly string[] },
): Promise<never> {
  const snapshot = await savedSnapshot(ctx);
  const restored = snapshot !== undefined && (await restoreConfiguration(ctx, snapshot)) !== undefined;
  const message = deadlineFailureMessage(verdict, restored, ctx.ops);
  ctx.deps.log.warn('ops request past its deadline; ending it', { subject: ctx.subject, restored });
  throw new OpsRequestFailedError('DeadlineExceeded', message);
}
