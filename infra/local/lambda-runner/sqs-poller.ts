/**
 * One poller of an SQS event-source mapping, following Lambda's documented behaviour ("Using Lambda with Amazon
 * SQS"): long-poll, gather up to `batchSize` records within `maximumBatchingWindow`, invoke the function once with
 * the batch, delete what succeeded, leave the rest on the queue. Lambda never extends the visibility timeout: a
 * record left behind reappears when it expires, and SQS's redrive policy moves it to the DLQ once its receive count
 * exceeds `maxReceiveCount` (fauxqs implements that redrive on receive, as SQS does).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FunctionConfig, SqsEventMapping } from '../serverless-config.ts';
import { judgeBatchResponse } from './batch-response.ts';
import type { InvocationEndEvent, InvocationOutcome, RunnerEvents } from './events.ts';
import type { InvocationResult } from './execution-environment.ts';
import type { FunctionPool } from './function-pool.ts';
import { toSqsRecord, type SqsRecord } from './sqs-event.ts';
import { serializeError, type SerializedError } from './worker-protocol.ts';

export interface PollerContext {
  fn: FunctionConfig;
  mapping: SqsEventMapping;
  queueUrl: string;
  queueArn: string;
  region: string;
  client: SQSClient;
  pool: FunctionPool;
  /** Long-poll wait per ReceiveMessage; short locally so that stop is quick. */
  pollWaitSeconds: number;
  stopSignal: AbortSignal;
  emit: <K extends keyof RunnerEvents>(name: K, event: RunnerEvents[K]) => void;
}

const SQS_MAX_MESSAGES_PER_RECEIVE = 10;
const RECEIVE_ERROR_BACKOFF_MS = 500;

export async function runPoller(context: PollerContext): Promise<void> {
  while (!context.stopSignal.aborted) {
    await context.pool.acquire();
    try {
      await pollOnce(context);
    } finally {
      context.pool.release();
    }
  }
}

async function pollOnce(context: PollerContext): Promise<void> {
  let messages: Message[];
  try {
    messages = await receiveBatch(context);
  } catch (error) {
    if (context.stopSignal.aborted) return;
    context.emit('runner-error', { functionName: context.fn.name, phase: 'receive', error: serializeError(error) });
    await stopAwareDelay(RECEIVE_ERROR_BACKOFF_MS, context.stopSignal);
    return;
  }
  if (messages.length === 0) return;
  if (context.stopSignal.aborted) {
    await releaseMessages(context, messages);
    return;
  }
  await invokeBatch(context, messages);
}

/** `maximumBatchingWindow` is honoured loosely: gathering stops early as soon as the queue has nothing ready. */
async function receiveBatch(context: PollerContext): Promise<Message[]> {
  const { batchSize, maximumBatchingWindowSeconds } = context.mapping;
  const batch = await receive(context, batchSize, context.pollWaitSeconds);
  if (batch.length === 0) return batch;
  const windowEnds = Date.now() + maximumBatchingWindowSeconds * 1000;
  while (batch.length < batchSize && Date.now() < windowEnds && !context.stopSignal.aborted) {
    const more = await receive(context, batchSize - batch.length, 0);
    if (more.length === 0) break;
    batch.push(...more);
  }
  return batch;
}

