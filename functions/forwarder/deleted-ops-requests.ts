/**
 * An ops request deleted before it finished may hold its database's pause (docs/adr/0014-deadline-and-deletion.md):
 * announced to recover, which finds it gone and resumes the database it paused. Pure. A deletion the forwarder
 * missed (it was down) leaves the pause to the next ops request of that database, which takes it over, or to
 * `redis-reconfigure unpause`.
 */
import type { AnnounceTarget, Decision, WatchedOpsRequest } from './announce-policy.ts';
import { isLive } from './announce-policy.ts';

export function decideOnDeleted(o: WatchedOpsRequest): { decision: Decision; target: AnnounceTarget } {
  return {
    // A finished one released its pause through resume; another type was never this engine's.
    decision: { announce: isLive(o), reason: 'deleted' },
    target: 'recover',
  };
}
