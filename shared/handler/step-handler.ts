/**
 * The one factory every step's Lambda handler is made with: middy + partial batch failures around a pure step.
 * What an error means for the record is decided here, by class (shared/errors.ts):
 *  - OpsRequestFailedError → the ops request ends Failed through resume (the record itself succeeds);
 *  - InvalidMessageError / UnknownClusterError → the record fails every time, so it reaches the DLQ, reason logged;
 *  - anything else → the record fails and SQS redelivers it after the visibility timeout.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { classifyError, InvalidMessageError, type OpsRequestFailedError } from '../errors.ts';
import { errorFields, type CorrelationFields, type Logger } from '../logging.ts';
import { parseStepMessage } from '../messages/parse.ts';
import type { FunctionStep, StepData } from '../messages/step-message.ts';
import { messageFor } from '../steps/dispatch.ts';
import type { StepDeps } from '../steps/ports.ts';
import type { LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from './lambda-types.ts';
import { settleBySubject, subjectKey } from './process-batch.ts';

type StepRunner = (data: StepData, deps: StepDeps) => Promise<void>;

interface StepHandlerOptions {
  step: FunctionStep;
  run: StepRunner;
  depsFor: (clusterId: string) => Promise<StepDeps>;
  log: Logger;
}

export function processStepRecord(options: StepHandlerOptions): (record: SQSRecord) => Promise<void> {
  const { step, run, depsFor, log } = options;
  return async (record) => {
    const fields = { messageId: record.messageId, receiveCount: record.attributes['ApproximateReceiveCount'] };
    let data: StepData | undefined;
    try {
      const message = parseStepMessage(record.body);
      data = message.data;
      if (data.step !== step) throw new InvalidMessageError(`a ${data.step} message arrived on the ${step} queue`);
      const clusterDeps = await depsFor(data.clusterId);
      // Every line the step writes names its run: the correlation fields of this message.
      const deps = { ...clusterDeps, log: clusterDeps.log.child(correlationOf(data)) };
      try {
        await run(data, deps);
      } catch (err) {
        if (classifyError(err) !== 'fail-ops-request' || step === 'resume') throw err;
        const failure = err as OpsRequestFailedError;
        log.warn('ops request failed; handing over to resume', {
          ...fields,
          subject: message.subject,
          reason: failure.reason,
          message: failure.message,
        });
        const resume = messageFor(
          { step: 'resume', outcome: 'Failed', reason: failure.reason, message: failure.message },
          data,
        );
        await deps.queue.send(resume.step, resume.data);
      }
    } catch (err) {
      const verdict = classifyError(err);
      log.error(verdict === 'poison' ? 'unusable message; it will reach the DLQ' : 'step failed; SQS will redeliver', {
        ...fields,
        step,
        ...(data !== undefined ? { subject: `${data.clusterId}/${data.namespace}/${data.opsRequest.name}` } : {}),
        ...errorFields(err),
      });
      throw err;
    }
  };
}

function correlationOf(data: StepData): CorrelationFields {
  return {
    clusterId: data.clusterId,
    namespace: data.namespace,
    opsRequest: data.opsRequest.name,
    uid: data.opsRequest.uid,
    step: data.step,
    ...(data.pod !== undefined ? { pod: data.pod } : {}),
    attempt: data.attempt,
    traceId: data.traceId,
  };
}

export function createStepHandler(options: StepHandlerOptions) {
  const processRecord = processStepRecord(options);
  return (
    middy<SQSEvent, SQSBatchResponse, Error, LambdaContext>()
      // The record's error was already logged with its context above; the middleware only builds the response.
      .use(sqsPartialBatchFailure({ logger: () => undefined }))
      .handler(
        async (event) => settleBySubject(event.Records, subjectKey, processRecord) as unknown as SQSBatchResponse,
      )
  );
}
