/**
 * The rollout function's message: "look at this FleetRollout" — from the hub's forwarder (announcement, resync) or
 * from the rollout itself (its delayed next look). Its queue also receives step outcome events (rollout-wake.ts). The same CloudEvents envelope as the step messages; `data` names
 * the rollout only, what to do is decided from its status and the member clusters.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { cloudEventSchema, dataschemaFor, traceExtensions, type TraceExtensions } from './cloudevent.ts';
import { InvalidMessageError } from '../errors.ts';
import { describeIssues } from './parse.ts';

const ROLLOUT_MESSAGE_VERSION = 1 as const;
export const ROLLOUT_MESSAGE_TYPE = `io.redis-reconfigure.fleet.rollout.v${ROLLOUT_MESSAGE_VERSION}`;

export const rolloutDataSchema = z
  .object({
    version: z.literal(ROLLOUT_MESSAGE_VERSION),
    /** The hub cluster the FleetRollout lives in. */
    clusterId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
    namespace: z.string().min(1).max(63),
    name: z.string().min(1).max(253),
    /** Absent from an announcement made before the uid was known; a look with another uid (re-created) is a no-op. */
    uid: z.string().min(1).max(64).optional(),
    reason: z.enum(['announce', 'look']),
    /** A look: the time it was scheduled for (status.nextLookAt then); a look from a superseded chain is not re-sent. */
    lookAt: z.string().datetime({ offset: true }).optional(),
    traceId: z.string().min(1).max(128),
  })
  .strict();

export type RolloutData = z.output<typeof rolloutDataSchema>;

const rolloutMessageSchema = cloudEventSchema(rolloutDataSchema).refine((m) => m.type === ROLLOUT_MESSAGE_TYPE, {
  path: ['type'],
  message: `must be ${ROLLOUT_MESSAGE_TYPE}`,
});
type RolloutMessage = z.output<typeof rolloutMessageSchema>;

/** The hop's trace context rides along as CloudEvents extensions, as on every step message. */
export function newRolloutMessage(
  data: RolloutData,
  source: string,
  now: Date = new Date(),
  trace: TraceExtensions = {},
): RolloutMessage {
  return rolloutMessageSchema.parse({
    ...traceExtensions(trace),
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: ROLLOUT_MESSAGE_TYPE,
    subject: `${data.clusterId}/${data.namespace}/${data.name}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaFor(ROLLOUT_MESSAGE_TYPE),
    data,
  });
}

export function parseRolloutMessage(json: unknown): RolloutMessage {
  const result = rolloutMessageSchema.safeParse(json);
  if (!result.success) throw new InvalidMessageError(describeIssues(result.error));
  return result.data;
}
