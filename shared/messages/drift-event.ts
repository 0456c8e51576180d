/**
 * The CloudEvent a drift check publishes when a Redis's ConfigDrift condition changes (shared/steps/drift/): same
 * envelope and bus as the transition events (transition-event.ts), about a database instead of an ops request.
 * `data` names directives and pods, never a value: configuration values stay in the cluster (the condition and
 * the Event carry them), as for every event on the bus.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { cloudEventSchema, dataschemaFor } from './cloudevent.ts';

const DRIFT_EVENT_VERSION = 1 as const;
export const DRIFT_EVENT_TYPE = `io.redis-reconfigure.redis.drift.v${DRIFT_EVENT_VERSION}`;

export const driftDataSchema = z
  .object({
    version: z.literal(DRIFT_EVENT_VERSION),
    clusterId: z.string().min(1),
    namespace: z.string().min(1),
    database: z.string().min(1),
    /** The ConfigDrift condition's new status: True = some pod differs, False = every compared pod agrees. */
    status: z.enum(['True', 'False']),
    drifted: z.array(z.object({ pod: z.string().min(1), parameter: z.string().min(1) }).strict()),
    /** Pods not compared (not Ready, unreachable). */
    notCompared: z.array(z.string().min(1)),
  })
  .strict();
type DriftData = z.infer<typeof driftDataSchema>;

export const driftEventSchema = cloudEventSchema(driftDataSchema).superRefine((e, ctx) => {
  if (e.type !== DRIFT_EVENT_TYPE)
    ctx.addIssue({ code: 'custom', path: ['type'], message: `must be ${DRIFT_EVENT_TYPE}` });
});
export type DriftEvent = z.infer<typeof driftEventSchema>;

export const isDriftEvent = (event: { type: string }): event is DriftEvent => event.type === DRIFT_EVENT_TYPE;

export function newDriftEvent(data: DriftData, source: string, now: Date = new Date()): DriftEvent {
  const parsed = driftDataSchema.parse(data);
  return driftEventSchema.parse({
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: DRIFT_EVENT_TYPE,
    subject: `${parsed.clusterId}/${parsed.namespace}/${parsed.database}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaFor(DRIFT_EVENT_TYPE),
    data: parsed,
  });
}
