/**
 * The published event contract: one JSON Schema (draft 2020-12) per CloudEvents `type`, generated from the zod
 * schemas of this module's siblings — never written by hand. `npm run gen:schemas` writes them to docs/schemas/; a
 * test regenerates them in memory and fails when the files differ (docs/events.md: the versioning policy).
 *
 * Each schema pins what zod checks in code beyond the shape of the object: the `type` of its event, the `step` of a
 * step message (and restart-pod's required `pod`), and the CloudEvents rule for extension attributes (names of
 * lowercase letters and digits, at most 20 characters; string, integer or boolean values).
 */
import * as z from 'zod';
import { cloudEventSchema, dataschemaFor, EXTENSION_NAME_PATTERN } from './cloudevent.ts';
import { eventTypeFor, FUNCTION_STEPS, stepDataSchema, type FunctionStep } from './step-message.ts';
import { TRANSITION_KINDS, transitionDataSchema, transitionTypeFor } from './transition-event.ts';
import { DRIFT_EVENT_TYPE, driftDataSchema } from './drift-event.ts';
import { ROLLOUT_MESSAGE_TYPE, rolloutDataSchema } from './rollout-message.ts';
import { rolloutEventDataSchema, rolloutEventTypeFor } from './rollout-event.ts';
import { ROLLOUT_EVENT_TYPES } from '../fleet/types.ts';

type JsonSchema = Record<string, unknown>;

const DESCRIPTIONS = {
  step: (step: FunctionStep) =>
    `A message on the ${step} queue: "look at this ops request" (references only; the handler re-reads the cluster).`,
  condition: 'A condition a step wrote on a RedisOpsRequest (one event per transition, in order per ops request).',
  outcome: 'A RedisOpsRequest ended: condition Successful (status True) or Failed (status False, reason says why).',
  drift:
    "A Redis's ConfigDrift condition changed: the pods and directives whose running value differs from the declared config (no values).",
  rolloutMessage:
    'A message on the rollout queue: "look at this FleetRollout" (an announcement from the hub forwarder, or the rollout\'s own delayed look; references only).',
  rolloutEvent: (t: (typeof ROLLOUT_EVENT_TYPES)[number]) =>
    `A fleet rollout's transition ${t} (references the FleetRollout on the hub; one event per transition, in order per rollout).`,
} as const;

function stepMessageSchemaFor(step: FunctionStep) {
  const shape = stepDataSchema.shape;
  const data = z
    .object({
      ...shape,
      step: z.literal(step),
      ...(step === 'restart-pod' ? { pod: shape.pod.unwrap() } : {}),
    })
    .strict();
  return cloudEventSchema(data).safeExtend({ type: z.literal(eventTypeFor(step)) });
}

function transitionEventSchemaFor(kind: (typeof TRANSITION_KINDS)[number]) {
  const { condition } = transitionDataSchema.shape;
  // newTransitionEvent picks the kind by the condition: an outcome is a Successful or a Failed condition.
  const data =
    kind === 'outcome'
      ? transitionDataSchema.extend({ condition: condition.extend({ type: z.enum(['Successful', 'Failed']) }) })
      : transitionDataSchema;
  return cloudEventSchema(data).safeExtend({ type: z.literal(transitionTypeFor(kind)) });
}

/** zod's output, plus the CloudEvents extension rule, which zod checks in a refinement JSON Schema cannot see. */
function publish(type: string, description: string, schema: z.ZodType): JsonSchema {
  const generated = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: dataschemaFor(type),
    title: type,
    description,
    ...rest,
    propertyNames: { pattern: EXTENSION_NAME_PATTERN },
    additionalProperties: { type: ['string', 'integer', 'boolean'] },
  };
}

/** File name (`<type>.json`) → schema, for every event type the project sends or publishes. */
export function eventJsonSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const step of FUNCTION_STEPS) {
    const type = eventTypeFor(step);
    out[`${type}.json`] = publish(type, DESCRIPTIONS.step(step), stepMessageSchemaFor(step));
  }
  for (const kind of TRANSITION_KINDS) {
    const type = transitionTypeFor(kind);
    out[`${type}.json`] = publish(type, DESCRIPTIONS[kind], transitionEventSchemaFor(kind));
  }
  out[`${DRIFT_EVENT_TYPE}.json`] = publish(
    DRIFT_EVENT_TYPE,
    DESCRIPTIONS.drift,
    cloudEventSchema(driftDataSchema).safeExtend({ type: z.literal(DRIFT_EVENT_TYPE) }),
  );
  out[`${ROLLOUT_MESSAGE_TYPE}.json`] = publish(
    ROLLOUT_MESSAGE_TYPE,
    DESCRIPTIONS.rolloutMessage,
    cloudEventSchema(rolloutDataSchema).safeExtend({ type: z.literal(ROLLOUT_MESSAGE_TYPE) }),
  );
  for (const transition of ROLLOUT_EVENT_TYPES) {
    const type = rolloutEventTypeFor(transition);
    // The publisher names the type after the transition (rollout-publisher.ts): the two always agree.
    const data = rolloutEventDataSchema.extend({ transition: z.literal(transition) });
    out[`${type}.json`] = publish(
      type,
      DESCRIPTIONS.rolloutEvent(transition),
      cloudEventSchema(data).safeExtend({ type: z.literal(type) }),
    );
  }
  return out;
}

/** The text of a schema file: stable, prettier-compatible JSON. */
export const schemaFileText = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;
