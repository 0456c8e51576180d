/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/), the `traceparent` header as CloudEvents' distributed
 * tracing extension carries it: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`. Pure: no OpenTelemetry
 * here (tracing.ts starts the spans), so the forwarder, the schema and the handlers share one parser.
 *
 * One trace per ops request: its trace id is derived from the ops request's uid (traceIdFor), so every announcement
 * of the same ops request — a resync, a redelivery, a recovery — lands in the same trace without any state.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero: the span that sent the message (the receiver's parent). */
  spanId: string;
  /** W3C `sampled` flag (trace-flags bit 0). */
  sampled: boolean;
}

/** The `traceparent` grammar of version 00; a later version's first four fields are read the same way (§4.3). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

export const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$';

/** undefined for anything the spec says to ignore: bad shape, version ff, an all-zero trace or span id. */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const m = value === undefined ? null : TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export const formatTraceparent = (tc: TraceContext): string =>
  `00-${tc.traceId}-${tc.spanId}-${tc.sampled ? '01' : '00'}`;

const isTraceId = (value: string): boolean => /^[0-9a-f]{32}$/.test(value) && !ALL_ZERO.test(value);

/**
 * The trace id of an ops request. A Kubernetes uid is a UUID, whose 32 hex digits are exactly a W3C trace id — so an
 * operator finds a run's trace from its uid alone (`kubectl get rdops <name> -o jsonpath='{.metadata.uid}' | tr -d -`);
 * any other uid is hashed into one.
 */
export function traceIdFor(uid: string): string {
  const hex = uid.toLowerCase().replace(/-/g, '');
  if (isTraceId(hex)) return hex;
  const hashed = createHash('sha256').update(uid).digest('hex').slice(0, 32);
  // A SHA-256 prefix of 128 zero bits does not happen; the guard keeps the invariant explicit.
  return ALL_ZERO.test(hashed) ? '0'.repeat(31) + '1' : hashed;
}

export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!ALL_ZERO.test(id)) return id;
  }
}

/** A new trace for an ops request, as the forwarder starts it: its trace id, a fresh span, sampled. */
export const startTraceFor = (uid: string): TraceContext => ({
  traceId: traceIdFor(uid),
  spanId: newSpanId(),
  sampled: true,
});

/**
 * The span a message continues: its `traceparent`. A message without one (sent before the extension existed, or by
 * hand) still joins its run's trace — the trace id it carries, or the one derived from `uid` — under a synthetic
 * parent span id (OpenTelemetry takes a span's trace id from its parent; a root span would get a random one).
 */
export function continuedTrace(traceparent: string | undefined, traceId: string, uid: string): TraceContext {
  return (
    parseTraceparent(traceparent) ?? {
      traceId: isTraceId(traceId) ? traceId : traceIdFor(uid),
      spanId: newSpanId(),
      sampled: true,
    }
  );
}
