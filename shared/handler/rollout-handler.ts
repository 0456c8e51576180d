/**
 * The rollout function's middy handler: partial batch failures around runRollout. Records about the same rollout
 * run one after another (grouped by subject), different rollouts concurrently. Every error fails its record — a
 * poison one (invalid message, unknown hub cluster) until it reaches the DLQ, anything else to be redelivered; the
 * rollout's status, not the message, carries the progress, so a redelivery repeats nothing.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { classifyError } from '../errors.ts';
import { errorFields, type Logger } from '../logging.ts';
import { parseRolloutMessage } from '../messages/rollout-message.ts';
import type { RolloutDeps } from '../steps/rollout/ports.ts';
import { runRollout } from '../steps/rollout/rollout-step.ts';
import type { LambdaContext, SQSBatchResponse, SQSEvent, SQSRecord } from './lambda-types.ts';
import { settleBySubject, subjectKey } from './process-batch.ts';

function processRolloutRecord(deps: RolloutDeps, log: Logger): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    const fields = { messageId: record.messageId, receiveCount: record.attributes['ApproximateReceiveCount'] };
    try {
      const { data, subject } = parseRolloutMessage(record.body);
      await runRollout(data, { ...deps, log: deps.log.child({ subject, reason: data.reason, traceId: data.traceId }) });
    } catch (err) {
      const verdict = classifyError(err);
      log.error(
        verdict === 'poison' ? 'unusable message; it will reach the DLQ' : 'rollout look failed; SQS will redeliver',
        {
          ...fields,
          ...errorFields(err),
        },
      );
      throw err;
    }
  };
}

export function createRolloutHandler(deps: RolloutDeps, log: Logger) {
  const processRecord = processRolloutRecord(deps, log);
  return middy<SQSEvent, SQSBatchResponse, Error, LambdaContext>()
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    .handler(async (event) => settleBySubject(event.Records, subjectKey, processRecord) as unknown as SQSBatchResponse);
}
