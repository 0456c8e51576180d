/**
 * The one factory every step's Lambda handler is made with: middy + partial batch failures around a pure step.
 * What an error means for the record is decided here, by class (shared/errors.ts):
 *  - OpsRequestFailedError → the ops request ends Failed through resume (the record itself succeeds);
 *  - InvalidMessageError / UnknownClusterError → the record fails every time, so it reaches the DLQ, reason logged;
 *  - anything else → the record fails and SQS redelivers it after the visibility timeout.
 *
 * Each record is one hop of its ops request's trace (a span, shared/observability/tracing.ts): its log lines carry
 * the run's correlation fields and trace id, what it sends carries the hop's `traceparent`, and its step and hop
 * latencies are metrics, written once per invocation by the metrics middleware.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { classifyError, InvalidMessageError, type OpsRequestFailedError } from '../errors.ts';
import { errorFields, type Logger } from '../logging.ts';
import { parseStepMessage } from '../messages/parse.ts';
import type { FunctionStep, StepData, StepMessage } from '../messages/step-message.ts';
import type { MetricsBuffer } from '../observability/metrics.ts';
import { startHop, type Hop } from '../observability/tracing.ts';
import { messageFor } from '../steps/dispatch.ts';
import type { StepDeps } from '../steps/ports.ts';
import type { LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from './lambda-types.ts';
import { flushMetrics } from './metrics-middleware.ts';
import { settleBySubject, subjectKey } from './process-batch.ts';
import { correlationOf, hopLatencyMs, parentTraceOf } from './record-observability.ts';
import { recordDeps } from './record-deps.ts';

type StepRunner = (data: StepData, deps: StepDeps) => Promise<void>;

interface StepHandlerOptions {
  step: FunctionStep;
  run: StepRunner;
  depsFor: (clusterId: string) => Promise<StepDeps>;
  log: Logger;
  /** The invocation's metrics; the step's deps record into the same buffer. */
  metrics: MetricsBuffer;
  /** The metrics' `service` dimension (POWERTOOLS_SERVICE_NAME). */
  metricsService?: string;
  /** Where EMF lines go (default stdout). */
  writeMetrics?: (line: string) => void;
  now?: () => Date;
}

export function processStepRecord(options: StepHandlerOptions): (record: SQSRecord) => Promise<void> {
  const { step, log, metrics } = options;
  const now = options.now ?? (() => new Date());
  return async (record) => {
    const started = now();
    const fields = { messageId: record.messageId, receiveCount: record.attributes['ApproximateReceiveCount'] };
    let recordLog = log.child(fields);
    let data: StepData | undefined;
    let hop: Hop | undefined;
    let failure: unknown;
    try {
      const message = parseStepMessage(record.body);
      data = message.data;
      hop = startHop(`${step} ${message.subject}`, parentTraceOf(message), {
        'messaging.system': 'aws_sqs',
        'messaging.message.id': record.messageId,
        'cloudevents.event_subject': message.subject,
      });
      // Every line about this record names its run: the correlation fields of this message and the trace.
      recordLog = recordLog.child({ subject: message.subject, ...correlationOf(data, hop.trace) });
      metrics.latency('HopLatency', data.clusterId, step, hopLatencyMs(message, record, started));
      if (data.step !== step) throw new InvalidMessageError(`a ${data.step} message arrived on the ${step} queue`);
      await runStep(options, message, hop, recordLog);
    } catch (err) {
      failure = err;
      const verdict = classifyError(err);
      recordLog.error(
        verdict === 'poison' ? 'unusable message; it will reach the DLQ' : 'step failed; SQS will redeliver',
        { step, ...errorFields(err) },
      );
      throw err;
    } finally {
      hop?.end(failure);
      if (data !== undefined) metrics.latency('StepLatency', data.clusterId, step, now().getTime() - started.getTime());
    }
  };
}

async function runStep(options: StepHandlerOptions, message: StepMessage, hop: Hop, log: Logger): Promise<void> {
  const { step, run, depsFor } = options;
  const data = message.data;
  const clusterDeps = await depsFor(data.clusterId);
  const deps = recordDeps(
    { ...clusterDeps, log: clusterDeps.log.child(correlationOf(data, hop.trace)) },
    step,
    hop.trace,
    message.tracestate,
  );
  try {
    await run(data, deps);
  } catch (err) {
    if (classifyError(err) !== 'fail-ops-request' || step === 'resume') throw err;
    const failure = err as OpsRequestFailedError;
    log.warn('ops request failed; handing over to resume', { reason: failure.reason, message: failure.message });
    const resume = messageFor(
      { step: 'resume', outcome: 'Failed', reason: failure.reason, message: failure.message },
      data,
    );
    await deps.queue.send(resume.step, resume.data);
  }
}

export function createStepHandler(options: StepHandlerOptions) {
  const processRecord = processStepRecord(options);
  return (
    middy<SQSEvent, SQSBatchResponse, Error, LambdaContext>()
      .use(
        flushMetrics({
          buffer: options.metrics,
          service: options.metricsService,
          write: options.writeMetrics,
        }),
      )
      // The record's error was already logged with its context above; the middleware only builds the response.
      .use(sqsPartialBatchFailure({ logger: () => undefined }))
      .handler(
        async (event) => settleBySubject(event.Records, subjectKey, processRecord) as unknown as SQSBatchResponse,
      )
  );
}
