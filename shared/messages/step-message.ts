/**
 * The one schema for every message on every queue (design.md "Contracts").
 *
 * Every message is a CloudEvents 1.0 structured-mode JSON envelope, so the same events can be forwarded to an event
 * bus unchanged. `data` carries references only (cluster id, namespace, ops request name + uid, step, pod), never a
 * secret value. The handlers re-read the cluster for everything else: the message says "look at this", the cluster's
 * status says what is due.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { cloudEventSchema, dataschemaFor, traceExtensions, type TraceExtensions } from './cloudevent.ts';

export const STEP_MESSAGE_VERSION = 1 as const;

/** The steps a function hands a run over to (QueuePort's targets). */
export const STEPS = ['halt', 'apply-config', 'restart-pod', 'resume'] as const;
export type Step = (typeof STEPS)[number];

/**
 * Every function that reads a queue: the steps, and recover, which only the forwarder's announcements reach (no step
 * hands off to it: docs/adr/0009-recovery-step.md).
 */
export const FUNCTION_STEPS = [...STEPS, 'recover'] as const;
export type FunctionStep = (typeof FUNCTION_STEPS)[number];

/** CloudEvents `type` per step; versioned so a consumer can tell v1 from a later shape. */
export const eventTypeFor = (step: FunctionStep): string =>
  `io.redis-reconfigure.step.${step}.v${STEP_MESSAGE_VERSION}`;

const dnsLabel = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase DNS name');

export const stepDataSchema = z
  .object({
    version: z.literal(STEP_MESSAGE_VERSION),
    clusterId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
    namespace: dnsLabel,
    opsRequest: z.object({ name: dnsLabel, uid: z.string().min(1).max(64) }).strict(),
    step: z.enum(FUNCTION_STEPS),
    /** restart-pod only: the pod this message is about. */
    pod: dnsLabel.optional(),
    /** restart-pod only: "evict" the pod, or "check" that it came back. */
    phase: z.enum(['evict', 'check']).optional(),
    /** How many times this step has re-enqueued itself (delayed checks); drives the backoff. */
    attempt: z.number().int().min(0).max(100_000).default(0),
    /**
     * A wake-up from the forwarder (docs/adr/0013-wake-ups.md): what the step waits for changed, look now. Only a
     * hint: a step still waiting for what wake-ups cover sends no delayed message of its own, its chain already runs.
     */
    wake: z.literal(true).optional(),
    /** Why the resume step runs: the run succeeded, or the reason it failed. */
    outcome: z
      .object({ status: z.enum(['Successful', 'Failed']), reason: z.string().max(256), message: z.string().max(4096) })
      .strict()
      .optional(),
    traceId: z.string().min(1).max(128),
  })
  .strict()
  .superRefine((data, ctx) => {
    if (data.step === 'restart-pod' && data.pod === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pod'], message: 'is required when step is restart-pod' });
    }
  });

export type StepData = z.output<typeof stepDataSchema>;
export type StepDataInput = z.input<typeof stepDataSchema>;

export const stepMessageSchema = cloudEventSchema(stepDataSchema).superRefine((msg, ctx) => {
  if (msg.type !== eventTypeFor(msg.data.step)) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: `must be ${eventTypeFor(msg.data.step)}` });
  }
});

export type StepMessage = z.output<typeof stepMessageSchema>;

/** `subject` names the object across the fleet: cluster/namespace/name. */
export const subjectOf = (d: Pick<StepData, 'clusterId' | 'namespace' | 'opsRequest'>): string =>
  `${d.clusterId}/${d.namespace}/${d.opsRequest.name}`;

/**
 * Build a validated message; throws a ZodError if the data is not valid. `trace` is the sending hop's trace context
 * (CloudEvents distributed tracing extension).
 */
export function newStepMessage(
  data: StepDataInput,
  source: string,
  now: Date = new Date(),
  trace: TraceExtensions = {},
): StepMessage {
  const parsed = stepDataSchema.parse(data);
  const type = eventTypeFor(parsed.step);
  return stepMessageSchema.parse({
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    subject: subjectOf(parsed),
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaFor(type),
    ...traceExtensions(trace),
    data: parsed,
  });
}
