/**
 * Spans through the OpenTelemetry API: a no-op until an SDK (an exporter, the ADOT Lambda layer for X-Ray) registers a
 * tracer provider, so the functions carry the dependency at the cost of ~8 KB and no behaviour change.
 *
 * Each hop — one SQS record handled by one function — is a CONSUMER span whose parent is the span that sent the
 * message (its `traceparent`). The hop's own context is what every message and event it sends carries on.
 */
import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import { serializeError } from '../logging.ts';
import { newSpanId, type TraceContext } from './trace-context.ts';

const tracer = trace.getTracer('redis-reconfigure');

export interface Hop {
  /** This hop's span: same trace id as its parent, a span id of its own. */
  readonly trace: TraceContext;
  /** Ends the span, marked as an error when the record failed. */
  end(error?: unknown): void;
}

export function startHop(name: string, parent: TraceContext, attributes: Attributes = {}): Hop {
  const parentContext = trace.setSpanContext(context.active(), {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
  const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parentContext);
  const sc = span.spanContext();
  // With no SDK registered the no-op tracer hands back the parent's own span context; the hop still needs its own
  // span id so that the next hop's parent is this one.
  const recorded = sc.traceId === parent.traceId && sc.spanId !== parent.spanId && trace.isSpanContextValid(sc);
  const own: TraceContext = recorded
    ? { traceId: sc.traceId, spanId: sc.spanId, sampled: (sc.traceFlags & 1) === 1 } // trace-flags bit 0: sampled
    : { ...parent, spanId: newSpanId() };
  return {
    trace: own,
    end(error?: unknown) {
      if (error !== undefined) {
        const { name, message } = serializeError(error);
        span.recordException({ name, message });
        span.setStatus({ code: SpanStatusCode.ERROR, message: name });
      }
      span.end();
    },
  };
}
