/** The CloudEvents 1.0 structured-mode JSON envelope shared by every message and event of the project. */
import { z } from 'zod';

export const cloudEventSchema = <D extends z.ZodType>(data: D) =>
  z
    .object({
      specversion: z.literal('1.0'),
      id: z.string().min(1),
      source: z.string().min(1),
      type: z.string().min(1),
      subject: z.string().min(1),
      time: z.string().datetime({ offset: true }),
      datacontenttype: z.literal('application/json'),
      data,
    })
    .strict();
