/**
 * The cheap half of waking on step events: a burst of finished ops requests (a wave of 100 ending within seconds)
 * must not become 100 full looks, each listing every member cluster. The first look sees every ops request ended
 * by then and records it in the status; an outcome event whose ops request the status already records as ended
 * brings nothing new, so it needs one read of the rollout, not a look.
 *
 * Only on a first delivery: a redelivered event is one whose look failed or was killed — possibly after writing the
 * status and before creating the next wave's ops requests — so it looks again in full, as any redelivered look does.
 */
import type { FleetRolloutStatus } from '../../fleet/types.ts';
import type { EndedOpsRequest } from '../../messages/rollout-wake.ts';

export function endedAlreadyRecorded(
  ended: EndedOpsRequest,
  status: FleetRolloutStatus | undefined,
  redelivered: boolean,
): boolean {
  if (redelivered || status === undefined) return false;
  for (const t of status.targets ?? []) {
    if (t.cluster !== ended.cluster || t.namespace !== ended.namespace) continue;
    if (t.opsRequest === ended.name) return t.state === 'Succeeded' || t.state === 'Failed';
    if (t.rollback?.opsRequest === ended.name) return t.rollback.state === 'Succeeded' || t.rollback.state === 'Failed';
  }
  return false;
}
