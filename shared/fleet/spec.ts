/**
 * The FleetRollout spec (`fleet.redis-reconfigure.io/v1alpha1`, kind FleetRollout), parsed once at the edge: every
 * error names the field. What to change is the same `configuration` block a RedisOpsRequest has (applyConfig,
 * removeCustomConfig, restart) plus its timeout and apply; where and how fast is the selector and the strategy.
 */
import * as z from 'zod';
import { InvalidFleetRolloutError } from './errors.ts';
import { describeIssues } from '../messages/parse.ts';
import { parseGoDuration } from '../kubernetes/duration.ts';

export const FLEET_GROUP = 'fleet.redis-reconfigure.io';
export const FLEET_VERSION = 'v1alpha1';
export const FLEET_API_VERSION = `${FLEET_GROUP}/${FLEET_VERSION}`;
export const FLEET_KIND = 'FleetRollout';
export const FLEET_PLURAL = 'fleetrollouts';

/** A Kubernetes LabelSelector (metav1.LabelSelector): the terms are ANDed; an empty selector matches everything. */
export const labelSelectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string().min(1),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict()
          .superRefine((e, ctx) => {
            // metav1 validation: In/NotIn need values, Exists/DoesNotExist must have none.
            const needsValues = e.operator === 'In' || e.operator === 'NotIn';
            const count = e.values?.length ?? 0;
            if (needsValues && count === 0)
              ctx.addIssue({ code: 'custom', path: ['values'], message: `must be non-empty for ${e.operator}` });
            if (!needsValues && count > 0)
              ctx.addIssue({ code: 'custom', path: ['values'], message: `must be empty for ${e.operator}` });
          }),
      )
      .optional(),
  })
  .strict();
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

const duration = z.string().transform((text, ctx) => {
  try {
    return parseGoDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** A count ("3", 3) or a percentage of the rollout's databases ("10%"). */
const countOrPercent = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^(\d+%?)$/, 'must be a count (3) or a percentage (10%)')
    .refine((s) => !s.endsWith('%') || Number(s.slice(0, -1)) <= 100, 'a percentage must be at most 100%'),
]);

const positive = z.number().int().min(1);

export const strategySchema = z
  .object({
    /** The first databases, which must all succeed (and soak) before any wave starts. 0: no canary. */
    canary: z
      .object({ count: z.number().int().min(0) })
      .strict()
      .default({ count: 0 }),
    /** Databases per wave after the canary; unset: one wave with all of them. */
    waveSize: positive.optional(),
    /** Ops requests in flight at once across the fleet; unset: no limit. */
    maxConcurrency: positive.optional(),
    /** Ops requests in flight at once in one cluster; unset: no limit. */
    maxPerCluster: positive.optional(),
    /** Failed databases tolerated (canary failures never are); one more halts the rollout. Default 0. */
    failureBudget: z.object({ maxFailures: countOrPercent }).strict().default({ maxFailures: 0 }),
    /** After each wave (and the canary): the changed databases must stay healthy this long. */
    soak: duration.default(0),
    /** halt: stop creating; rollback: also put back the previous configuration of every changed database. */
    onFailure: z.enum(['halt', 'rollback']).default('halt'),
  })
  .strict();

export const databaseSelectorSchema = z
  .object({
    namespaces: z.array(z.string().min(1)).optional(),
    labelSelector: labelSelectorSchema.optional(),
    modes: z.array(z.enum(['Standalone', 'Cluster', 'Sentinel'])).optional(),
    /** spec.version of the Redis (the RedisVersion name), exact match. */
    versions: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const rolloutConfigurationSchema = z
  .object({
    applyConfig: z.record(z.string(), z.string()).optional(),
    removeCustomConfig: z.boolean().optional(),
    restart: z.enum(['auto', 'true', 'false']).optional(),
  })
  .strict()
  .refine(
    (c) => c.applyConfig !== undefined || c.removeCustomConfig === true,
    'must set applyConfig or removeCustomConfig: true',
  );

export const fleetRolloutSpecSchema = z
  .object({
    clusterSelector: labelSelectorSchema.default({}),
    databaseSelector: databaseSelectorSchema.default({}),
    configuration: rolloutConfigurationSchema,
    /** Passed to each RedisOpsRequest (spec.timeout, spec.apply). */
    timeout: z.string().optional(),
    apply: z.enum(['IfReady', 'Always']).optional(),
    strategy: strategySchema.default({
      canary: { count: 0 },
      failureBudget: { maxFailures: 0 },
      soak: 0,
      onFailure: 'halt',
    }),
    /** The user's switches: paused stops new ops requests until false again; abort stops the rollout for good. */
    paused: z.boolean().default(false),
    abort: z.boolean().default(false),
  })
  .strict();

export type FleetRolloutSpec = z.output<typeof fleetRolloutSpecSchema>;
export type FleetRolloutSpecInput = z.input<typeof fleetRolloutSpecSchema>;
export type RolloutConfiguration = FleetRolloutSpec['configuration'];

/** Parse a FleetRollout's spec; InvalidFleetRolloutError names every bad field (`spec.strategy.soak: ...`). */
export function parseFleetRolloutSpec(spec: unknown): FleetRolloutSpec {
  const result = fleetRolloutSpecSchema.safeParse(spec);
  if (!result.success) {
    const prefixed = new z.ZodError(result.error.issues.map((i) => ({ ...i, path: ['spec', ...i.path] })));
    throw new InvalidFleetRolloutError(describeIssues(prefixed));
  }
  return result.data;
}

/** The failure budget as a count of databases, for a rollout of `total` databases (a percentage rounds down). */
export function failureBudgetCount(maxFailures: number | string, total: number): number {
  if (typeof maxFailures === 'number') return maxFailures;
  if (maxFailures.endsWith('%')) return Math.floor((total * Number(maxFailures.slice(0, -1))) / 100);
  return Number(maxFailures);
}
