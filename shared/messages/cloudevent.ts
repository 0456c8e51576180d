/**
 * The CloudEvents 1.0 structured-mode JSON envelope shared by every message and event of the project.
 *
 * Besides the context attributes the project sets, an envelope may carry any CloudEvents extension attribute
 * (spec §3.1.1 "Extension Context Attributes": a name of lowercase a–z and digits, at most 20 characters; a value of the
 * CloudEvents type system, which JSON writes as a string, an integer or a boolean) — in particular the distributed
 * tracing extension's `traceparent` and `tracestate`, which every message and event of a run carries (one trace per
 * ops request, docs/operations.md). Unknown extensions are accepted and ignored, as the spec asks of consumers; `data`
 * stays strict, so nothing rides along inside it.
 */
import * as z from 'zod';
import { TRACEPARENT_PATTERN } from '../observability/trace-context.ts';

/** CloudEvents attribute naming rule (spec §3.1.1). */
export const EXTENSION_NAME_PATTERN = '^[a-z0-9]{1,20}$';
const extensionName = new RegExp(EXTENSION_NAME_PATTERN);

/** The distributed tracing extension (CloudEvents extensions/distributed-tracing.md): W3C Trace Context values. */
export interface TraceExtensions {
  traceparent?: string;
  tracestate?: string;
}

/** What JSON writes a CloudEvents attribute value as (spec §3.1.4 type system, JSON format §2.2). */
const isExtensionValue = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));

const KNOWN = new Set(['data']);

export const cloudEventSchema = <D extends z.ZodType>(data: D) =>
  z
    .looseObject({
      specversion: z.literal('1.0'),
      id: z.string().min(1),
      source: z.string().min(1),
      type: z.string().min(1),
      subject: z.string().min(1),
      time: z.string().datetime({ offset: true }),
      datacontenttype: z.literal('application/json'),
      /** The JSON Schema `data` adheres to (docs/schemas/, docs/events.md): a URI naming the shape and its version. */
      dataschema: z.string().min(1).optional(),
      traceparent: z.string().regex(new RegExp(TRACEPARENT_PATTERN), 'must be a W3C traceparent').optional(),
      tracestate: z.string().max(512).optional(),
      data,
    })
    .superRefine((event, ctx) => {
      for (const [key, value] of Object.entries(event)) {
        if (!extensionName.test(key))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is not a CloudEvents attribute name (lowercase a-z and 0-9, at most 20 characters)',
          });
        else if (!KNOWN.has(key) && !isExtensionValue(value))
          ctx.addIssue({ code: 'custom', path: [key], message: 'must be a string, an integer or a boolean' });
      }
    });

/**
 * The `dataschema` of an event type: names the published JSON Schema of that type (docs/schemas/<type>.json, whose
 * `$id` it is). A URN, not a URL: the schema ships with the code, it is not served.
 */
export const dataschemaFor = (type: string): string => `urn:redis-reconfigure:schema:${type}`;

/** The extension attributes of an envelope as given, for a message built from parts (undefined ones left out). */
export const traceExtensions = (ext: TraceExtensions = {}): TraceExtensions => ({
  ...(ext.traceparent !== undefined ? { traceparent: ext.traceparent } : {}),
  ...(ext.tracestate !== undefined ? { tracestate: ext.tracestate } : {}),
});
