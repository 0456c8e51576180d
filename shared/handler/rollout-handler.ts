/**
 * The rollout function's middy handler: partial batch failures around runRollout. Its queue carries the rollout's own
 * messages (announcements, delayed looks) and the outcome events of the ops requests rollouts made (the events
 * topic's subscription); both are wake-ups of one rollout (shared/messages/rollout-wake.ts). Records about the same
 * rollout run one after another (grouped by the rollout), different rollouts concurrently. Every error fails its
 * record — a poison one (invalid message, unknown hub cluster) until it reaches the DLQ, anything else to be
 * redelivered; the rollout's status, not the message, carries the progress, so a redelivery repeats nothing.
 *
 * Each record is one hop of its rollout's trace (one trace per rollout, its id derived from the rollout's uid as an
 * ops request's is from its uid): what the look sends — its next look, its transition events — carries the hop's
 * `traceparent`. An outcome event's own traceparent (its ops request's trace) is kept on the span as an attribute.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { classifyError } from '../errors.ts';
import { errorFields, type Logger } from '../logging.ts';
import { traceExtensions, type TraceExtensions } from '../messages/cloudevent.ts';
import { parseRolloutWake, rolloutKeyOf, type RolloutWake } from '../messages/rollout-wake.ts';
import { continuedTrace, formatTraceparent, type TraceContext } from '../observability/trace-context.ts';
import { startHop, type Hop } from '../observability/tracing.ts';
import type { RolloutDeps } from '../steps/rollout/ports.ts';
import { runRollout } from '../steps/rollout/rollout-step.ts';
import type { LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from './lambda-types.ts';
import { settleBySubject } from './process-batch.ts';

/** A rollout message continues the trace it names; an outcome event (another trace) starts a span in the rollout's. */
export function rolloutParentTrace(wake: RolloutWake): TraceContext {
  const { traceId, uid } = wake.data;
  return continuedTrace(wake.ended === undefined ? wake.traceparent : undefined, traceId, uid ?? traceId);
}

/** The ports of one record: what the look sends carries this hop's trace context. */
function tracedDeps(deps: RolloutDeps, trace: TraceExtensions, log: Logger): RolloutDeps {
  const { queue, events } = deps;
  return {
    ...deps,
    log,
    queue: { sendLook: (data, delaySeconds) => queue.sendLook(data, delaySeconds, trace) },
    events: { publish: (ref, t) => events.publish(ref, t, trace) },
  };
}

function processRolloutRecord(deps: RolloutDeps, log: Logger): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    const receiveCount = record.attributes['ApproximateReceiveCount'];
    const fields = { messageId: record.messageId, receiveCount };
    let hop: Hop | undefined;
    let failure: unknown;
    try {
      const wake = parseRolloutWake(record.body);
      hop = startHop(`rollout ${wake.subject}`, rolloutParentTrace(wake), {
        'messaging.system': 'aws_sqs',
        'messaging.message.id': record.messageId,
        'cloudevents.event_subject': wake.subject,
        ...(wake.ended !== undefined && wake.traceparent !== undefined
          ? { 'fleet.woken_by.traceparent': wake.traceparent }
          : {}),
      });
      const trace = traceExtensions({
        traceparent: formatTraceparent(hop.trace),
        ...(wake.ended === undefined && wake.tracestate !== undefined ? { tracestate: wake.tracestate } : {}),
      });
      const recordLog = deps.log.child({
        subject: wake.subject,
        reason: wake.data.reason,
        traceId: hop.trace.traceId,
        spanId: hop.trace.spanId,
      });
      await runRollout(wake.data, tracedDeps(deps, trace, recordLog), {
        ...(wake.ended !== undefined ? { ended: wake.ended } : {}),
        redelivered: Number(receiveCount ?? 1) > 1,
      });
    } catch (err) {
      failure = err;
      const verdict = classifyError(err);
      log.error(
        verdict === 'poison' ? 'unusable message; it will reach the DLQ' : 'rollout look failed; SQS will redeliver',
        { ...fields, ...errorFields(err) },
      );
      throw err;
    } finally {
      hop?.end(failure);
    }
  };
}

export function createRolloutHandler(deps: RolloutDeps, log: Logger) {
  const processRecord = processRolloutRecord(deps, log);
  return middy<SQSEvent, SQSBatchResponse, Error, LambdaContext>()
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    .handler(
      async (event) =>
        settleBySubject(
          event.Records,
          (r) => rolloutKeyOf(r.body, r.messageId),
          processRecord,
        ) as unknown as SQSBatchResponse,
    );
}
