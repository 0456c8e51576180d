/**
 * One waiting chain per ops request. While halt waits (apply: IfReady, or its turn), it re-sends itself with a delay;
 * the forwarder's periodic re-announcements reach halt too and would each start another chain, so waiting work would
 * grow with time (one more chain a minute, forever, for a database that never gets Ready). The ops request's
 * annotation names the one message the chain expects next (`<attempt>@<when>`): any other message is dropped —
 * unless the expected one is overdue, i.e. the chain was lost (a crash between writing the marker and sending), in
 * which case the newcomer takes over. Writes are guarded by resourceVersion, so of two racing takers one loses. Pure.
 */
import { ANNOTATION_PREFIX } from '../annotations.ts';
import { CHAIN_GRACE_MS } from '../timing.ts';

export const HALT_WAIT_ANNOTATION = `${ANNOTATION_PREFIX}/halt-next-check`;

export function waitMarker(nextAttempt: number, due: Date): string {
  return `${nextAttempt}@${due.toISOString()}`;
}

export function joinsChain(marker: string | undefined, attempt: number, now: Date): boolean {
  const match = /^(\d+)@(.+)$/.exec(marker ?? '');
  if (match === null) return true;
  const expected = Number(match[1]);
  const due = Date.parse(match[2] ?? '');
  if (attempt === expected) return true;
  return !Number.isFinite(due) || now.getTime() > due + CHAIN_GRACE_MS;
}
