/**
 * The CloudEvents a fleet rollout publishes on the events topic for its transitions (started, a wave done, paused,
 * resumed, halted, aborted, completed, rolled back). `data` references the rollout; the id is the transition's own
 * deterministic id, so the same transition decided twice is one event (the FIFO topic deduplicates on it).
 */
import * as z from 'zod';
import { cloudEventSchema } from './cloudevent.ts';
import { ROLLOUT_EVENT_TYPES } from '../fleet/types.ts';

export const ROLLOUT_EVENT_VERSION = 1 as const;
export const rolloutEventTypeFor = (t: (typeof ROLLOUT_EVENT_TYPES)[number]): string =>
  `io.redis-reconfigure.fleet.rollout.${t.toLowerCase()}.v${ROLLOUT_EVENT_VERSION}`;

export const rolloutEventDataSchema = z
  .object({
    version: z.literal(ROLLOUT_EVENT_VERSION),
    clusterId: z.string().min(1),
    namespace: z.string().min(1),
    rollout: z.object({ name: z.string().min(1), uid: z.string().min(1) }).strict(),
    transition: z.enum(ROLLOUT_EVENT_TYPES),
    wave: z.number().int().min(0).optional(),
    message: z.string().max(4096),
  })
  .strict();

export const rolloutEventSchema = cloudEventSchema(rolloutEventDataSchema);
