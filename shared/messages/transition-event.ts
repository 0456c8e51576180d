/**
 * The events teams plug into their event bus: one CloudEvents 1.0 event per step transition (each condition the
 * run writes on the ops request) and one for the final outcome. Same envelope as the step messages; `data` carries
 * what happened and references only — never a configuration value or a secret.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { cloudEventSchema, dataschemaFor } from './cloudevent.ts';
import { FUNCTION_STEPS } from './step-message.ts';

export const TRANSITION_EVENT_VERSION = 1 as const;
export const TRANSITION_KINDS = ['condition', 'outcome'] as const;

export const transitionTypeFor = (kind: (typeof TRANSITION_KINDS)[number]): string =>
  `io.redis-reconfigure.opsrequest.${kind}.v${TRANSITION_EVENT_VERSION}`;

/** The event type of an ops request's final condition (Successful or Failed). */
export const OUTCOME_EVENT_TYPE = transitionTypeFor('outcome');

export const transitionDataSchema = z
  .object({
    version: z.literal(TRANSITION_EVENT_VERSION),
    clusterId: z.string().min(1),
    namespace: z.string().min(1),
    opsRequest: z.object({ name: z.string().min(1), uid: z.string().min(1) }).strict(),
    database: z.string().min(1),
    step: z.enum(FUNCTION_STEPS),
    phase: z.string(),
    pod: z.string().optional(),
    condition: z
      .object({
        type: z.string(),
        status: z.enum(['True', 'False', 'Unknown']),
        reason: z.string().optional(),
        message: z.string().max(4096).optional(),
      })
      .strict(),
    /**
     * The FleetRollout that made the ops request (its rollout-ref annotation and rollout-uid label), absent for one
     * made by hand. Added in place (optional, so version 1 still reads): the rollout queue subscribes to the outcome
     * events that carry it (SNS attribute `rollout`), which is how a finished ops request wakes its rollout.
     */
    rollout: z
      .object({
        ref: z.string().min(1).max(512),
        uid: z.string().min(1).max(64),
      })
      .strict()
      .optional(),
    /** Position of this transition in the ops request's story (index of the condition), for ordering consumers. */
    sequence: z.number().int().min(0),
    traceId: z.string().min(1),
  })
  .strict();
export type TransitionData = z.infer<typeof transitionDataSchema>;

export const transitionEventSchema = cloudEventSchema(transitionDataSchema);
export type TransitionEvent = z.infer<typeof transitionEventSchema>;

/** The event of one transition; the hop's trace context is stamped on by the handler (shared/handler/record-deps.ts). */
export function newTransitionEvent(data: TransitionData, source: string, now: Date = new Date()): TransitionEvent {
  const parsed = transitionDataSchema.parse(data);
  const kind = parsed.condition.type === 'Successful' || parsed.condition.type === 'Failed' ? 'outcome' : 'condition';
  const type = transitionTypeFor(kind);
  return transitionEventSchema.parse({
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    dataschema: dataschemaFor(type),
    subject: `${parsed.clusterId}/${parsed.namespace}/${parsed.opsRequest.name}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data: parsed,
  });
}