async function receive(context: PollerContext, wanted: number, waitSeconds: number): Promise<Message[]> {
  const output = await context.client.send(
    new ReceiveMessageCommand({
      QueueUrl: context.queueUrl,
      MaxNumberOfMessages: Math.min(SQS_MAX_MESSAGES_PER_RECEIVE, wanted),
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return output.Messages ?? [];
}

async function invokeBatch(context: PollerContext, messages: Message[]): Promise<void> {
  const { fn, pool } = context;
  const records = messages.map((message) => toSqsRecord(message, context.queueArn, context.region));
  const requestId = randomUUID();
  const environment = pool.checkout();
  const coldStart = environment.invocations === 0;
  const messageIds = records.map((r) => r.messageId);
  context.emit('invocation-start', {
    functionName: fn.name,
    requestId,
    environmentId: environment.id,
    coldStart,
    messageIds,
    bodies: records.map((r) => r.body),
    sentTimestamps: records.map((r) => Number(r.attributes.SentTimestamp)),
  });
  const { result, durationMs, initDurationMs } = await environment.invoke(
    requestId,
    { Records: records },
    fn.timeoutSeconds * 1000,
  );
  pool.checkin(environment);
  const settlement = settle(result, messageIds, context.mapping.reportBatchItemFailures);
  const failed = new Set(settlement.failedMessageIds);
  const processed = records.filter((r) => !failed.has(r.messageId));
  await deleteRecords(context, processed);
  const end: InvocationEndEvent = {
    functionName: fn.name,
    requestId,
    environmentId: environment.id,
    outcome: settlement.outcome,
    recordCount: records.length,
    okCount: processed.length,
    failedCount: failed.size,
    failedMessageIds: [...failed],
    durationMs,
  };
  if (settlement.error) end.error = settlement.error;
  if (initDurationMs !== undefined) end.initDurationMs = initDurationMs;
  if ('cpuMs' in result && result.cpuMs !== undefined) end.cpuMs = result.cpuMs;
  context.emit('invocation-end', end);
}

interface Settlement {
  outcome: InvocationOutcome;
  failedMessageIds: string[];
  error?: SerializedError;
}

/** A thrown error, a timeout, a crash or an invalid response fails every record of the batch. */
function settle(result: InvocationResult, messageIds: string[], reportBatchItemFailures: boolean): Settlement {
  switch (result.status) {
    case 'ok': {
      const verdict = judgeBatchResponse(result.response, messageIds, reportBatchItemFailures);
      if (verdict.outcome === 'success') return { outcome: 'success', failedMessageIds: [] };
      if (verdict.outcome === 'partial-failure')
        return { outcome: 'partial-failure', failedMessageIds: verdict.failedMessageIds };
      return {
        outcome: 'invalid-response',
        failedMessageIds: messageIds,
        error: { name: 'InvalidBatchResponse', message: verdict.reason },
      };
    }
    case 'error':
      return { outcome: 'error', failedMessageIds: messageIds, error: result.error };
    case 'timeout':
      return {
        outcome: 'timeout',
        failedMessageIds: messageIds,
        error: { name: 'TimeoutError', message: 'Task timed out' },
      };
    case 'crashed':
      return { outcome: 'crashed', failedMessageIds: messageIds, error: result.error };
  }
}

async function deleteRecords(context: PollerContext, records: SqsRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += SQS_MAX_MESSAGES_PER_RECEIVE) {
    const chunk = records.slice(i, i + SQS_MAX_MESSAGES_PER_RECEIVE);
    try {
      const output = await context.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: context.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of output.Failed ?? []) {
        const message = `DeleteMessageBatch entry ${failure.Id}: ${failure.Code} ${failure.Message ?? ''}`;
        context.emit('runner-error', {
          functionName: context.fn.name,
          phase: 'delete',
          error: { name: 'DeleteFailed', message },
        });
      }
    } catch (error) {
      // The records will be redelivered after the visibility timeout: at-least-once, as with Lambda.
      context.emit('runner-error', { functionName: context.fn.name, phase: 'delete', error: serializeError(error) });
    }
  }
}

/** Messages received while stopping go straight back to the queue instead of waiting out the visibility timeout. */
async function releaseMessages(context: PollerContext, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += SQS_MAX_MESSAGES_PER_RECEIVE) {
    const chunk = messages.slice(i, i + SQS_MAX_MESSAGES_PER_RECEIVE);
    try {
      await context.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: context.queueUrl,
          Entries: chunk.map((m, index) => ({
            Id: String(index),
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          })),
        }),
      );
    } catch (error) {
      context.emit('runner-error', { functionName: context.fn.name, phase: 'release', error: serializeError(error) });
    }
  }
}

async function stopAwareDelay(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AbortError')) throw error;
  }
}
