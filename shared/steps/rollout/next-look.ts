/**
 * At most one pending look per rollout. Every wake (announcement, look) decides; only one chain of delayed looks
 * is kept: the status records when the pending look is due (nextLookAt), a wake that finds one due soon enough sends
 * none, and a look from a superseded chain (its lookAt is not the recorded one) does not re-send itself. A lost look
 * is made good by the hub forwarder's next re-announcement (nextLookAt then lies in the past).
 */
import type { RolloutWake } from '../../messages/rollout-wake.ts';

interface LookPlan {
  /** Send a look this many seconds from now; undefined: none. */
  delaySeconds: number | undefined;
  /** status.nextLookAt after this wake. */
  nextLookAt: string | undefined;
}

export function planNextLook(
  wanted: number | undefined,
  recorded: string | undefined,
  data: Pick<RolloutWake['data'], 'reason' | 'lookAt'>,
  now: Date,
): LookPlan {
  const recordedMs = recorded === undefined ? Number.NaN : Date.parse(recorded);
  const isTheRecordedLook = data.reason === 'look' && data.lookAt === recorded;
  const pending = !isTheRecordedLook && recordedMs > now.getTime();
  if (wanted === undefined) return { delaySeconds: undefined, nextLookAt: pending ? recorded : undefined };
  const wantedMs = now.getTime() + wanted * 1000;
  if (pending && recordedMs <= wantedMs) return { delaySeconds: undefined, nextLookAt: recorded };
  return { delaySeconds: wanted, nextLookAt: new Date(wantedMs).toISOString() };
}
