/**
 * Moving dead-lettered records back to their work queue. Redriving is always safe here: every step re-reads its ops
 * request and does only what the status says is due (docs/operations.md, "Redrive").
 *
 * Two ways. SQS's own `StartMessageMoveTask` (server-side, keeps each message's id and attributes; with no
 * destination it returns every record to the queue it came from —
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html). Emulators
 * without it (fauxqs 2.4 answers `InvalidAction`) get receive → send → delete in batches of 10: a record is deleted
 * from the DLQ only after SQS confirmed its copy, so a crash in between duplicates it (harmless, see above) but
 * never loses it.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export type RedriveMethod = 'auto' | 'move-task' | 'receive';

export interface RedrivePair {
  /** The step (`halt`, …) or queue logical id, for the report. */
  label: string;
  source: string;
  dlq: string;
}

export interface RedriveOutcome {
  label: string;
  dlq: string;
  source: string;
  method: 'move-task' | 'receive';
  moved: number;
  /** Records whose send failed: left in the DLQ (they become visible again there). */
  failed: number;
  /** move-task: the task's status when we stopped following it; its handle to cancel it. */
  task?: { handle: string; status: string };
}

/** The receive/send/delete path: how long a received record stays invisible in the DLQ while it is copied. */
const VISIBILITY_SECONDS = 60;

async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const answer = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (answer.QueueUrl === undefined) throw new Error(`GetQueueUrl ${name}: no QueueUrl in the answer`);
  return answer.QueueUrl;
}

const isUnsupported = (err: unknown): boolean =>
  err instanceof Error && ['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException'].includes(err.name);

/** Receive up to `max` records from the DLQ and move them, batch by batch (at most 10 per SQS call). */
async function moveByCopy(sqs: SQSClient, pair: RedrivePair, max: number): Promise<RedriveOutcome> {
  const [dlqUrl, sourceUrl] = [await queueUrl(sqs, pair.dlq), await queueUrl(sqs, pair.source)];
  let moved = 0;
  let failed = 0;
  while (moved + failed < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - moved - failed),
        // Long polling (> 0) asks every SQS server, so an empty answer means an empty queue, not a sampled miss.
        WaitTimeSeconds: 1,
        VisibilityTimeout: VISIBILITY_SECONDS,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const result = await copyBatch(sqs, sourceUrl, dlqUrl, messages);
    moved += result.moved;
    failed += result.failed;
  }
  return { label: pair.label, dlq: pair.dlq, source: pair.source, method: 'receive', moved, failed };
}

async function copyBatch(
  sqs: SQSClient,
  sourceUrl: string,
  dlqUrl: string,
  messages: Message[],
): Promise<{ moved: number; failed: number }> {
  const entries = messages.map((m, i) => ({
    Id: String(i),
    MessageBody: m.Body ?? '',
    ...(m.MessageAttributes !== undefined ? { MessageAttributes: m.MessageAttributes } : {}),
    // FIFO queues need the group (and, without content-based deduplication, the deduplication id) again.
    ...(m.Attributes?.MessageGroupId !== undefined ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
    ...(m.Attributes?.MessageDeduplicationId !== undefined
      ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId }
      : {}),
  }));
  const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: entries }));
  const ok = (sent.Successful ?? []).map((s) => Number(s.Id));
  if (ok.length > 0) {
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: ok.map((i) => ({ Id: String(i), ReceiptHandle: messages[i]?.ReceiptHandle ?? '' })),
      }),
    );
    const notDeleted = deleted.Failed ?? [];
    if (notDeleted.length > 0)
      throw new Error(
        `copied ${ok.length} record(s) to ${sourceUrl} but could not delete ${notDeleted.length} from the DLQ ` +
          `(${notDeleted.map((f) => f.Message ?? f.Code).join('; ')}): they will be delivered twice (harmless)`,
      );
  }
  return { moved: ok.length, failed: messages.length - ok.length };
}

/** StartMessageMoveTask, then follow it (ListMessageMoveTasks) until it leaves RUNNING or `followMs` passes. */
async function moveByTask(
  sqs: SQSClient,
  pair: RedrivePair,
  followMs: number,
  pause: (ms: number) => Promise<void>,
): Promise<RedriveOutcome> {
  const dlqUrl = await queueUrl(sqs, pair.dlq);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes ${pair.dlq}: no QueueArn`);
  const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
  const handle = started.TaskHandle ?? '';
  const deadline = Date.now() + followMs;
  for (;;) {
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }));
    const task = tasks.Results?.[0];
    if (task?.Status !== 'RUNNING' || Date.now() >= deadline) return taskOutcome(pair, handle, task);
    await pause(1000);
  }
}

function taskOutcome(
  pair: RedrivePair,
  handle: string,
  task: ListMessageMoveTasksResultEntry | undefined,
): RedriveOutcome {
  const status = task?.Status ?? 'UNKNOWN';
  return {
    label: pair.label,
    dlq: pair.dlq,
    source: pair.source,
    method: 'move-task',
    moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
    failed: status === 'FAILED' ? (task?.ApproximateNumberOfMessagesToMove ?? 0) : 0,
    task: { handle, status: task?.FailureReason !== undefined ? `${status}: ${task.FailureReason}` : status },
  };
}

export async function redrive(
  sqs: SQSClient,
  pair: RedrivePair,
  options: { method: RedriveMethod; max: number; followMs: number; pause: (ms: number) => Promise<void> },
): Promise<RedriveOutcome> {
  if (options.method === 'receive') return moveByCopy(sqs, pair, options.max);
  try {
    return await moveByTask(sqs, pair, options.followMs, options.pause);
  } catch (err) {
    if (options.method === 'auto' && isUnsupported(err)) return moveByCopy(sqs, pair, options.max);
    throw err;
  }
}
