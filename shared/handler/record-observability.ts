/**
 * What the handler knows about one record before the step runs: the trace it belongs to, its hop latency, and the
 * correlation fields every log line about it carries.
 */
import { DELAY_ATTRIBUTE } from '../adapters/queue/sqs-queue.ts';
import type { CorrelationFields } from '../logging.ts';
import type { StepData, StepMessage } from '../messages/step-message.ts';
import { continuedTrace, type TraceContext } from '../observability/trace-context.ts';
import type { SQSRecord } from './lambda-types.ts';

/** The span a record continues: its `traceparent`, else its ops request's trace (continuedTrace). */
export function parentTraceOf(message: StepMessage): TraceContext {
  const { traceId, opsRequest } = message.data;
  return continuedTrace(message.traceparent, traceId, opsRequest.uid);
}

/**
 * Milliseconds from the message's `time` (when its sender built it) to now, less the delivery delay the sender
 * asked for (SQS DelaySeconds, carried as a message attribute): the time the message spent waiting for a function.
 * Clock skew between sender and function can make it slightly negative; the metric clamps it at 0.
 */
export function hopLatencyMs(message: StepMessage, record: SQSRecord, now: Date): number {
  const sent = Date.parse(message.time);
  const delaySeconds = Number(record.messageAttributes[DELAY_ATTRIBUTE]?.stringValue ?? 0);
  return now.getTime() - sent - (Number.isFinite(delaySeconds) ? delaySeconds * 1000 : 0);
}

/** The fields that tie a log line to its run (docs/operations.md, "Follow one ops request by its trace id"). */
export function correlationOf(data: StepData, trace: TraceContext): CorrelationFields & { spanId: string } {
  return {
    clusterId: data.clusterId,
    namespace: data.namespace,
    opsRequest: data.opsRequest.name,
    uid: data.opsRequest.uid,
    step: data.step,
    ...(data.pod !== undefined ? { pod: data.pod } : {}),
    attempt: data.attempt,
    traceId: trace.traceId,
    spanId: trace.spanId,
  };
}
