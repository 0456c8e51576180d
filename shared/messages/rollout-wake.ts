/**
 * Everything that arrives on the rollout queue, parsed at the edge into one shape, a wake-up: "look at this
 * FleetRollout". Two messages do that:
 *  - the rollout message (rollout-message.ts): an announcement by the hub forwarder, or the rollout's own delayed look;
 *  - the outcome event (transition-event.ts) of an ops request a rollout made, delivered raw by the events topic's
 *    subscription (serverless.yml, RolloutEventsSubscription): its `data.rollout` names the rollout.
 * The event says which ops request ended, so a look that already knows it ended can be skipped (rollout-step.ts).
 */
import { InvalidMessageError } from '../errors.ts';
import { parseRolloutRef } from '../fleet/rollout-ref.ts';
import { traceIdFor } from '../observability/trace-context.ts';
import { describeIssues } from './parse.ts';
import { parseRolloutMessage, type RolloutData } from './rollout-message.ts';
import { OUTCOME_EVENT_TYPE, transitionEventSchema } from './transition-event.ts';

/** The ops request whose end woke the rollout. */
export interface EndedOpsRequest {
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
}

export interface RolloutWake {
  /** The rollout to look at; `reason` says what woke it. */
  data: Omit<RolloutData, 'reason'> & { reason: RolloutData['reason'] | 'ops-outcome' };
  /** The CloudEvents subject of the rollout (`<hub>/<namespace>/<name>`): records about one rollout run in turn. */
  subject: string;
  /** The trace context the message carried (an outcome event: its ops request's hop). */
  traceparent?: string;
  tracestate?: string;
  /** An outcome event: the ops request that ended. */
  ended?: EndedOpsRequest;
}

export function parseRolloutWake(body: string): RolloutWake {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new InvalidMessageError(`body is not JSON: ${(err as Error).message}`);
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type === OUTCOME_EVENT_TYPE) return wakeFromOutcome(json);
  const message = parseRolloutMessage(json);
  return { data: message.data, subject: message.subject, ...traceOf(message) };
}

function wakeFromOutcome(json: unknown): RolloutWake {
  const result = transitionEventSchema.safeParse(json);
  if (!result.success) throw new InvalidMessageError(describeIssues(result.error));
  const event = result.data;
  const { rollout } = event.data;
  // The subscription's filter policy lets only events with a rollout through: one without is misrouted.
  if (rollout === undefined) throw new InvalidMessageError('data.rollout: an outcome event of no rollout');
  const ref = parseRolloutRef(rollout.ref);
  if (ref === undefined) throw new InvalidMessageError(`data.rollout.ref: not <cluster>/<namespace>/<name>`);
  return {
    data: {
      version: 1,
      ...ref,
      uid: rollout.uid,
      reason: 'ops-outcome',
      // The rollout's own trace (one per rollout, as one per ops request): the event's is its ops request's.
      traceId: traceIdFor(rollout.uid),
    },
    subject: rollout.ref,
    ...traceOf(event),
    ended: {
      cluster: event.data.clusterId,
      namespace: event.data.namespace,
      name: event.data.opsRequest.name,
      phase: event.data.phase,
    },
  };
}

const traceOf = (e: {
  traceparent?: string;
  tracestate?: string;
}): Pick<RolloutWake, 'traceparent' | 'tracestate'> => ({
  ...(e.traceparent !== undefined ? { traceparent: e.traceparent } : {}),
  ...(e.tracestate !== undefined ? { tracestate: e.tracestate } : {}),
});

/** The grouping key of a record on the rollout queue: its rollout (an unparsable record: its message id). */
export function rolloutKeyOf(body: string, messageId: string): string {
  try {
    return parseRolloutWake(body).subject;
  } catch {
    return messageId;
  }
}
