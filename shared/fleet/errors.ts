/** The fleet's named errors; the rollout function's handler classifies them (shared/errors.ts decides by class). */
import { InvalidMessageError } from '../errors.ts';

/**
 * A FleetRollout whose spec cannot be parsed: no retry makes it valid, so the rollout is marked Failed-to-parse in
 * its status (the user fixes the spec; the change wakes the rollout again). A subclass of InvalidMessageError so a
 * caller that cannot write the status lets the record reach the DLQ.
 */
export class InvalidFleetRolloutError extends InvalidMessageError {
  override name = 'InvalidFleetRolloutError';
}
